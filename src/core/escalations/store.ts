/** The port the escalation use cases store records through (Redis implements it). */
import type { AuditEntry } from '../ports.js';
import type { Escalation } from './model.js';

/** A record before the store numbers it. */
export type NewEscalation = Omit<Escalation, 'id' | 'number'>;

export type CreateResult = { created: true; record: Escalation } | { created: false; existingId: string };

export interface EscalationStore {
  /**
   * Numbers and stores a new record atomically (`ESC-<n>`, per tenant), with its audit entry. With
   * a `sourceKey`, a second record for the same source is refused and the first one's id returned.
   * The audit entry's `subject` is filled in with the new id.
   */
  create(tenant: string, draft: NewEscalation, audit: AuditEntry, sourceKey?: string): Promise<CreateResult>;
  /** One record, or undefined. */
  get(tenant: string, id: string): Promise<Escalation | undefined>;
  /**
   * Replaces a record if it is still at `expectedVersion` (compare-and-set), appending the audit
   * entry in the same step. Returns false when someone else changed it first.
   */
  update(tenant: string, record: Escalation, expectedVersion: number, audit: AuditEntry): Promise<boolean>;
  /** Records that are not resolved, oldest first. */
  listOpen(tenant: string): Promise<Escalation[]>;
  /** Records newest first (by creation) that the query keeps: one page, and whether more follow. */
  search(tenant: string, query: RecordQuery): Promise<{ records: Escalation[]; more: boolean }>;
  /** Ids changed more than `olderThanMs` ago whose effects were not confirmed queued. */
  dirty(tenant: string, olderThanMs: number, now: Date): Promise<string[]>;
  /** Confirms that the effects of a version were queued. */
  clean(tenant: string, id: string, version: number): Promise<void>;
  /** Tenants that have escalations (for the reconciler). */
  tenants(): Promise<string[]>;
}

export interface RecordQuery {
  /** Only records created at or after this moment. */
  since?: Date;
  /** Which records count. */
  keep: (e: Escalation) => boolean;
  /** How many matching records to skip (the pages before). */
  offset: number;
  /** How many to return. */
  limit: number;
}

export const STORE_DOWN = 'Shiftlead could not save this right now (its database is unreachable). Nothing was recorded — please try again in a minute.';

/** Redis (or whatever holds records) is unreachable: the person must be told to retry. */
export function isStoreDown(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: string }).code;
  return (
    code === 'ECONNREFUSED' ||
    code === 'ETIMEDOUT' ||
    /Stream isn't writeable|Connection is closed|enableOfflineQueue|Command timed out|ECONNREFUSED|max retries per request|Reached the max retries/i.test(error.message)
  );
}

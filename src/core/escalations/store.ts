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
  /** Ids changed more than `olderThanMs` ago whose effects were not confirmed queued. */
  dirty(tenant: string, olderThanMs: number, now: Date): Promise<string[]>;
  /** Confirms that the effects of a version were queued. */
  clean(tenant: string, id: string, version: number): Promise<void>;
  /** Tenants that have escalations (for the reconciler). */
  tenants(): Promise<string[]>;
}

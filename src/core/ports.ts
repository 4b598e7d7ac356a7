/**
 * The ports the core talks to. Adapters for Redis, BullMQ and the chat platforms implement them;
 * the core never imports those libraries (a test enforces it).
 */
import type { Delivery } from '../chat/delivery.js';

/** The current time. Inject a fixed or moving clock in tests. */
export interface Clock {
  /** Now, as a Date. */
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** One line of the audit trail. */
export interface AuditEntry {
  /** Who did it: a person id, a platform user id, or `shiftlead` for the bot itself. */
  actor: string;
  /** When, as an ISO timestamp. */
  at: string;
  /** What kind of change, e.g. `escalation.acknowledged`. */
  type: string;
  /** What it changed, e.g. `ESC-42`. */
  subject: string;
  /** The state before, when there is one. */
  from?: string;
  /** The state after, when there is one. */
  to?: string;
  /** A short free-text detail. */
  detail?: string;
}

/** The append-only audit trail of a tenant. */
export interface AuditLog {
  /** Appends one entry to the tenant's trail. */
  append(tenant: string, entry: AuditEntry): Promise<void>;
  /** The newest `limit` entries, oldest first. */
  recent(tenant: string, limit: number): Promise<AuditEntry[]>;
}

/** Everything the bot says goes through here: deliveries are idempotent by key. */
export interface Outbox {
  /** Queues deliveries; a delivery whose key was queued before is ignored. */
  enqueue(deliveries: Delivery[]): Promise<void>;
}

/** One-off timers (SLA deadlines, reminders) with deterministic ids. */
export interface Timers {
  /** Schedules `payload` for `at`; scheduling an id that is already pending changes nothing. */
  schedule(id: string, at: Date, payload: TimerPayload): Promise<void>;
  /** Cancels pending timers; unknown ids are ignored. */
  cancel(ids: string[]): Promise<void>;
}

/** What a timer carries back to the core when it fires. */
export interface TimerPayload {
  kind: string;
  tenant: string;
  [field: string]: string | number | boolean;
}

/** Short-lived drafts: form context too large for the platform to carry. */
export interface Drafts {
  /** Stores a draft for an hour; returns its id. */
  save(tenant: string, content: string): Promise<string>;
  /** The draft, if it has not expired. */
  load(tenant: string, id: string): Promise<string | undefined>;
}

/** Links to messages the outbox delivered, by message key. */
export interface MessageLinks {
  /** The links known for these keys (missing keys are left out). */
  links(tenant: string, keys: string[]): Promise<Map<string, string>>;
}

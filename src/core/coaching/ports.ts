/** The ports the coaching feature talks to (Redis implements them in src/store/coaching.ts). */
import type { AuditEntry } from '../ports.js';
import type { FoldedSignal, NewNudge, NewSuggestion, Nudge, Suggestion } from './model.js';

/** A record as read, with the version a change must start from. */
export interface Versioned<T> {
  record: T;
  version: number;
}

/**
 * What the weekly workload summary reads about coaching. Nudges are the organization's records,
 * so their scope is the organization's (`'org'`), whichever platform they went out on.
 */
export interface CoachingLedger {
  /** How many nudges went out TO the person (released to the outbox) in [from, to). */
  nudgesSent(scope: string, personId: string, from: Date, to: Date): Promise<number>;
  /** Signals over the caps about the person in [from, to): folded into the weekly summary instead of suggested. */
  foldedSignals(personId: string, from: Date, to: Date): Promise<FoldedSignal[]>;
}

export interface CoachingStore extends CoachingLedger {
  /** Numbers and stores a nudge (indexed by sender), with its audit entry (which never holds the text). */
  createNudge(nudge: NewNudge, audit: AuditEntry): Promise<Nudge>;
  getNudge(id: string): Promise<Versioned<Nudge> | undefined>;
  /** Replaces a nudge if still at `expected`; false when it changed first. */
  updateNudge(id: string, expected: number, nudge: Nudge, audit: AuditEntry): Promise<boolean>;
  /** Records that a nudge went out to its recipient at `at` (idempotent), for `nudgesSent`. */
  markSent(personId: string, nudgeId: string, at: Date): Promise<void>;
  /** Nudges a person sent since `from`, newest first. */
  sentBy(personId: string, from: Date): Promise<Nudge[]>;
  /** Nudges still held (not yet due), for upkeep after a loss of timers. */
  held(): Promise<Nudge[]>;

  /** Claims a signal once, ever: true the first time its key is seen. */
  claimSignal(key: string, outcome: string): Promise<boolean>;
  createSuggestion(suggestion: NewSuggestion, audit: AuditEntry): Promise<Suggestion>;
  getSuggestion(id: string): Promise<Versioned<Suggestion> | undefined>;
  updateSuggestion(id: string, expected: number, suggestion: Suggestion, audit: AuditEntry): Promise<boolean>;
  /** How many corrective suggestions were made about a person in [from, to) (the caps). */
  correctiveCount(personId: string, from: Date, to: Date): Promise<number>;
  /** Counts a corrective suggestion about a person at `at`. */
  countCorrective(personId: string, suggestionId: string, at: Date): Promise<void>;
  /** Keeps a signal over the caps for the weekly summary. */
  fold(personId: string, signal: FoldedSignal & { key: string }, audit: AuditEntry): Promise<void>;

  /** Whether a person opted out of signal-driven nudges. */
  optedOut(personId: string): Promise<boolean>;
  /** Opts a person out (true) or back in (false); false when it was so already. Audited. */
  setOptOut(personId: string, out: boolean, audit: AuditEntry): Promise<boolean>;
}

/** Whether a delivery reached its platform: the outbox's own records. */
export interface DeliveryStatus {
  /** `delivered`, `failed` (for good), or `pending` (queued, or older than the outbox remembers). */
  status(tenant: string, key: string): Promise<'delivered' | 'failed' | 'pending'>;
}

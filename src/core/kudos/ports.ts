/** The kudos feature's store port (Redis implements it in src/store/kudos.ts). */
import type { AuditEntry } from '../ports.js';

/** One kudos to give: who to whom, counted on the giver's local date. */
export interface KudosGift {
  /** Roster ids. */
  from: string;
  to: string;
  /** The giver's local calendar date (`2027-03-29`): the daily limit counts per date. */
  giverDate: string;
  /** A short hash of the receiver and text: a repeat within `duplicateWindowMs` is the same kudos. */
  fingerprint: string;
  at: Date;
  maxPerDay: number;
  duplicateWindowMs: number;
}

export type KudosGiven =
  /** Stored as `id`; `count` is how many the giver has given that day, this one included. */
  | { outcome: 'given'; id: string; count: number }
  /** The same kudos a moment ago (a double-delivered request): nothing new was counted. */
  | { outcome: 'duplicate'; id: string }
  /** The giver already gave `count` (the limit) that day: nothing was stored. */
  | { outcome: 'limit'; count: number };

export interface KudosStore {
  /** Counts and stores a kudos atomically (with its audit entry; its subject is filled in with the id), or says why not. */
  give(gift: KudosGift, audit: AuditEntry): Promise<KudosGiven>;
  /** How many kudos a person received in [from, to). */
  received(personId: string, from: Date, to: Date): Promise<number>;
}

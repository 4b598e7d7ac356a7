/** A quick poll: a rating poll (1–5, CSAT) or a single-choice poll, posted in a channel. */
import { z } from 'zod';
import { PlatformKind } from '../../chat/message.js';
import { Participant } from '../escalations/model.js';

export const POLL_LIMITS = {
  question: 300,
  option: 75,
  minOptions: 2,
  maxOptions: 10,
  /** The longest a poll may stay open. */
  maxOpenMs: 30 * 86_400_000,
  defaultOpenMs: 24 * 3_600_000,
} as const;

/** The summary on a poll is updated at most this often, however fast votes come in. */
export const REFRESH_EVERY_MS = 5_000;

export const DEFAULT_CSAT_QUESTION = 'How satisfied are you with the support you received?';
export const RATING_LABELS = ['Very dissatisfied', 'Dissatisfied', 'Neutral', 'Satisfied', 'Very satisfied'] as const;

export const Poll = z.object({
  id: z.string().regex(/^POLL-\d+$/),
  tenant: z.string(),
  platform: PlatformKind,
  /** `rating`: the five CSAT buttons; `choice`: one of the options. */
  kind: z.enum(['rating', 'choice']),
  question: z.string().min(1).max(POLL_LIMITS.question),
  options: z.array(z.string().min(1).max(POLL_LIMITS.option)).min(POLL_LIMITS.minOptions).max(POLL_LIMITS.maxOptions),
  /** Anonymous polls keep no link from a voter to a vote once they close (see the store). */
  anonymous: z.boolean(),
  creator: Participant,
  /** The conversation it is posted in. */
  conversation: z.string().min(1),
  /** The department whose channel it is in, when it is in one (a rating poll's CSAT counts there). */
  department: z.string().optional(),
  createdAt: z.iso.datetime(),
  closesAt: z.iso.datetime(),
});
export type Poll = z.infer<typeof Poll>;
export type NewPoll = Omit<Poll, 'id'>;

/** A poll as stored: its record, whether it is still open, and the counts (option index → votes). */
export interface PollState {
  poll: Poll;
  status: 'open' | 'closed';
  closedAt?: string;
  closedBy?: z.infer<typeof Participant>;
  /** Votes per option, in option order. */
  counts: number[];
}

export type VoteOutcome =
  /** A first vote, or a changed one (`previous` is the option it replaced, 1-based). */
  | { result: 'counted' | 'changed'; poll: Poll; previous?: number; refresh: boolean }
  /** The same vote again (a double click, a retried delivery): counted once. */
  | { result: 'same'; poll: Poll; refresh: false }
  | { result: 'closed' | 'unknown' | 'invalid'; refresh: false };

export interface PollStore {
  /** Numbers and stores a new open poll (`POLL-<n>`, per tenant). */
  create(draft: NewPoll): Promise<Poll>;
  /** A poll with its status and counts, or undefined. */
  get(tenant: string, id: string): Promise<PollState | undefined>;
  /**
   * Counts one person's vote atomically (one script: the per-person hash and the counts): a second
   * vote replaces the first. `refresh` is true for the first vote of a refresh window (`window`),
   * so that one summary update is scheduled per window.
   */
  vote(tenant: string, id: string, voter: string, option: number, now: Date, window: number): Promise<VoteOutcome>;
  /**
   * Closes an open poll atomically: no vote counts after it. For an anonymous poll it also
   * forgets who voted (the per-person hash). Returns the final state, and whether this call closed it.
   */
  close(tenant: string, id: string, by: z.infer<typeof Participant> | undefined, now: Date): Promise<{ closedNow: boolean; state: PollState } | undefined>;
  /**
   * Claims the right to update an open poll's message now: granted when the last update was at
   * least `everyMs` ago (atomically, across processes). Otherwise says when the next is allowed;
   * `closed` for a closed or unknown poll.
   */
  claimRefresh(tenant: string, id: string, now: Date, everyMs: number): Promise<{ granted: true } | { granted: false; nextAt: number } | 'closed'>;
  /** Confirms that a closed poll's effects (final results, metric) were queued. */
  settle(tenant: string, id: string): Promise<void>;
  /** Open polls past their closing time, and closed ones whose effects were not confirmed, at `now`. */
  overdue(tenant: string, now: Date, graceMs: number): Promise<{ toClose: string[]; unsettled: string[] }>;
  /** Tenants that have polls (for upkeep). */
  tenants(): Promise<string[]>;
}

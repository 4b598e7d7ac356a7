/** The escalation record: the product's central record, stored whole with its history. */
import { z } from 'zod';
import { PlatformKind } from '../../chat/message.js';

/** The longest texts Shiftlead stores. Longer input is refused with a clear message; shorter
 * input is stored whole and only truncated when a platform renders it. */
export const LIMITS = {
  customer: 200,
  ticketUrl: 2_000,
  summary: 3_000,
  details: 40_000,
  resolution: 3_000,
} as const;

export const STATUSES = ['open', 'acknowledged', 'resolved', 'reopened'] as const;
export type Status = (typeof STATUSES)[number];

/** Statuses in which nobody has acknowledged the escalation yet. */
export const UNACKNOWLEDGED: readonly Status[] = ['open', 'reopened'];

export const Participant = z.object({
  platform: PlatformKind,
  user: z.string().min(1),
  personId: z.string().optional(),
  name: z.string(),
});

export const HISTORY_TYPES = ['created', 'acknowledged', 'assigned', 'resolved', 'reopened', 'acknowledge_missed', 'resolve_missed', 'rated'] as const;
export type HistoryType = (typeof HISTORY_TYPES)[number];

export const HistoryEntry = z.object({
  at: z.iso.datetime(),
  type: z.enum(HISTORY_TYPES),
  actor: Participant,
  from: z.enum(STATUSES).optional(),
  to: z.enum(STATUSES).optional(),
  /** Resolution note, reopen reason, or the new owner's name. */
  note: z.string().optional(),
  owner: Participant.optional(),
  /** Which reminder this was, for missed deadlines. */
  miss: z.number().int().optional(),
  /** Who a missed deadline called on: the people on shift in the department at that moment. */
  notify: z.array(Participant).optional(),
});
export type HistoryEntry = z.infer<typeof HistoryEntry>;

export const SourceMessage = z.object({
  conversation: z.string(),
  id: z.string(),
  /** When the message is a reply: its thread's first message (replies go there). */
  threadRoot: z.string().optional(),
  link: z.string().optional(),
});

/** How well a resolution was handled, 1–5, as the person asked after it said (one per resolution). */
export const Rating = z.object({
  /** The resolution it rates: the record's cycle when it was resolved. */
  cycle: z.number().int().positive(),
  score: z.number().int().min(1).max(5),
  comment: z.string().optional(),
  at: z.iso.datetime(),
  by: Participant,
});
export type Rating = z.infer<typeof Rating>;

export const Escalation = z.object({
  id: z.string().regex(/^ESC-\d+$/),
  number: z.number().int().positive(),
  tenant: z.string(),
  platform: PlatformKind,
  status: z.enum(STATUSES),
  severity: z.string(),
  department: z.string(),
  customer: z.string(),
  ticketUrl: z.string().optional(),
  summary: z.string(),
  details: z.string().optional(),
  requester: Participant,
  owner: Participant.optional(),
  /** Where it was raised (the channel of the command or reaction). */
  origin: z.string().optional(),
  /** The message it was raised from, when there is one. */
  source: SourceMessage.optional(),
  /** Set when the record's card also lives in the source message's thread. */
  sourceCard: z.boolean().optional(),
  /** Where the card was posted (a channel; or the source thread). */
  channel: z.string().optional(),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
  acknowledgedAt: z.iso.datetime().optional(),
  resolvedAt: z.iso.datetime().optional(),
  resolution: z.string().optional(),
  /** Increases on every reopen; SLA timers of an older cycle are ignored. */
  cycle: z.number().int().positive(),
  acknowledgeDueAt: z.iso.datetime(),
  resolveDueAt: z.iso.datetime(),
  misses: z.object({ acknowledge: z.number().int().min(0), resolve: z.number().int().min(0) }),
  /** Ratings of its resolutions, one per cycle. */
  ratings: z.array(Rating).optional(),
  version: z.number().int().positive(),
  history: z.array(HistoryEntry),
});
export type Escalation = z.infer<typeof Escalation>;
export type ParticipantT = z.infer<typeof Participant>;

export function isOpen(e: Pick<Escalation, 'status'>): boolean {
  return e.status !== 'resolved';
}

/** Past a deadline it has not met yet, at `now`. */
export function isBreached(e: Escalation, now: Date): boolean {
  if (e.status === 'resolved') return false;
  const t = now.getTime();
  return (UNACKNOWLEDGED.includes(e.status) && t > Date.parse(e.acknowledgeDueAt)) || t > Date.parse(e.resolveDueAt);
}

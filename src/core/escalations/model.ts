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
  note: 3_000,
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

export const HISTORY_TYPES = [
  'created',
  'acknowledged',
  'assigned',
  'resolved',
  'reopened',
  'acknowledge_missed',
  'resolve_missed',
  'edited',
  'noted',
  'snoozed',
  'escalated',
  'rated',
] as const;
export type HistoryType = (typeof HISTORY_TYPES)[number];

/** The fields an edit may change. */
export const EDITABLE = ['customer', 'ticketUrl', 'summary', 'details', 'severity', 'department'] as const;
export type Editable = (typeof EDITABLE)[number];

export const Change = z.object({ field: z.enum(EDITABLE), from: z.string().optional(), to: z.string().optional() });
export type Change = z.infer<typeof Change>;

export const Clock = z.enum(['acknowledge', 'resolve']);
export type Clock = z.infer<typeof Clock>;

export const HistoryEntry = z.object({
  at: z.iso.datetime(),
  type: z.enum(HISTORY_TYPES),
  actor: Participant,
  from: z.enum(STATUSES).optional(),
  to: z.enum(STATUSES).optional(),
  /** Resolution note, reopen reason, a note's text, or the new owner's name. */
  note: z.string().optional(),
  owner: Participant.optional(),
  /** Which reminder this was, for missed deadlines. */
  miss: z.number().int().optional(),
  /** What an edit changed. */
  changes: z.array(Change).optional(),
  /** Set when an edit moved the card to another channel: how many moves so far. */
  moved: z.number().int().positive().optional(),
  /** A snooze's end; absent when the reminders were woken. */
  until: z.iso.datetime().optional(),
  /** Who a missed deadline called on: the people on shift in the department at that moment. */
  notify: z.array(Participant).optional(),
  /** Escalation level reached (2 = the level after the on-duty people), and for which deadline. */
  level: z.number().int().min(2).optional(),
  clock: Clock.optional(),
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
  /** Increases whenever the cycle's reminders are planned again (new deadlines, a snooze);
   * timers of an older plan are ignored. Absent means 1. */
  plan: z.number().int().positive().optional(),
  acknowledgeDueAt: z.iso.datetime(),
  resolveDueAt: z.iso.datetime(),
  misses: z.object({ acknowledge: z.number().int().min(0), resolve: z.number().int().min(0) }),
  /** Ratings of its resolutions, one per cycle. */
  ratings: z.array(Rating).optional(),
  /** Escalation levels (2 and up) already told about each missed deadline, in this plan. */
  levelsTold: z.object({ acknowledge: z.array(z.number().int()), resolve: z.array(z.number().int()) }).optional(),
  /** Reminders are paused until then (the deadlines themselves stay as they are). */
  snoozedUntil: z.iso.datetime().optional(),
  snoozedBy: Participant.optional(),
  /** How many times an edit moved the card to another department's channel. */
  moved: z.number().int().positive().optional(),
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

/** When the current cycle began: creation, or the last reopen. */
export function cycleStart(e: Pick<Escalation, 'createdAt' | 'history' | 'cycle'>): Date {
  if (e.cycle > 1) {
    const reopened = [...e.history].reverse().find((h) => h.type === 'reopened');
    if (reopened) return new Date(reopened.at);
  }
  return new Date(e.createdAt);
}

/** Whether the reminders are paused at `now`. */
export function isSnoozed(e: Pick<Escalation, 'snoozedUntil'>, now: Date): boolean {
  return e.snoozedUntil !== undefined && Date.parse(e.snoozedUntil) > now.getTime();
}

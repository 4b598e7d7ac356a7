/** Coaching records: nudges (written by a lead or manager, or sent from a suggestion) and suggested nudges from signals. */
import { z } from 'zod';
import { PlatformKind } from '../../chat/message.js';

/** The longest nudge text and reply Shiftlead accepts; longer is refused with a clear message. */
export const NUDGE_MAX = 1_000;

/** Where a nudge goes: the recipient's id on the platform it was sent from. */
export const NudgeTarget = z.strictObject({ platform: PlatformKind, tenant: z.string().min(1), user: z.string().min(1) });
export type NudgeTarget = z.infer<typeof NudgeTarget>;

export const NUDGE_STATUSES = ['held', 'sent', 'thanked', 'replied'] as const;

export const Nudge = z.strictObject({
  id: z.string().regex(/^N-\d+$/),
  number: z.number().int().positive(),
  /** Roster id of the sender (a lead or manager). */
  from: z.string().min(1),
  /** Where the sender is told about delivery problems, thanks and replies. */
  sender: NudgeTarget,
  /** Roster id of the recipient. */
  to: z.string().min(1),
  target: NudgeTarget,
  text: z.string().min(1).max(NUDGE_MAX),
  createdAt: z.iso.datetime(),
  /** When it is (or was) due: now, or the recipient's next working moment. */
  dueAt: z.iso.datetime(),
  /** When it went to the outbox. */
  sentAt: z.iso.datetime().optional(),
  status: z.enum(NUDGE_STATUSES),
  /** The suggestion it came from, when it did. */
  suggestion: z.string().optional(),
  /** How many times its delivery was planned again (a shift moved): the timer id's suffix. */
  plan: z.number().int().min(1),
  acknowledgedAt: z.iso.datetime().optional(),
  replies: z.number().int().min(0),
  /** A digest of the last reply: the same reply submitted twice (a retried request) counts once. */
  lastReply: z.string().optional(),
});
export type Nudge = z.infer<typeof Nudge>;
export type NewNudge = Omit<Nudge, 'id' | 'number'>;

export const SIGNAL_RULES = ['missedAcknowledge', 'lowRating', 'streak'] as const;
export type SignalRule = (typeof SIGNAL_RULES)[number];

/** Corrective signals count against the caps; a streak is praise and never capped. */
export function isCorrective(rule: SignalRule): boolean {
  return rule !== 'streak';
}

/** Something that happened and may be worth a nudge: one per (rule, escalation, cycle) or (streak, person, week). */
export interface Signal {
  /** Deterministic: the same event always has the same key (it produces one suggestion, ever). */
  key: string;
  rule: SignalRule;
  /** Roster id of the person it is about. */
  person: string;
  /** When it happened. */
  at: string;
  /** The facts, in neutral markup (which escalation, which deadline, which rating). */
  facts: string;
  /** A short plain summary for the weekly summary. */
  detail: string;
  /** A drafted nudge text (the lead edits or sends it as it is). */
  draft: string;
}

export const SUGGESTION_STATUSES = ['open', 'sent', 'dismissed'] as const;

export const Suggestion = z.strictObject({
  id: z.string().regex(/^S-\d+$/),
  number: z.number().int().positive(),
  rule: z.enum(SIGNAL_RULES),
  signal: z.string().min(1),
  person: z.string().min(1),
  facts: z.string(),
  detail: z.string(),
  draft: z.string().max(NUDGE_MAX),
  /** Roster ids of the leads and managers it was sent to. */
  reviewers: z.array(z.string()),
  createdAt: z.iso.datetime(),
  status: z.enum(SUGGESTION_STATUSES),
  decidedBy: z.string().optional(),
  decidedAt: z.iso.datetime().optional(),
  /** The nudge it became. */
  nudge: z.string().optional(),
});
export type Suggestion = z.infer<typeof Suggestion>;
export type NewSuggestion = Omit<Suggestion, 'id' | 'number'>;

/** A signal over the caps: not suggested, shown in the weekly summary instead. */
export interface FoldedSignal {
  rule: string;
  at: string;
  detail: string;
}

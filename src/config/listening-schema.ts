/**
 * The listening features' keys in the team configuration: `departments[].csat`, `customerChannels`
 * and `pulses`.
 *
 *   pulses:
 *     - { id: team-pulse, questions: [{ kind: enps }], every: 2w, day: fri, at: "15:00",
 *         openFor: 3d, minResponses: 5 }
 */
import { z } from 'zod';
import { ClockTime, Duration, Id, IsoDate, Weekday } from './config-types.js';

/** Who is asked how well a resolved escalation was handled: its requester (DM), its channel or thread, or nobody. */
export const DepartmentCsat = z.strictObject({
  afterResolve: z.enum(['requester', 'channel', 'off'], { message: 'must be requester, channel or off' }).default('requester'),
});

/** Channels customers are in (Slack Connect, shared channels): CSAT for escalations raised there is asked there. */
export const CustomerChannels = z.array(
  z.string().regex(/^([CG][A-Z0-9]{2,}|19:.+@thread\.(tacv2|skype)|#[a-z0-9_-]+)$/, 'must be a Slack channel id (C0123ABCD), a Teams channel id (19:…@thread.tacv2) or a console #name'),
);

export const PULSE_QUESTION_KINDS = ['enps', 'rating', 'text'] as const;
export type PulseQuestionKind = (typeof PULSE_QUESTION_KINDS)[number];

const PulseQuestion = z.strictObject({
  kind: z.enum(PULSE_QUESTION_KINDS, { message: `must be one of ${PULSE_QUESTION_KINDS.join(', ')}` }),
  /** The question as people read it; eNPS has a standard one. */
  text: z.string().min(1).max(300).optional(),
});

export const Pulse = z.strictObject({
  id: Id,
  name: z.string().min(1).max(80).optional(),
  questions: z.array(PulseQuestion).min(1).max(10),
  /** Who is asked: a department, or listed people; everyone when left out. */
  who: z.strictObject({ department: Id.optional(), people: z.array(Id).min(1).optional() }).optional(),
  /** A round every N weeks (1w–12w), counted from `start`. */
  every: z.string().regex(/^([1-9]|1[0-2])w$/, 'must be a number of weeks, 1w to 12w (e.g. 2w)').transform((w) => Number(w.slice(0, -1))),
  day: Weekday,
  /** When people are asked, in each person's own time zone. */
  at: ClockTime,
  /** The week of the first round (any date in it); rounds repeat every `every` weeks from there. */
  start: IsoDate.optional(),
  openFor: Duration.default(3 * 86_400_000),
  /** Results stay hidden until this many people answered: never fewer than 3 (Lattice and Culture Amp default to 5). */
  minResponses: z.number({ error: 'must be a whole number, at least 3' }).int().min(3, 'must be at least 3: fewer answers could identify who wrote them').max(1000).default(5),
});

type Ctx = z.RefinementCtx;
type Loose = Array<Record<string, unknown>>;

const minutes = (clock: unknown): number | undefined => {
  const m = typeof clock === 'string' ? /^(\d\d):(\d\d)$/.exec(clock) : null;
  return m ? Number(m[1]) * 60 + Number(m[2]) : undefined;
};

/** Pulses: who they ask exists, they never ask in quiet hours, and a round closes before the next. */
export function pulseReferences(pulses: Loose, quietHours: { start?: unknown; end?: unknown } | undefined, personIds: Set<unknown>, departmentIds: Set<unknown>, ctx: Ctx): void {
  const quiet = { start: minutes(quietHours?.start), end: minutes(quietHours?.end) };
  pulses.forEach((pulse, i) => {
    const who = (pulse['who'] ?? {}) as Record<string, unknown>;
    if (who['department'] !== undefined && who['people'] !== undefined) ctx.addIssue({ code: 'custom', path: ['pulses', i, 'who'], message: 'name a department or people, not both' });
    if (typeof who['department'] === 'string' && !departmentIds.has(who['department'])) {
      ctx.addIssue({ code: 'custom', path: ['pulses', i, 'who', 'department'], message: `${JSON.stringify(who['department'])} is not a department in departments` });
    }
    (Array.isArray(who['people']) ? (who['people'] as unknown[]) : []).forEach((person, j) => {
      if (typeof person === 'string' && !personIds.has(person)) ctx.addIssue({ code: 'custom', path: ['pulses', i, 'who', 'people', j], message: `${JSON.stringify(person)} is not a person in people` });
    });
    (Array.isArray(pulse['questions']) ? (pulse['questions'] as Loose) : []).forEach((q, j) => {
      if (q && q['kind'] !== 'enps' && q['kind'] !== undefined && q['text'] === undefined) ctx.addIssue({ code: 'custom', path: ['pulses', i, 'questions', j], message: `a ${String(q['kind'])} question needs its text` });
    });
    const at = minutes(pulse['at']);
    if (at !== undefined && quiet.start !== undefined && quiet.end !== undefined) {
      const inQuiet = quiet.start <= quiet.end ? at >= quiet.start && at < quiet.end : at >= quiet.start || at < quiet.end;
      if (inQuiet) ctx.addIssue({ code: 'custom', path: ['pulses', i, 'at'], message: `${String(pulse['at'])} is inside quiet hours (${String(quietHours?.start)}–${String(quietHours?.end)}); pick a time outside them` });
    }
    const every = typeof pulse['every'] === 'number' ? pulse['every'] : undefined;
    const openFor = typeof pulse['openFor'] === 'number' ? pulse['openFor'] : undefined;
    if (every !== undefined && openFor !== undefined && openFor >= every * 7 * 86_400_000) {
      ctx.addIssue({ code: 'custom', path: ['pulses', i, 'openFor'], message: `must be shorter than every (${every}w), so that a round closes before the next one` });
    }
  });
}

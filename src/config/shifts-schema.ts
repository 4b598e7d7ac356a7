/**
 * The shift roster's keys in the team configuration: `shifts`, `reminders` and `handoffs`.
 *
 *   shifts:
 *     - { id: early, name: Early, department: support, start: "06:00", end: "14:00",
 *         timezone: Europe/Lisbon, days: [mon, tue, wed, thu, fri], people: [ben, caro],
 *         rotation: weekly, rotationStart: 2026-11-30 }
 */
import { z } from 'zod';
import { ClockTime, DurationOrOff, Id, IsoDate, TimeZone, Weekday } from './config-types.js';

const EVERY_DAY = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;

export const Shift = z.strictObject({
  id: Id,
  name: z.string().min(1).max(60),
  department: Id,
  start: ClockTime,
  /** An end before the start runs past midnight (the shift belongs to the day it starts). */
  end: ClockTime,
  /** Default: organization.timezone. */
  timezone: TimeZone.optional(),
  days: z.array(Weekday).min(1).default([...EVERY_DAY]),
  /** Everyone listed works every occurrence; with a rotation, one person per turn in list order. */
  people: z.array(Id).default([]),
  rotation: z.enum(['weekly', 'daily'], { message: 'must be weekly or daily' }).optional(),
  /** The date of the first turn (of the first person listed). */
  rotationStart: IsoDate.optional(),
});

export const ReminderSettings = z.strictObject({
  /** DM each person this long before each of their shifts starts (`off` for none). */
  beforeShift: DurationOrOff.default(60 * 60_000),
  /** And the evening before, when their shift starts before `ifStartsBefore` in their own zone. */
  eveningBefore: z
    .union([z.literal('off'), z.strictObject({ ifStartsBefore: ClockTime.default('07:00'), at: ClockTime.default('18:00') })])
    .default({ ifStartsBefore: '07:00', at: '18:00' }),
});

export const HandoffSettings = z.strictObject({
  /** DM the outgoing people this long before their shift ends (`off` for none). */
  promptBefore: DurationOrOff.default(30 * 60_000),
  /** After the incoming shift starts; the department's managers are told at twice this. */
  acknowledgeWithin: DurationOrOff.default(15 * 60_000),
});

type Ctx = z.RefinementCtx;
type Loose = Array<Record<string, unknown>>;

/** Cross-references of the shift keys, listed with the rest of the configuration's problems. */
export function shiftReferences(shifts: Loose, personIds: Set<unknown>, departmentIds: Set<unknown>, ctx: Ctx): void {
  const seen = new Map<string, number>();
  shifts.forEach((s, i) => {
    const id = s['id'];
    if (typeof id === 'string') {
      const first = seen.get(id);
      if (first !== undefined) ctx.addIssue({ code: 'custom', path: ['shifts', i, 'id'], message: `id ${JSON.stringify(id)} is already used by shifts[${first}]` });
      else seen.set(id, i);
    }
    if (typeof s['department'] === 'string' && !departmentIds.has(s['department'])) {
      ctx.addIssue({ code: 'custom', path: ['shifts', i, 'department'], message: `${JSON.stringify(s['department'])} is not a department in departments` });
    }
    const people = Array.isArray(s['people']) ? (s['people'] as unknown[]) : [];
    people.forEach((p, j) => {
      if (typeof p === 'string' && !personIds.has(p)) ctx.addIssue({ code: 'custom', path: ['shifts', i, 'people', j], message: `${JSON.stringify(p)} is not a person in people` });
    });
    if (typeof s['start'] === 'string' && s['start'] === s['end']) {
      ctx.addIssue({ code: 'custom', path: ['shifts', i, 'end'], message: 'is the same as start; a shift needs a length (an end before the start runs past midnight)' });
    }
    if (s['rotation'] !== undefined) {
      if (people.length === 0) ctx.addIssue({ code: 'custom', path: ['shifts', i, 'rotation'], message: 'has no people to rotate; list them under people' });
      if (s['rotationStart'] === undefined) ctx.addIssue({ code: 'custom', path: ['shifts', i, 'rotationStart'], message: 'is required with a rotation: the date of the first person’s first turn, e.g. 2026-11-30' });
    } else if (s['rotationStart'] !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['shifts', i, 'rotationStart'], message: 'only means something with rotation: weekly or daily' });
    }
  });
}

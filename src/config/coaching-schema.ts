/**
 * The coaching feature's key in the team configuration: nudges suggested from signals, their
 * frequency caps, and the weekly workload summary for managers (src/core/workload): its schedule
 * and thresholds.
 *
 *   coaching:
 *     signals: { missedAcknowledge: true, lowRating: true, streak: { resolvedWithinSla: 5 } }
 *     maxPerDay: 1
 *     maxPerWeek: 3
 *     weeklySummary: { day: mon, at: "08:00", timezone: Europe/Lisbon }
 *     maxLateInARow: 3
 *     maxHoursPerWeek: 45
 */
import { z } from 'zod';
import { ClockTime, TimeZone, Weekday } from './config-types.js';

/** Which signals produce suggested nudges; each can be switched off with `false`. */
export const CoachingSignals = z.strictObject({
  /** An escalation the person owned missed its acknowledge deadline. */
  missedAcknowledge: z.boolean().default(true),
  /** A rating of 2 or less on an escalation the person resolved. */
  lowRating: z.boolean().default(true),
  /** N escalations resolved within SLA in one week (a positive nudge), or false. */
  streak: z.union([z.literal(false), z.strictObject({ resolvedWithinSla: z.number().int().min(2).max(100) })]).default({ resolvedWithinSla: 5 }),
});

export const WeeklySummary = z.strictObject({
  day: Weekday,
  at: ClockTime,
  /** The zone of `day`/`at` and of the week it covers (Monday to Sunday). Default: organization.timezone. */
  timezone: TimeZone.optional(),
});

export const Coaching = z
  .strictObject({
    signals: CoachingSignals.prefault({}),
    /** At most this many corrective suggestions per person per day (their own calendar day). */
    maxPerDay: z.number().int().min(1).max(10).default(1),
    /** At most this many corrective suggestions per person per week (Monday to Sunday, their own zone). */
    maxPerWeek: z.number().int().min(1).max(30).default(3),
    /** A DM to each department's managers about the week before; left out, no summary. */
    weeklySummary: WeeklySummary.optional(),
    /** Flag a person who worked more than this many late shifts in a row. */
    maxLateInARow: z.number().int().min(1).max(31).default(3),
    /** Flag a person whose shifts added up to more than this many hours in the week. */
    maxHoursPerWeek: z.number().positive().max(168).default(45),
  })
  // Checked even when other keys are invalid, so that every problem is listed at once.
  .refine((c) => c.maxPerWeek >= c.maxPerDay, {
    message: 'maxPerWeek must be at least maxPerDay',
    path: ['maxPerWeek'],
    when: (payload) => {
      const v = payload.value as { maxPerDay?: unknown; maxPerWeek?: unknown } | undefined;
      return typeof v?.maxPerDay === 'number' && typeof v.maxPerWeek === 'number';
    },
  });

export type CoachingConfig = z.infer<typeof Coaching>;

/**
 * The team configuration's `coaching:` key. These are the fields of the weekly workload summary
 * for managers (src/core/workload); the coaching nudges add their own next to them.
 *
 *   coaching:
 *     weeklySummary: { day: mon, at: "08:00", timezone: Europe/Lisbon }
 *     maxLateInARow: 3
 *     maxHoursPerWeek: 45
 */
import { z } from 'zod';
import { ClockTime, TimeZone, Weekday } from './config-types.js';

export const WeeklySummary = z.strictObject({
  day: Weekday,
  at: ClockTime,
  /** The zone of `day`/`at` and of the week it covers (Monday to Sunday). Default: organization.timezone. */
  timezone: TimeZone.optional(),
});

export const Coaching = z.strictObject({
  /** A DM to each department's managers about the week before; left out, no summary. */
  weeklySummary: WeeklySummary.optional(),
  /** Flag a person who worked more than this many late shifts in a row. */
  maxLateInARow: z.number().int().min(1).max(31).default(3),
  /** Flag a person whose shifts added up to more than this many hours in the week. */
  maxHoursPerWeek: z.number().positive().max(168).default(45),
});
export type CoachingConfig = z.infer<typeof Coaching>;

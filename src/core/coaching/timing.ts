/**
 * When a nudge reaches its person: at their next working moment. Now when they are on shift (or,
 * when no shift lists them, now unless it is their quiet hours); otherwise when their next shift
 * starts; never inside quiet hours (the team's `quietHours`, on the person's own clock). Someone
 * whose shifts all lie inside quiet hours (a night shift) gets it when their next shift starts:
 * quiet hours never hold a nudge forever.
 */
import type { Person, TeamConfig } from '../../config/team-config-schema.js';
import { formatDuration } from '../../config/duration.js';
import { quietUntil } from '../schedule/quiet-hours.js';
import { localClock, localDate, localMoment } from '../schedule/local-time.js';
import { nextInstancesFor, NO_OVERRIDES, type Overrides, type ShiftInstance } from '../shifts/rota.js';

export type MomentReason = 'on-shift' | 'no-shift' | 'off-shift' | 'quiet';

export interface WorkingMoment {
  at: Date;
  /** Why then: on shift or not on the rota (now), off shift or quiet hours (held). */
  reason: MomentReason;
  /** The shift it waits for, when it waits for one. */
  shift?: ShiftInstance;
}

/** Shift occurrences looked at for the next working moment. */
const LOOK_AHEAD_DAYS = 21;

function listed(config: TeamConfig, personId: string, overrides: Overrides): boolean {
  if (config.shifts.some((s) => s.people.includes(personId))) return true;
  for (const people of overrides.values()) if (people.includes(personId)) return true;
  return false;
}

export function nextWorkingMoment(config: TeamConfig, person: Person, now: Date, overrides: Overrides = NO_OVERRIDES): WorkingMoment {
  const quiet = config.quietHours;
  const instances = listed(config, person.id, overrides) ? nextInstancesFor(config, person.id, now, 40, overrides, LOOK_AHEAD_DAYS) : [];
  if (instances.length === 0) {
    const until = quietUntil(now, person.timezone, quiet);
    return until ? { at: until, reason: 'quiet' } : { at: now, reason: 'no-shift' };
  }
  for (const shift of instances) {
    const start = shift.start > now ? shift.start : now;
    const until = quietUntil(start, person.timezone, quiet);
    const at = until ?? start;
    if (at >= shift.end) continue;
    if (at.getTime() === now.getTime()) return { at, reason: 'on-shift' };
    return { at, reason: until ? 'quiet' : 'off-shift', shift };
  }
  const first = instances[0] as ShiftInstance;
  return first.start <= now ? { at: now, reason: 'on-shift' } : { at: first.start, reason: 'off-shift', shift: first };
}

/** What the sender is told about a held nudge: "Ben is off shift; this arrives at 06:00 Ben's time, in 9h." */
export function whenItArrives(moment: WorkingMoment, person: Person, now: Date): string {
  const wait = formatDuration(moment.at.getTime() - now.getTime());
  const sameDay = localDate(moment.at, person.timezone) === localDate(now, person.timezone);
  const local = sameDay ? localClock(moment.at, person.timezone) : localMoment(moment.at, person.timezone);
  // Waiting for a later shift: that is the reason, even when its start falls in quiet hours.
  const later = moment.shift !== undefined && moment.shift.start.getTime() > now.getTime();
  const why = moment.reason === 'quiet' && !later ? `it is quiet hours for ${person.name}` : `${person.name} is off shift`;
  const name = moment.shift?.shift.name;
  const shift = !moment.shift ? '' : moment.reason === 'off-shift' ? `, when their ${name} shift starts` : `, in their ${name} shift once their quiet hours end`;
  return `${why}; this arrives at ${local} ${person.name}’s time (${person.timezone})${shift}, in ${wait}`;
}

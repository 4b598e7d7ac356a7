/**
 * The rota: which shift occurrences happen when, and who works each. Pure, from the team
 * configuration and the run-time overrides (cover, assign). A shift that crosses midnight belongs to
 * the day it starts; its start is the first occurrence of an ambiguous local time and its end the
 * last, and both are real instants, so a shift spanning a DST change has its true length.
 */
import type { ShiftConfig, TeamConfig } from '../../config/team-config-schema.js';
import { addDays, daysBetween, localDate, localDatesBetween, localInstant, parseClockTime, weekdayOf, WEEKDAYS } from '../schedule/local-time.js';

export interface ShiftInstance {
  shift: ShiftConfig;
  /** The shift's time zone. */
  zone: string;
  /** The local date it starts on. */
  date: string;
  start: Date;
  end: Date;
  /** Roster ids of who works it (overrides applied). */
  people: string[];
  /** True when cover or an assignment changed who works it. */
  overridden: boolean;
}

/** Who works an occurrence when it was changed at run time, by `overrideKey`. */
export type Overrides = ReadonlyMap<string, readonly string[]>;

export const NO_OVERRIDES: Overrides = new Map();

export function overrideKey(shiftId: string, date: string): string {
  return `${shiftId}/${date}`;
}

export function shiftZone(shift: ShiftConfig, config: TeamConfig): string {
  return shift.timezone ?? config.organization.timezone;
}

const mod = (n: number, m: number) => ((n % m) + m) % m;

/** Working days of the shift from `from` (inclusive) to `to` (exclusive); negative when `to` is earlier. */
function workingDaysBetween(shift: ShiftConfig, from: string, to: string): number {
  const span = daysBetween(from, to);
  const sign = span < 0 ? -1 : 1;
  const [a, b] = span < 0 ? [to, from] : [from, to];
  const total = Math.abs(span);
  const weeks = Math.floor(total / 7);
  let count = weeks * shift.days.length;
  for (let d = addDays(a, weeks * 7); d < b; d = addDays(d, 1)) if (shift.days.includes(weekdayOf(d))) count += 1;
  return sign * count;
}

/** Who the configuration puts on an occurrence: everyone listed, or the rotation's turn. */
export function scheduledPeople(shift: ShiftConfig, date: string): string[] {
  if (!shift.rotation || !shift.rotationStart || shift.people.length === 0) return [...shift.people];
  const turn = shift.rotation === 'weekly' ? Math.floor(daysBetween(shift.rotationStart, date) / 7) : workingDaysBetween(shift, shift.rotationStart, date);
  return [shift.people[mod(turn, shift.people.length)] as string];
}

/** The occurrence of a shift starting on a local date, if the shift works that weekday. */
export function shiftInstance(shift: ShiftConfig, date: string, config: TeamConfig, overrides: Overrides = NO_OVERRIDES): ShiftInstance | undefined {
  if (!shift.days.includes(weekdayOf(date))) return undefined;
  const zone = shiftZone(shift, config);
  const startTime = parseClockTime(shift.start);
  const endTime = parseClockTime(shift.end);
  const overnight = endTime.hour * 60 + endTime.minute <= startTime.hour * 60 + startTime.minute;
  const start = localInstant(date, startTime, zone, 'earlier').at;
  const end = localInstant(overnight ? addDays(date, 1) : date, endTime, zone, 'later').at;
  const changed = overrides.get(overrideKey(shift.id, date));
  return { shift, zone, date, start, end, people: changed ? [...changed] : scheduledPeople(shift, date), overridden: changed !== undefined };
}

/** Occurrences (of all shifts, or those `filter` keeps) that start in [from, to), by start. */
export function instancesStarting(config: TeamConfig, from: Date, to: Date, overrides: Overrides = NO_OVERRIDES, filter: (s: ShiftConfig) => boolean = () => true): ShiftInstance[] {
  const out: ShiftInstance[] = [];
  // Many shifts share a zone: their local dates are worked out once.
  const datesByZone = new Map<string, string[]>();
  for (const shift of config.shifts.filter(filter)) {
    const zone = shiftZone(shift, config);
    let dates = datesByZone.get(zone);
    if (!dates) datesByZone.set(zone, (dates = localDatesBetween(from, to, zone)));
    for (const date of dates) {
      const instance = shiftInstance(shift, date, config, overrides);
      if (instance && instance.start >= from && instance.start < to) out.push(instance);
    }
  }
  return out.sort((a, b) => a.start.getTime() - b.start.getTime() || a.shift.id.localeCompare(b.shift.id));
}

/** Occurrences under way at `at` (started, not ended). */
export function instancesAt(config: TeamConfig, at: Date, overrides: Overrides = NO_OVERRIDES): ShiftInstance[] {
  // A shift is at most a day long, plus a DST hour: look two days back.
  return instancesStarting(config, new Date(at.getTime() - 50 * 3600_000), new Date(at.getTime() + 1), overrides).filter((i) => i.end > at);
}

/** A person's next occurrences (under way or upcoming), at most `count`, within `days` days. */
export function nextInstancesFor(config: TeamConfig, personId: string, from: Date, count: number, overrides: Overrides = NO_OVERRIDES, days = 35): ShiftInstance[] {
  const current = instancesAt(config, from, overrides).filter((i) => i.people.includes(personId));
  const upcoming = instancesStarting(config, new Date(from.getTime() + 1), new Date(from.getTime() + days * 86_400_000), overrides).filter((i) => i.people.includes(personId));
  return [...current, ...upcoming].slice(0, count);
}

/** The occurrence of a shift on a date given as `YYYY-MM-DD`, `today` or `tomorrow` (in the shift's zone). */
export function resolveDate(text: string, shift: ShiftConfig, config: TeamConfig, now: Date): string | undefined {
  const word = text.trim().toLowerCase();
  const today = localDate(now, shiftZone(shift, config));
  if (word === 'today') return today;
  if (word === 'tomorrow') return addDays(today, 1);
  const weekday = WEEKDAYS.find((d) => word === d || word === { mon: 'monday', tue: 'tuesday', wed: 'wednesday', thu: 'thursday', fri: 'friday', sat: 'saturday', sun: 'sunday' }[d]);
  if (weekday) {
    for (let i = 0; i < 7; i += 1) if (weekdayOf(addDays(today, i)) === weekday) return addDays(today, i);
  }
  if (!/^\d{4}-\d\d-\d\d$/.test(word)) return undefined;
  const parsed = new Date(`${word}T00:00:00Z`);
  return !Number.isNaN(parsed.getTime()) && parsed.toISOString().startsWith(word) ? word : undefined;
}

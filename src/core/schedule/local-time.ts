/**
 * Local wall-clock time in IANA zones, with the rules for the edges (luxon does the zone data; the
 * only arithmetic here compares the offsets it reports, as luxon's docs advise for DST gaps):
 *
 * - a local time that does not exist (the spring-forward gap) happens at the first minute after
 *   the gap (02:30 on a day clocks jump 02:00 → 03:00 happens at 03:00);
 * - an ambiguous local time (the fall-back overlap) happens once, at its first occurrence — or,
 *   for the end of a shift, at its last (a shift ends as late as the wall clock says);
 * - dates are local calendar dates in the zone (`2027-03-28`).
 */
import { DateTime, IANAZone } from 'luxon';

export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

/** A time of day, `HH:mm`, as hours and minutes. */
export interface ClockTime {
  hour: number;
  minute: number;
}

const MINUTE = 60_000;
const DAY = 86_400_000;

export function parseClockTime(text: string): ClockTime {
  const m = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(text);
  if (!m) throw new Error(`not a 24-hour time: ${JSON.stringify(text)}`);
  return { hour: Number(m[1]), minute: Number(m[2]) };
}

export function formatClockTime(t: ClockTime): string {
  return `${String(t.hour).padStart(2, '0')}:${String(t.minute).padStart(2, '0')}`;
}

function zoneOf(name: string): IANAZone {
  const zone = IANAZone.create(name);
  if (!zone.isValid) throw new Error(`not an IANA time zone: ${JSON.stringify(name)}`);
  return zone;
}

function dateParts(date: string): { year: number; month: number; day: number } {
  const m = /^(\d{4})-(\d\d)-(\d\d)$/.exec(date);
  if (!m) throw new Error(`not a date: ${JSON.stringify(date)}`);
  return { year: Number(m[1]), month: Number(m[2]), day: Number(m[3]) };
}

/** What happened to a local time: it exists once, is ambiguous (happens twice), or falls in a gap. */
export type LocalKind = 'exact' | 'ambiguous' | 'gap';

/**
 * The instant a local time on a local date happens in `zone`. `ambiguous: 'earlier'` (the default)
 * takes the first of two occurrences in a fall-back overlap, `'later'` the second.
 */
export function localInstant(date: string, time: ClockTime, zoneName: string, ambiguous: 'earlier' | 'later' = 'earlier'): { at: Date; kind: LocalKind } {
  const key = `${date}|${time.hour}:${time.minute}|${zoneName}|${ambiguous}`;
  const known = cache.get(key);
  if (known) return { at: new Date(known.at), kind: known.kind };
  const found = computeLocalInstant(date, time, zoneName, ambiguous);
  if (cache.size >= CACHE_SIZE) cache.clear();
  cache.set(key, { at: found.at.getTime(), kind: found.kind });
  return found;
}

/** Planning asks for the same local times again and again (every replan covers two days). */
const CACHE_SIZE = 50_000;
const cache = new Map<string, { at: number; kind: LocalKind }>();

/**
 * The zone's offset for a whole local date when it does not change that day (most days), by
 * `zone|date`: luxon's offsets on either side of the day agree. Days with a change take the careful path.
 */
const steadyOffsets = new Map<string, number | null>();
function steadyOffset(zone: IANAZone, zoneName: string, date: string, wall: number): number | null {
  const key = `${zoneName}|${date}`;
  let offset = steadyOffsets.get(key);
  if (offset === undefined) {
    // The local day lies within 14 h of its UTC day on either side.
    const dayStart = wall - (wall % DAY);
    const first = zone.offset(dayStart - 15 * 3600_000);
    offset = first === zone.offset(dayStart + DAY + 15 * 3600_000) ? first : null;
    if (steadyOffsets.size >= CACHE_SIZE) steadyOffsets.clear();
    steadyOffsets.set(key, offset);
  }
  return offset;
}

function computeLocalInstant(date: string, time: ClockTime, zoneName: string, ambiguous: 'earlier' | 'later'): { at: Date; kind: LocalKind } {
  const zone = zoneOf(zoneName);
  const parts = dateParts(date);
  const steady = steadyOffset(zone, zoneName, date, Date.UTC(parts.year, parts.month - 1, parts.day, time.hour, time.minute));
  if (steady !== null) return { at: new Date(Date.UTC(parts.year, parts.month - 1, parts.day, time.hour, time.minute) - steady * MINUTE), kind: 'exact' };
  const dt = DateTime.fromObject({ ...parts, hour: time.hour, minute: time.minute }, { zone });
  if (!dt.isValid) throw new Error(`invalid local time ${date} ${formatClockTime(time)} in ${zoneName}`);
  const exact = dt.getPossibleOffsets().filter((d) => d.hour === time.hour && d.minute === time.minute);
  if (exact.length > 0) {
    const sorted = exact.map((d) => d.toMillis()).sort((a, b) => a - b);
    const at = ambiguous === 'earlier' ? sorted[0] : sorted[sorted.length - 1];
    return { at: new Date(at as number), kind: sorted.length > 1 ? 'ambiguous' : 'exact' };
  }
  // A gap: the instant the clocks jumped is the first minute after it.
  const wall = Date.UTC(parts.year, parts.month - 1, parts.day, time.hour, time.minute);
  const before = zone.offset(wall - DAY);
  const after = zone.offset(wall + DAY);
  let lo = wall - after * MINUTE; // read with the later offset: still before the jump
  let hi = wall - before * MINUTE; // read with the earlier offset: already after it
  if (lo > hi) [lo, hi] = [hi, lo];
  while (hi - lo > MINUTE) {
    const mid = lo + Math.floor((hi - lo) / 2 / MINUTE) * MINUTE;
    if (zone.offset(mid) === before) lo = mid;
    else hi = mid;
  }
  return { at: new Date(hi), kind: 'gap' };
}

/** A zone's offset at an instant (luxon's), taken once per UTC day when it does not change that day. */
const dayOffsets = new Map<string, number | null>();
function offsetAt(zoneName: string, ts: number): number {
  const zone = zoneOf(zoneName);
  const day = ts - (ts % DAY);
  const key = `${zoneName}|${day}`;
  let steady = dayOffsets.get(key);
  if (steady === undefined) {
    const first = zone.offset(day - 1);
    steady = first === zone.offset(day + DAY) ? first : null;
    if (dayOffsets.size >= CACHE_SIZE) dayOffsets.clear();
    dayOffsets.set(key, steady);
  }
  return steady ?? zone.offset(ts);
}

/** The wall clock of an instant in a zone, as `YYYY-MM-DDTHH:mm`. */
function wallClock(at: Date, zoneName: string): string {
  return new Date(at.getTime() + offsetAt(zoneName, at.getTime()) * MINUTE).toISOString().slice(0, 16);
}

/** The local calendar date of an instant in a zone. */
export function localDate(at: Date, zoneName: string): string {
  return wallClock(at, zoneName).slice(0, 10);
}

// Calendar dates are plain days (no zone), so their arithmetic is day counting.
const dayNumber = (date: string) => {
  const { year, month, day } = dateParts(date);
  return Date.UTC(year, month - 1, day) / DAY;
};

/** The weekday of a local date. */
export function weekdayOf(date: string): Weekday {
  // Day 0 of the Unix epoch (1970-01-01) was a Thursday.
  return WEEKDAYS[(((dayNumber(date) + 3) % 7) + 7) % 7] as Weekday;
}

/** The local date `days` after `date` (negative: before). */
export function addDays(date: string, days: number): string {
  return new Date((dayNumber(date) + days) * DAY).toISOString().slice(0, 10);
}

/** Whole days from `from` to `to` (local dates; negative when `to` is earlier). */
export function daysBetween(from: string, to: string): number {
  return dayNumber(to) - dayNumber(from);
}

/** Every local date in `zone` that overlaps the instants [from, to), in order. */
export function localDatesBetween(from: Date, to: Date, zoneName: string): string[] {
  // One day of margin on both sides: a local date's times may lie a day away from UTC's.
  const first = addDays(localDate(from, zoneName), -1);
  const last = addDays(localDate(to, zoneName), 1);
  const out: string[] = [];
  for (let d = first; d <= last; d = addDays(d, 1)) out.push(d);
  return out;
}

/** `HH:mm` of an instant in a zone, for messages. */
export function localClock(at: Date, zoneName: string): string {
  return wallClock(at, zoneName).slice(11, 16);
}

/** A readable local moment, e.g. `Mon 7 Dec, 06:00` (the same few moments are written for many people at once). */
const moments = new Map<string, string>();
export function localMoment(at: Date, zoneName: string): string {
  const key = `${at.getTime()}|${zoneName}`;
  let text = moments.get(key);
  if (text === undefined) {
    text = DateTime.fromJSDate(at, { zone: zoneOf(zoneName) }).setLocale('en-GB').toFormat('ccc d LLL, HH:mm');
    if (moments.size >= CACHE_SIZE) moments.clear();
    moments.set(key, text);
  }
  return text;
}

/** The zone's short name at an instant (`CET`, `GMT+5:45`). */
export function zoneAbbreviation(at: Date, zoneName: string): string {
  return DateTime.fromJSDate(at, { zone: zoneOf(zoneName) }).setLocale('en-US').toFormat('ZZZZ');
}

/** The occurrences of a daily local time on some weekdays, happening in [from, to). */
export function dailyOccurrences(rule: { at: ClockTime; zone: string; days: readonly Weekday[] }, from: Date, to: Date): Array<{ date: string; at: Date; kind: LocalKind }> {
  const out: Array<{ date: string; at: Date; kind: LocalKind }> = [];
  for (const date of localDatesBetween(from, to, rule.zone)) {
    if (!rule.days.includes(weekdayOf(date))) continue;
    const { at, kind } = localInstant(date, rule.at, rule.zone);
    if (at >= from && at < to) out.push({ date, at, kind });
  }
  return out;
}

/**
 * Local wall-clock time: the gap and overlap rules, and a simulated year (every day of 2027) over
 * 29 zones with an injected clock walked through it. The oracle is luxon's own rendering of each
 * instant back into the zone, independent of how the instant was found.
 */
import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { addDays, dailyOccurrences, localInstant, parseClockTime, WEEKDAYS, type ClockTime } from '../../src/core/schedule/local-time.js';

const ZONES = [
  'Asia/Kathmandu', // +5:45
  'Australia/Lord_Howe', // +10:30 / +11 (a 30-minute DST)
  'Pacific/Chatham', // +12:45 / +13:45
  'America/St_Johns', // -3:30 / -2:30
  'America/Santiago', // southern DST, changes at midnight
  'Africa/Casablanca', // DST suspended for Ramadan
  'Europe/Berlin',
  'America/New_York',
  'Australia/Sydney',
  'Pacific/Auckland',
  'Asia/Kolkata', // +5:30, no DST
  'Europe/London',
  'Europe/Lisbon',
  'Europe/Dublin', // "negative" DST in the tz database
  'America/Los_Angeles',
  'America/Havana', // DST changes at midnight
  'America/Asuncion',
  'Australia/Adelaide', // +9:30 / +10:30
  'Asia/Tehran', // +3:30
  'Asia/Tokyo',
  'Pacific/Apia',
  'Pacific/Kiritimati', // +14
  'Pacific/Pago_Pago', // -11
  'America/Nuuk',
  'Antarctica/Troll', // a two-hour DST
  'Africa/Cairo',
  'Europe/Chisinau',
  'America/Sao_Paulo',
  'UTC',
];

const TIMES = ['00:00', '00:30', '02:00', '02:10', '02:30', '03:00', '23:30'].map(parseClockTime);

const hhmm = (t: ClockTime) => t.hour * 60 + t.minute;
const stamp = (d: DateTime) => `${d.toISODate()}T${d.toFormat('HH:mm')}`;

/** Checks an instant against the rules, using luxon's rendering of it in the zone. */
function problem(date: string, time: ClockTime, zone: string, at: Date, kind: string): string | undefined {
  const local = DateTime.fromJSDate(at, { zone });
  const label = `${date} ${String(time.hour).padStart(2, '0')}:${String(time.minute).padStart(2, '0')} ${zone}`;
  if (kind === 'gap') {
    // The first minute after the gap: the wall clock is past the asked time, the minute before was before it.
    const asked = `${date}T${label.slice(11, 16)}`;
    const before = DateTime.fromJSDate(new Date(at.getTime() - 60_000), { zone });
    if (stamp(local) <= asked) return `${label}: gap answer ${local.toISO()} is not after the asked time`;
    if (stamp(before) >= asked) return `${label}: ${local.toISO()} is not the first minute after the gap`;
    if (before.offset === local.offset) return `${label}: no clock change just before ${local.toISO()}`;
    return undefined;
  }
  if (local.toISODate() !== date || local.hour !== time.hour || local.minute !== time.minute) return `${label}: got ${local.toISO()}`;
  if (kind === 'ambiguous') {
    // The first occurrence: the same wall time an offset-change earlier does not exist.
    const earlier = DateTime.fromJSDate(new Date(at.getTime() - 30 * 60_000), { zone });
    const twice = local.getPossibleOffsets().map((d) => d.toMillis());
    if (twice.length !== 2 || Math.min(...twice) !== at.getTime()) return `${label}: not the first of ${twice.length} occurrences`;
    if (earlier.offset === local.offset && earlier.hour * 60 + earlier.minute === hhmm(time)) return `${label}: an earlier occurrence exists`;
  }
  return undefined;
}

describe('local time', () => {
  it('a time in the spring-forward gap happens at the first minute after it', () => {
    const at = (date: string, time: string, zone: string) => localInstant(date, parseClockTime(time), zone);
    expect(at('2027-03-28', '02:30', 'Europe/Berlin')).toEqual({ at: new Date('2027-03-28T01:00:00Z'), kind: 'gap' }); // 03:00 CEST
    expect(at('2027-03-14', '02:30', 'America/New_York')).toEqual({ at: new Date('2027-03-14T07:00:00Z'), kind: 'gap' }); // 03:00 EDT
    expect(at('2027-10-03', '02:10', 'Australia/Lord_Howe')).toEqual({ at: new Date('2027-10-02T15:30:00Z'), kind: 'gap' }); // 02:30 +11
    expect(at('2027-09-26', '03:00', 'Pacific/Chatham')).toEqual({ at: new Date('2027-09-25T14:00:00Z'), kind: 'gap' }); // 03:45 +13:45
    expect(at('2027-09-05', '00:30', 'America/Santiago')).toEqual({ at: new Date('2027-09-05T04:00:00Z'), kind: 'gap' }); // 01:00 -03
  });

  it('an ambiguous time happens once, at its first occurrence (or its last, when asked)', () => {
    expect(localInstant('2027-10-31', parseClockTime('02:30'), 'Europe/Berlin')).toEqual({ at: new Date('2027-10-31T00:30:00Z'), kind: 'ambiguous' });
    expect(localInstant('2027-10-31', parseClockTime('02:30'), 'Europe/Berlin', 'later').at).toEqual(new Date('2027-10-31T01:30:00Z'));
    expect(localInstant('2027-04-04', parseClockTime('01:45'), 'Australia/Lord_Howe').kind).toBe('ambiguous');
    expect(localInstant('2027-11-07', parseClockTime('01:30'), 'America/New_York').at).toEqual(new Date('2027-11-07T05:30:00Z'));
  });

  it('every day of 2027 in 29 zones: each local time lands on its minute, or right after a gap, or on the first of two', () => {
    const problems: string[] = [];
    const kinds = { exact: 0, ambiguous: 0, gap: 0 };
    for (const zone of ZONES) {
      for (let date = '2027-01-01'; date <= '2027-12-31'; date = addDays(date, 1)) {
        for (const time of TIMES) {
          const { at, kind } = localInstant(date, time, zone);
          kinds[kind] += 1;
          const p = problem(date, time, zone, at, kind);
          if (p) problems.push(p);
        }
      }
    }
    expect(problems.slice(0, 10)).toEqual([]);
    // The year really crossed gaps and overlaps.
    expect(kinds.gap).toBeGreaterThan(20);
    expect(kinds.ambiguous).toBeGreaterThan(20);
  }, 90_000);

  it('an injected clock walked through 2027 in uneven steps sees each daily occurrence exactly once, none skipped', () => {
    const rules = ['02:30', '00:00', '23:59'].map((at) => ({ at: parseClockTime(at), days: WEEKDAYS }));
    const problems: string[] = [];
    let seed = 7;
    const step = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return (1 + (seed % 40)) * 3600_000 + (seed % 3600) * 1000; // 1–40 h, uneven seconds
    };
    for (const zone of ZONES) {
      for (const rule of rules) {
        const seen = new Map<string, number>();
        let now = new Date('2026-12-30T00:00:00Z');
        while (now < new Date('2028-01-02T00:00:00Z')) {
          const next = new Date(now.getTime() + step());
          for (const o of dailyOccurrences({ ...rule, zone }, now, next)) {
            seen.set(o.date, (seen.get(o.date) ?? 0) + 1);
            const p = problem(o.date, rule.at, zone, o.at, o.kind);
            if (p) problems.push(p);
          }
          now = next;
        }
        for (let date = '2027-01-01'; date <= '2027-12-31'; date = addDays(date, 1)) {
          const n = seen.get(date) ?? 0;
          if (n !== 1) problems.push(`${zone} ${rule.at.hour}:${rule.at.minute} on ${date}: ${n} occurrences`);
        }
      }
    }
    expect(problems.slice(0, 10)).toEqual([]);
  }, 90_000);

  it('only the listed weekdays occur, by the local date', () => {
    const occurrences = dailyOccurrences({ at: parseClockTime('08:30'), zone: 'Pacific/Kiritimati', days: ['mon'] }, new Date('2027-02-28T00:00:00Z'), new Date('2027-03-31T00:00:00Z'));
    expect(occurrences.map((o) => o.date)).toEqual(['2027-03-01', '2027-03-08', '2027-03-15', '2027-03-22', '2027-03-29']);
    // Monday 08:30 at +14 is Sunday 18:30 UTC.
    expect(occurrences[1]?.at.toISOString()).toBe('2027-03-07T18:30:00.000Z');
  });
});

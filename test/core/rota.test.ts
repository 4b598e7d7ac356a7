/** The rota: occurrences, midnight, DST lengths, rotations and overrides. */
import { describe, expect, it } from 'vitest';
import { parseTeamConfig } from '../../src/config/team-config.js';
import type { TeamConfig } from '../../src/config/team-config-schema.js';
import { instancesAt, instancesStarting, nextInstancesFor, overrideKey, resolveDate, scheduledPeople, shiftInstance } from '../../src/core/shifts/rota.js';
import { EXAMPLE_YAML } from '../support/configs.js';

function withShifts(shifts: string): TeamConfig {
  return parseTeamConfig(`${EXAMPLE_YAML.replace(/\nshifts:[\s\S]*?(?=\n[a-z]|$)/, '')}\nshifts:\n${shifts}`);
}

const config = withShifts(`
  - { id: night, name: Night, department: support, start: "22:00", end: "06:00", timezone: Europe/Lisbon, people: [caro] }
  - { id: early, name: Early, department: support, start: "06:00", end: "14:00", timezone: Europe/Lisbon, days: [mon, tue, wed, thu, fri], people: [ben, caro, dev], rotation: weekly, rotationStart: 2026-11-30 }
  - { id: desk, name: Desk, department: billing, start: "09:00", end: "17:00", timezone: Asia/Kolkata, days: [mon, tue, wed, thu, fri], people: [ben, caro, dev], rotation: daily, rotationStart: 2026-11-30 }
  - { id: late, name: Late, department: support, start: "01:30", end: "09:00", timezone: Europe/Lisbon, people: [dev] }
`);
const shift = (id: string) => config.shifts.find((s) => s.id === id) ?? (() => { throw new Error(id); })();
const hours = (i: { start: Date; end: Date } | undefined) => (i ? (i.end.getTime() - i.start.getTime()) / 3600_000 : NaN);

describe('rota', () => {
  it('a shift that crosses midnight belongs to the day it starts', () => {
    const i = shiftInstance(shift('night'), '2027-01-15', config);
    expect([i?.date, i?.start.toISOString(), i?.end.toISOString()]).toEqual(['2027-01-15', '2027-01-15T22:00:00.000Z', '2027-01-16T06:00:00.000Z']);
    // Just after midnight, the night shift under way is the one that started the day before.
    expect(instancesAt(config, new Date('2027-01-16T01:00:00Z')).map((x) => [x.shift.id, x.date])).toEqual([['night', '2027-01-15']]);
  });

  it('a shift that spans a DST change has its true length', () => {
    // Lisbon springs forward at 01:00 on 2027-03-28 and falls back at 02:00 on 2027-10-31.
    expect(hours(shiftInstance(shift('night'), '2027-03-27', config))).toBe(7);
    expect(hours(shiftInstance(shift('night'), '2027-10-30', config))).toBe(9);
    expect(hours(shiftInstance(shift('night'), '2027-06-01', config))).toBe(8);
    // 01:30 happens twice on 2027-10-31: the shift starts at the first.
    const late = shiftInstance(shift('late'), '2027-10-31', config);
    expect(late?.start.toISOString()).toBe('2027-10-31T00:30:00.000Z');
    expect(hours(late)).toBe(8.5);
  });

  it('a weekly rotation gives one person per week in list order from rotationStart, also before it', () => {
    const early = shift('early');
    expect(['2026-11-30', '2026-12-04', '2026-12-07', '2026-12-14', '2026-12-21', '2026-11-27'].map((d) => scheduledPeople(early, d))).toEqual([['ben'], ['ben'], ['caro'], ['dev'], ['ben'], ['dev']]);
  });

  it('a daily rotation turns on working days only', () => {
    const desk = shift('desk');
    // Mon ben, Tue caro, Wed dev, Thu ben, Fri caro, (weekend skipped), Mon dev.
    expect(['2026-11-30', '2026-12-01', '2026-12-02', '2026-12-03', '2026-12-04', '2026-12-07', '2026-11-27'].map((d) => scheduledPeople(desk, d)[0])).toEqual(['ben', 'caro', 'dev', 'ben', 'caro', 'dev', 'dev']);
  });

  it('overrides replace who works one occurrence only', () => {
    const overrides = new Map([[overrideKey('early', '2026-12-08'), ['dev']]]);
    const week = instancesStarting(config, new Date('2026-12-07T00:00:00Z'), new Date('2026-12-10T00:00:00Z'), overrides, (s) => s.id === 'early');
    expect(week.map((i) => [i.date, i.people, i.overridden])).toEqual([
      ['2026-12-07', ['caro'], false],
      ['2026-12-08', ['dev'], true],
      ['2026-12-09', ['caro'], false],
    ]);
  });

  it("a person's next shifts, the one under way first", () => {
    const next = nextInstancesFor(config, 'caro', new Date('2026-12-07T07:00:00Z'), 5);
    expect(next.map((i) => `${i.shift.id} ${i.date}`)).toEqual(['early 2026-12-07', 'night 2026-12-07', 'early 2026-12-08', 'night 2026-12-08', 'desk 2026-12-09']);
  });

  it('dates are YYYY-MM-DD, today, tomorrow or a weekday name, in the shift’s zone', () => {
    const now = new Date('2026-12-06T23:30:00Z'); // already Monday in Kolkata
    expect(resolveDate('today', shift('desk'), config, now)).toBe('2026-12-07');
    expect(resolveDate('today', shift('night'), config, now)).toBe('2026-12-06');
    expect(resolveDate('tomorrow', shift('night'), config, now)).toBe('2026-12-07');
    expect(resolveDate('friday', shift('night'), config, now)).toBe('2026-12-11');
    expect(resolveDate('2026-12-24', shift('night'), config, now)).toBe('2026-12-24');
    expect(resolveDate('2026-02-30', shift('night'), config, now)).toBeUndefined();
    expect(resolveDate('next week', shift('night'), config, now)).toBeUndefined();
  });
});

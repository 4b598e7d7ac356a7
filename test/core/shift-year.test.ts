/**
 * Shift reminders over a simulated 2027: an injected clock walked through the year in uneven steps
 * plans the reminders (before each shift, the evening before an early one, before each end) for
 * shifts in 21 zones. Every reminder comes once, at its intended moment, none skipped; the oracle
 * is luxon's own rendering of each instant back into the zone.
 */
import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { parseTeamConfig } from '../../src/config/team-config.js';
import { Settings } from '../../src/core/settings.js';
import { ShiftContext } from '../../src/core/shifts/context.js';
import { ShiftReminders } from '../../src/core/shifts/reminders.js';
import { shiftInstance } from '../../src/core/shifts/rota.js';
import { addDays, weekdayOf } from '../../src/core/schedule/local-time.js';
import type { Occurrence } from '../../src/core/schedule/schedule.js';

const ZONES = ['Asia/Kathmandu', 'Australia/Lord_Howe', 'Pacific/Chatham', 'America/St_Johns', 'America/Santiago', 'Africa/Casablanca', 'Europe/Berlin', 'America/New_York', 'Australia/Sydney', 'Pacific/Auckland', 'Asia/Kolkata', 'Europe/London', 'America/Los_Angeles', 'America/Havana', 'Australia/Adelaide', 'Asia/Tehran', 'Pacific/Apia', 'America/Sao_Paulo', 'Antarctica/Troll', 'Europe/Lisbon', 'America/Asuncion'];

function config() {
  const people = ZONES.map((z, i) => `  - { id: p${i}, name: Person ${i}, timezone: ${z}, role: agent }`).join('\n');
  // Each zone: a 02:30–10:30 shift on weekdays (02:30 falls in many spring-forward gaps) for its own person.
  const shifts = ZONES.map((z, i) => `  - { id: s${i}, name: Shift ${i}, department: support, start: "02:30", end: "10:30", timezone: ${z}, days: [mon, tue, wed, thu, fri], people: [p${i}] }`).join('\n');
  return parseTeamConfig(`organization: { name: Year, timezone: UTC }
people:
${people}
departments:
  - { id: support, name: Support, channels: { console: "#support" } }
severities:
  - { id: P1, label: Critical, acknowledgeWithin: 15m, resolveWithin: 4h }
shifts:
${shifts}
reminders: { beforeShift: 45m, eveningBefore: { ifStartsBefore: "07:00", at: "18:00" } }
handoffs: { promptBefore: 30m, acknowledgeWithin: 15m }
`);
}

describe('shift reminders over 2027', () => {
  it('each reminder once, at its intended moment, in 21 zones, with an injected clock walked through the year', async () => {
    const c = config();
    const settings = new Settings(c);
    const store = { overrides: async () => new Map(), override: async () => undefined } as never;
    const ctx = new ShiftContext({ settings, store, outbox: {} as never, timers: {} as never, clock: { now: () => new Date() }, reach: {} as never, openEscalations: async () => [], replan: async () => undefined });
    const kinds = new ShiftReminders(ctx).kinds();
    const seen = new Map<string, Occurrence>();
    const problems: string[] = [];
    let seed = 11;
    let now = new Date('2026-12-30T00:00:00Z');
    while (now < new Date('2028-01-02T00:00:00Z')) {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      const next = new Date(now.getTime() + (1 + (seed % 30)) * 3600_000 + (seed % 3600) * 1000);
      for (const kind of kinds) {
        for (const o of await kind.occurrences(now, next)) {
          const key = `${o.kind}|${o.item}|${o.date}`;
          if (seen.has(key)) problems.push(`twice: ${key}`);
          seen.set(key, o);
          if (o.at < now || o.at >= next) problems.push(`outside its window: ${key}`);
        }
      }
      now = next;
    }
    // Every working day of 2027, in every zone: the three reminders at their moments.
    const byMoment = new Set([...seen.values()].map((o) => `${o.kind}|${o.at.getTime()}|${String(o.data?.['zone'])}`));
    ZONES.forEach((zone, i) => {
      const shift = c.shifts[i];
      const person = c.people[i];
      if (!shift || !person) throw new Error('config');
      for (let date = '2027-01-01'; date <= '2027-12-31'; date = addDays(date, 1)) {
        if (['sat', 'sun'].includes(weekdayOf(date))) continue;
        const instance = shiftInstance(shift, date, c);
        if (!instance) throw new Error(`${zone} ${date}: no instance`);
        const start = DateTime.fromJSDate(instance.start, { zone });
        // 02:30 exists: the shift starts then; it is in a gap: the first minute after it.
        const startsOnTime = start.toISODate() === date && start.toFormat('HH:mm') === '02:30';
        const afterGap = DateTime.fromJSDate(new Date(instance.start.getTime() - 60_000), { zone }).offset !== start.offset;
        if (!startsOnTime && !afterGap) problems.push(`${zone} ${date}: starts ${start.toISO()}`);
        const find = (kind: string, at: Date) => byMoment.has(`${kind}|${at.getTime()}|${kind === 'shift.evening' ? person.timezone : zone}`);
        if (!find('shift.reminder', new Date(instance.start.getTime() - 45 * 60_000))) problems.push(`${zone} ${date}: no reminder 45 min before ${start.toISO()}`);
        if (!find('shift.handoff', new Date(instance.end.getTime() - 30 * 60_000))) problems.push(`${zone} ${date}: no handoff prompt 30 min before the end`);
        // The evening before, 18:00 in the person's own zone (here the shift's).
        const evening = DateTime.fromObject({ ...DateTime.fromISO(addDays(start.toISODate() as string, -1)).toObject(), hour: 18, minute: 0 }, { zone: person.timezone });
        if (!find('shift.evening', evening.toJSDate())) problems.push(`${zone} ${date}: no evening reminder at ${evening.toISO()}`);
      }
    });
    expect(problems.slice(0, 10)).toEqual([]);
  }, 90_000);
});

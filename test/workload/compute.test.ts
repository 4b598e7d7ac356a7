/** The weekly workload summary's numbers, pure: weeks with a clock change, flags, and the messages' limits. */
import { describe, expect, it } from 'vitest';
import { parseTeamConfig } from '../../src/config/team-config.js';
import { computeWorkload, isLate, type WorkloadInput } from '../../src/core/workload/compute.js';
import { hoursText, PEOPLE_PER_MESSAGE, personText, workloadMessages } from '../../src/core/workload/message.js';
import { instancesStarting } from '../../src/core/shifts/rota.js';
import { EXAMPLE_YAML, withoutShifts } from '../support/configs.js';
import { messageProblems } from '../support/block-kit.js';
import { renderMessage } from '../../src/platforms/slack/blocks.js';
import { renderCard } from '../../src/platforms/teams/cards.js';
import { cardProblems } from '../support/adaptive-cards.js';

/**
 * Europe/London, the week of Mon 22 – Sun 28 March 2027: the clocks go forward at 01:00 on Sunday 28.
 * - night 22:00–06:00 every day, ben: Saturday's night is 7 h; 6 × 8 h + 7 h = 55 h, 7 late in a row;
 * - eve 14:00–22:30 Mon–Thu, ana: late (ends after 22:00), 4 in a row, 34 h;
 * - day 09:00–17:00 Mon–Fri, caro: 40 h, none late.
 */
function londonConfig(extraShifts = '') {
  return parseTeamConfig(`${withoutShifts(EXAMPLE_YAML)}
shifts:
  - { id: night, name: Night, department: support, start: "22:00", end: "06:00", timezone: Europe/London, people: [ben] }
  - { id: eve, name: Evening, department: support, start: "14:00", end: "22:30", timezone: Europe/London, days: [mon, tue, wed, thu], people: [ana] }
  - { id: day, name: Day, department: support, start: "09:00", end: "17:00", timezone: Europe/London, days: [mon, tue, wed, thu, fri], people: [caro] }
${extraShifts}`);
}

function input(config: ReturnType<typeof londonConfig>, week: { from: string; to: string }, over: Partial<WorkloadInput> = {}, lookBackDays = 0): WorkloadInput {
  const from = new Date(new Date(`${week.from}T00:00:00Z`).getTime() - lookBackDays * 86_400_000 - 86_400_000);
  const shifts = instancesStarting(config, from, new Date(new Date(`${week.to}T00:00:00Z`).getTime() + 2 * 86_400_000)).filter((i) => i.date >= week.from || lookBackDays > 0);
  const person = (id: string) => config.people.find((p) => p.id === id) as (typeof config.people)[number];
  return {
    week,
    people: ['ana', 'ben', 'caro'].map(person),
    shifts,
    escalations: [],
    kudos: new Map(),
    nudges: new Map(),
    folded: new Map(),
    limits: { maxLateInARow: config.coaching.maxLateInARow, maxHoursPerWeek: config.coaching.maxHoursPerWeek },
    ...over,
  };
}

describe('the weekly workload numbers', () => {
  it('a week with the spring clock change: true hours, late runs, weekend shifts and flags', () => {
    const config = londonConfig();
    const escalations = [
      ...Array.from({ length: 5 }, (_, i) => ({ owner: 'ben', breached: i < 2 })),
      { owner: 'caro', breached: false },
      { breached: true }, // nobody owns it
    ];
    const w = computeWorkload(input(config, { from: '2027-03-22', to: '2027-03-28' }, { escalations, kudos: new Map([['caro', 2]]), nudges: new Map([['ana', 1]]) }));
    expect(w.people.map((p) => p.person.id)).toEqual(['ana', 'ben', 'caro']); // by name, not by any number
    const [ana, ben, caro] = w.people;
    expect(ben).toMatchObject({ shifts: 7, hours: 55, late: 7, overnight: 7, lateRun: 7, weekend: 2, escalationsOwned: 5, escalationsBreached: 2, kudos: 0 });
    expect(ben?.flags).toEqual([
      { kind: 'lateRun', run: 7, limit: 3 },
      { kind: 'hours', hours: 55, limit: 45 },
      { kind: 'escalations', owned: 5, median: 1 },
    ]);
    expect(ana).toMatchObject({ shifts: 4, hours: 34, late: 4, overnight: 0, lateRun: 4, weekend: 0, nudges: 1 });
    expect(ana?.flags).toEqual([{ kind: 'lateRun', run: 4, limit: 3 }]);
    expect(caro).toMatchObject({ shifts: 5, hours: 40, late: 0, lateRun: 0, escalationsOwned: 1, kudos: 2, flags: [] });
    expect(w.escalationMedian).toBe(1);
  });

  it('the autumn change makes the night across it 9 h; the limits come from the configuration', () => {
    // Sun 31 October 2027, 02:00 BST → 01:00 GMT: Saturday's night (22:00–06:00) lasts 9 h.
    const config = londonConfig();
    config.coaching.maxHoursPerWeek = 57;
    config.coaching.maxLateInARow = 7;
    const ben = computeWorkload(input(config, { from: '2027-10-25', to: '2027-10-31' })).people.find((p) => p.person.id === 'ben');
    expect(ben).toMatchObject({ shifts: 7, hours: 57, lateRun: 7, flags: [] });
    config.coaching.maxHoursPerWeek = 56.5;
    expect(computeWorkload(input(config, { from: '2027-10-25', to: '2027-10-31' })).people.find((p) => p.person.id === 'ben')?.flags).toEqual([{ kind: 'hours', hours: 57, limit: 56.5 }]);
  });

  it('America/New_York: a shift across the spring change is an hour short; a run that began the week before counts whole', () => {
    const config = londonConfig(`  - { id: ny, name: NY late, department: support, start: "18:00", end: "03:00", timezone: America/New_York, days: [thu, fri, sat, sun, mon], people: [caro] }`);
    // Sun 14 March 2027, 02:00 → 03:00 in New York: Saturday's NY night is 8 h, the others 9 h.
    // Week 8–14: NY nights Mon 8, Thu 11, Fri 12, Sat 13, Sun 14 (44 h) and London days Mon–Fri (40 h).
    const caro = computeWorkload(input(config, { from: '2027-03-08', to: '2027-03-14' }, {}, 15)).people.find((p) => p.person.id === 'caro');
    expect(caro).toMatchObject({ shifts: 10, hours: 84, late: 5, overnight: 5, weekend: 2 });
    // Thu 4 – Mon 8 in a row (Friday's day shift does not end the run: that day has a late shift too).
    expect(caro?.lateRun).toBe(5);
    expect(caro?.flags.map((f) => f.kind)).toEqual(['lateRun', 'hours']);
    // Week 15–21: the run Thu 11 – Mon 15 reaches into it and counts whole (5), not just its Monday.
    const next = computeWorkload(input(config, { from: '2027-03-15', to: '2027-03-21' }, {}, 15)).people.find((p) => p.person.id === 'caro');
    expect(next?.lateRun).toBe(5);
    // Without the weeks before, only what lies in the week is seen.
    expect(computeWorkload(input(config, { from: '2027-03-15', to: '2027-03-21' })).people.find((p) => p.person.id === 'caro')?.lateRun).toBe(4);
  });

  it('late means ending after 22:00 or crossing midnight; 22:00 sharp is not late', () => {
    const config = londonConfig(`  - { id: late, name: Late, department: support, start: "14:00", end: "22:00", timezone: Europe/London, people: [dev] }`);
    const [late] = instancesStarting(config, new Date('2027-03-22T00:00:00Z'), new Date('2027-03-23T00:00:00Z')).filter((i) => i.shift.id === 'late');
    expect(late && isLate(late)).toBe(false);
    const [eve] = instancesStarting(config, new Date('2027-03-22T00:00:00Z'), new Date('2027-03-23T00:00:00Z')).filter((i) => i.shift.id === 'eve');
    expect(eve && isLate(eve)).toBe(true);
  });

  it('reads as plain facts with flags and folded signals; many people are split within Slack and Teams limits', () => {
    const config = londonConfig();
    const folded = new Map([['ben', Array.from({ length: 5 }, (_, i) => ({ rule: 'ackMissed', at: `2027-03-2${i + 2}T10:00:00Z`, detail: `ESC-${i + 1} missed its acknowledge deadline ${'x'.repeat(300)}` }))]]);
    const w = computeWorkload(input(config, { from: '2027-03-22', to: '2027-03-28' }, { folded }));
    const ben = personText(w.people[1] as (typeof w.people)[number]);
    expect(ben).toContain('**Ben Okafor**\n⚠️ 7 late shifts in a row (more than 3) · ⚠️ 55 h on shift (more than 45 h)');
    expect(ben).toContain('7 shifts, 55 h · 7 late (7 overnight), longest run 7 in a row · 2 weekend shifts · escalations: 0 owned, 0 breached · 0 kudos received · 0 nudges sent to them');
    expect(ben).toContain('Not sent (over the cap): ackMissed (2027-03-22): ESC-1 missed its acknowledge deadline');
    expect(ben).toContain('; and 2 more');
    expect(hoursText(7.25)).toBe('7.25 h');
    const [one] = workloadMessages('Frontline support', w, 'Europe/London');
    expect(one?.blocks[0]).toEqual({ type: 'header', text: '🧭 Workload · Frontline support · Mon 22 Mar – Sun 28 Mar' });
    expect(one?.blocks[1]).toEqual({ type: 'section', text: '⚠️ 2 people flagged: Ana Lima, Ben Okafor.' });
    expect(JSON.stringify(one)).not.toContain('Sent late');
    expect(JSON.stringify(workloadMessages('Frontline support', w, 'Europe/London', true)[0])).toContain('Sent late: Shiftlead was down at the planned time.');
    // A department where nobody worked: one short message.
    const empty = workloadMessages('Billing', computeWorkload({ ...input(config, { from: '2027-03-22', to: '2027-03-28' }), people: [] }), 'Europe/London');
    expect(empty).toHaveLength(1);
    expect(empty[0]?.blocks[1]).toEqual({ type: 'section', text: 'Nobody worked a shift or owned an escalation in Billing that week.' });

    // 45 people, each with long folded signals: three messages, each within the limits.
    const crowd = Array.from({ length: 45 }, (_, i) => ({ ...(config.people[0] as (typeof config.people)[number]), id: `p${i}`, name: `Person ${String(i).padStart(2, '0')}` }));
    const big = computeWorkload({ ...input(config, { from: '2027-03-22', to: '2027-03-28' }), people: crowd, folded: new Map(crowd.map((p) => [p.id, folded.get('ben') ?? []])) });
    const messages = workloadMessages('Frontline support', big, 'Europe/London');
    expect(messages).toHaveLength(Math.ceil(45 / PEOPLE_PER_MESSAGE));
    expect(messages[2]?.blocks[0]).toMatchObject({ text: expect.stringContaining('(3 of 3)') });
    for (const m of messages) {
      expect(messageProblems(renderMessage(m) as unknown as Record<string, unknown>)).toEqual([]);
      const card = renderCard(m);
      expect(cardProblems(card as unknown as Record<string, unknown>)).toEqual([]);
      expect(Buffer.byteLength(JSON.stringify(card), 'utf16le')).toBeLessThan(80_000);
    }
  });
});

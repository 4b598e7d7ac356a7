/** The pulse's arithmetic and calendar: eNPS, averages, change, the threshold; rounds in each person's own time. */
import { describe, expect, it } from 'vitest';
import { pulseResults } from '../../src/core/polls/pulse-results.js';
import { pulseOccurrences, quietUntil, roundClosesAt } from '../../src/core/polls/pulse-schedule.js';
import type { PulseAnswer, RoundState } from '../../src/core/polls/pulse-model.js';
import { exampleConfig } from '../support/app.js';

const round = (over: Partial<RoundState> = {}): RoundState => ({
  id: 'team-pulse-20270104',
  pulse: 'team-pulse',
  name: 'Team pulse',
  questions: [
    { kind: 'enps', text: 'How likely…?' },
    { kind: 'rating', text: 'Workload?' },
    { kind: 'text', text: 'Anything else?' },
  ],
  minResponses: 3,
  asked: 8,
  opensAt: '2027-01-08T15:00:00.000Z',
  closesAt: '2027-01-11T20:00:00.000Z',
  status: 'closed',
  responses: 0,
  ...over,
});

describe('pulse results', () => {
  it('eNPS is % promoters (9–10) minus % detractors (0–6); ratings have an average and a distribution', () => {
    const answers: PulseAnswer[] = [
      [10, 5, 'more pairing'],
      [9, 4, null],
      [8, 4, 'quieter fridays'],
      [6, 2, null],
      [0, 1, ''],
    ];
    const r = pulseResults(round(), answers);
    expect(r.shown).toBe(true);
    expect(r.questions[0]).toEqual({ kind: 'enps', text: 'How likely…?', n: 5, enps: 0, promoters: 40, passives: 20, detractors: 40 });
    expect(r.questions[1]).toMatchObject({ kind: 'rating', n: 5, average: 3.2, distribution: [1, 1, 0, 2, 1] });
    // Free text sorted by content: its order says nothing about who wrote it, or when.
    expect(r.questions[2]).toEqual({ kind: 'text', text: 'Anything else?', answers: ['more pairing', 'quieter fridays'] });
  });

  it('withholds everything below minResponses, and compares with the previous shown round', () => {
    expect(pulseResults(round(), [[10, 5, 'x'], [9, 4, 'y']]).shown).toBe(false);
    const before = pulseResults(round({ id: 'a' }), [[10, 3, null], [2, 3, null], [5, 3, null]]);
    const now = pulseResults(round({ id: 'b' }), [[10, 4, null], [9, 4, null], [5, 4, null]], before);
    expect(now.questions[0]).toMatchObject({ enps: 33, change: 33 + 33 });
    expect(now.questions[1]).toMatchObject({ average: 4, change: 1 });
    const withheldBefore = pulseResults(round({ id: 'c' }), [[10, 3, null]]);
    expect(pulseResults(round({ id: 'd' }), [[10, 4, null], [9, 4, null], [5, 4, null]], withheldBefore).questions[0]).not.toHaveProperty('change');
  });
});

describe('pulse calendar', () => {
  const config = exampleConfig();

  it('asks each person at 15:00 their own time, every two weeks from the start week', () => {
    // Friday 2027-01-08 is in the start week; the next round is Friday 2027-01-22.
    const asks = pulseOccurrences(config, new Date('2027-01-07T00:00:00Z'), new Date('2027-01-24T00:00:00Z'));
    const at = (person: string) => asks.filter((o) => o.item === `team-pulse.${person}`).map((o) => o.at.toISOString());
    expect(at('ana')).toEqual(['2027-01-08T15:00:00.000Z', '2027-01-22T15:00:00.000Z']); // Lisbon, UTC+0 in winter
    expect(at('ben')).toEqual(['2027-01-08T14:00:00.000Z', '2027-01-22T14:00:00.000Z']); // Lagos, UTC+1
    expect(at('caro')).toEqual(['2027-01-08T20:00:00.000Z', '2027-01-22T20:00:00.000Z']); // Bogotá, UTC−5
    expect(at('dev')).toEqual(['2027-01-08T09:30:00.000Z', '2027-01-22T09:30:00.000Z']); // Kolkata, UTC+5:30
    expect(new Set(asks.map((o) => o.data?.['round']))).toEqual(new Set(['team-pulse-20270104', 'team-pulse-20270118']));
    // The round closes three days after the last person was asked.
    expect(roundClosesAt(config.pulses[0] as never, config, '2027-01-04').toISOString()).toBe('2027-01-11T20:00:00.000Z');
  });

  it('in summer, Lisbon’s 15:00 is 14:00 UTC', () => {
    // 26 weeks after the start week: a round week again.
    const asks = pulseOccurrences(config, new Date('2027-07-01T00:00:00Z'), new Date('2027-07-25T00:00:00Z'));
    expect(asks.filter((o) => o.item === 'team-pulse.ana').map((o) => o.at.toISOString())).toEqual(['2027-07-09T14:00:00.000Z', '2027-07-23T14:00:00.000Z']);
  });

  it('knows when quiet hours end in a person’s zone', () => {
    const quiet = { start: '20:00', end: '08:00' };
    expect(quietUntil(new Date('2027-01-08T21:00:00Z'), 'Europe/Lisbon', quiet)).toEqual(new Date('2027-01-09T08:00:00Z'));
    expect(quietUntil(new Date('2027-01-08T03:00:00Z'), 'Europe/Lisbon', quiet)).toEqual(new Date('2027-01-08T08:00:00Z'));
    expect(quietUntil(new Date('2027-01-08T12:00:00Z'), 'Europe/Lisbon', quiet)).toBeUndefined();
    expect(quietUntil(new Date('2027-01-08T17:00:00Z'), 'Asia/Kolkata', quiet)).toEqual(new Date('2027-01-09T02:30:00Z'));
  });
});

/** The signals read from escalation records: who, what, once (deterministic keys), and only the rules switched on. */
import { describe, expect, it } from 'vitest';
import type { Escalation, HistoryEntry, ParticipantT } from '../../src/core/escalations/model.js';
import { deriveSignals } from '../../src/core/coaching/signals.js';
import { Roster } from '../../src/core/roster.js';
import { shiftConfig } from '../support/shift-config.js';

const config = shiftConfig();
const roster = new Roster(config.people);
const person = (id: string, name: string): ParticipantT => ({ platform: 'console' as const, user: id, personId: id, name });
const ana = person('ana', 'Ana Lima');
const caro = person('caro', 'Carolina Díaz');
const bot: ParticipantT = { platform: 'console', user: 'shiftlead', name: 'Shiftlead' };

function escalation(n: number, history: HistoryEntry[], extra: Partial<Escalation> = {}): Escalation {
  const created = history[0]?.at ?? '2027-03-01T09:00:00.000Z';
  return {
    id: `ESC-${n}`, number: n, tenant: 'console', platform: 'console', status: 'open', severity: 'P1', department: 'support', customer: 'Globex', summary: `Case ${n}`,
    requester: ana, createdAt: created, updatedAt: created, cycle: 1, acknowledgeDueAt: '2027-03-01T09:15:00.000Z', resolveDueAt: '2027-03-01T13:00:00.000Z',
    misses: { acknowledge: 0, resolve: 0 }, version: history.length, history, ...extra,
  };
}
const h = (at: string, type: HistoryEntry['type'], actor = ana, extra: Partial<HistoryEntry> = {}): HistoryEntry => ({ at, type, actor, ...extra });

describe('coaching signals', () => {
  it('a missed acknowledge deadline is about the owner at that moment, once per miss, with the facts and a draft', () => {
    const e = escalation(1, [
      h('2027-03-01T09:00:00.000Z', 'created'),
      h('2027-03-01T09:01:00.000Z', 'assigned', ana, { owner: caro }),
      h('2027-03-01T09:15:00.000Z', 'acknowledge_missed', bot, { miss: 1 }),
      h('2027-03-01T09:25:00.000Z', 'acknowledge_missed', bot, { miss: 2 }),
    ]);
    const unowned = escalation(2, [h('2027-03-01T09:00:00.000Z', 'created'), h('2027-03-01T09:15:00.000Z', 'acknowledge_missed', bot, { miss: 1 })]);
    const signals = deriveSignals([e, unowned], config, roster, new Date('2027-03-01T10:00:00Z'));
    expect(signals).toHaveLength(1);
    expect(signals[0]).toMatchObject({ rule: 'missedAcknowledge', person: 'caro', key: `ack.console.ESC-1.c1.${Date.parse('2027-03-01T09:15:00Z')}`, detail: 'ESC-1 missed its acknowledge deadline' });
    expect(signals[0]?.facts).toContain('**ESC-1** (P1 Critical, Frontline support: “Case 1”) was assigned to Carolina Díaz and missed its acknowledge deadline (15m)');
    expect(signals[0]?.draft).toMatch(/^Hi Carolina, ESC-1 went past its 15m acknowledge deadline/);
    // The same records a week and a day later show nothing (too old to suggest).
    expect(deriveSignals([e], config, roster, new Date('2027-03-09T10:00:00Z'))).toEqual([]);
  });

  it('a streak of N resolved within SLA in the person’s week is one positive signal; rules switched off say nothing', () => {
    const resolved = (n: number, day: number, late = false) =>
      escalation(n, [h(`2027-03-0${day}T09:00:00.000Z`, 'created'), h(`2027-03-0${day}T09:05:00.000Z`, 'acknowledged', caro), h(`2027-03-0${day}T${late ? '14' : '10'}:00:00.000Z`, 'resolved', caro)], {
        status: 'resolved', resolvedAt: `2027-03-0${day}T${late ? '14' : '10'}:00:00.000Z`, resolveDueAt: `2027-03-0${day}T13:00:00.000Z`,
      });
    const records = [resolved(1, 1), resolved(2, 2), resolved(3, 3), resolved(4, 3, true), resolved(5, 4), resolved(6, 5)];
    const signals = deriveSignals(records, config, roster, new Date('2027-03-05T12:00:00Z'));
    expect(signals).toHaveLength(1);
    expect(signals[0]).toMatchObject({ rule: 'streak', person: 'caro', key: 'streak.caro.2027-03-01', detail: '5 escalations resolved within SLA' });
    expect(signals[0]?.facts).toContain('ESC-1, ESC-2, ESC-3, ESC-5, ESC-6');
    const off = { ...config, coaching: { ...config.coaching, signals: { missedAcknowledge: false, lowRating: false, streak: false as const } } };
    expect(deriveSignals(records, off, roster, new Date('2027-03-05T12:00:00Z'))).toEqual([]);
    const six = { ...config, coaching: { ...config.coaching, signals: { ...config.coaching.signals, streak: { resolvedWithinSla: 6 } } } };
    expect(deriveSignals(records, six, roster, new Date('2027-03-05T12:00:00Z'))).toEqual([]);
  });

  it('a low rating is about whoever resolved that cycle', () => {
    const e = escalation(7, [h('2027-03-01T09:00:00.000Z', 'created'), h('2027-03-01T09:05:00.000Z', 'acknowledged', caro), h('2027-03-01T10:00:00.000Z', 'resolved', caro), h('2027-03-01T11:00:00.000Z', 'rated', ana)], {
      status: 'resolved', resolvedAt: '2027-03-01T10:00:00.000Z', ratings: [{ cycle: 1, score: 2, at: '2027-03-01T11:00:00.000Z', by: ana, comment: 'Took two tries' }],
    });
    const [signal] = deriveSignals([e], { ...config, coaching: { ...config.coaching, signals: { ...config.coaching.signals, streak: false } } }, roster, new Date('2027-03-01T12:00:00Z'));
    expect(signal).toMatchObject({ rule: 'lowRating', person: 'caro', key: 'rating.console.ESC-7.c1' });
    expect(signal?.facts).toContain('was rated **2/5** by Ana Lima, with the comment “Took two tries”');
  });
});

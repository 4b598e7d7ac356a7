/**
 * Shiftlead's own records as a source, against hand-computed numbers, on real Redis: records
 * written through the escalation store, read back through the audit stream, across the night
 * Lisbon's clocks go back (2026-10-25 has 25 hours).
 */
import type { Redis } from 'ioredis';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Escalation, HistoryEntry } from '../../src/core/escalations/model.js';
import { TEAM, type MetricPoint } from '../../src/core/metrics/model.js';
import { OwnRecords } from '../../src/core/metrics/own-records.js';
import { Settings } from '../../src/core/settings.js';
import { RedisEscalationReader } from '../../src/store/escalation-reader.js';
import { RedisEscalationStore } from '../../src/store/escalations.js';
import { RedisMetricStore } from '../../src/store/metrics.js';
import { connectRedis } from '../../src/store/redis.js';
import { exampleConfig } from '../support/app.js';
import { ANA, BEN, draft } from '../support/records.js';
import { deletePrefix, redisUrl, uniquePrefix } from '../support/redis.js';

const TENANT = 'slack-T0TEST';
const min = 60_000;
const iso = (ms: number) => new Date(ms).toISOString();

/** A record with its history: created at `created`, then the given steps. */
function escalation(department: string, severity: string, created: string, steps: Array<{ type: HistoryEntry['type']; at: string }>, sla: { ack: number; resolve: number }): Omit<Escalation, 'id' | 'number'> {
  const c = Date.parse(created);
  const history: HistoryEntry[] = [{ at: created, type: 'created', actor: ANA, to: 'open' }, ...steps.map((s) => ({ at: s.at, type: s.type, actor: BEN }))];
  const last = steps.at(-1);
  const status = steps.some((s) => s.type === 'resolved') ? 'resolved' : steps.some((s) => s.type === 'acknowledged') ? 'acknowledged' : 'open';
  return {
    ...draft({ department, severity }, new Date(created)),
    status,
    acknowledgeDueAt: iso(c + sla.ack),
    resolveDueAt: iso(c + sla.resolve),
    history,
    updatedAt: last?.at ?? created,
    ...(steps.find((s) => s.type === 'acknowledged') ? { acknowledgedAt: steps.find((s) => s.type === 'acknowledged')?.at } : {}),
    ...(status === 'resolved' ? { resolvedAt: last?.at, resolution: 'done' } : {}),
  };
}

describe("Shiftlead's own records as a metric source", () => {
  let redis: Redis;
  let prefix: string;

  beforeEach(async () => {
    redis = await connectRedis(redisUrl(), 'store');
    prefix = uniquePrefix();
  });

  afterEach(async () => {
    await deletePrefix(redis, prefix);
    redis.disconnect();
  });

  async function save(e: Omit<Escalation, 'id' | 'number'>): Promise<void> {
    const store = new RedisEscalationStore(redis, prefix);
    const created = await store.create(TENANT, { ...e, status: 'open', version: 1 }, { actor: 'ana', at: e.createdAt, type: 'escalation.created', subject: '' });
    if (!created.created) throw new Error('not created');
    if (e.status !== 'open') await store.update(TENANT, { ...created.record, ...e, version: 2 }, 1, { actor: 'ben', at: e.updatedAt, type: `escalation.${e.status}`, subject: created.record.id });
  }

  it('counts per department and for the whole team, per local date, across a 25-hour day', async () => {
    // E1 support P1 (15m / 4h): created 00:30 local on the 25th (23:30Z on the 24th, summer time),
    // acknowledged after 10 min, resolved after 3 h.
    await save(escalation('support', 'P1', '2026-10-24T23:30:00Z', [{ type: 'acknowledged', at: '2026-10-24T23:40:00Z' }, { type: 'resolved', at: '2026-10-25T02:30:00Z' }], { ack: 15 * min, resolve: 240 * min }));
    // E2 support P2 (30m / 8h): created 23:30 local on the 25th (winter time: still the 25th),
    // acknowledged 50 min later, on the 26th: late; still open.
    await save(escalation('support', 'P2', '2026-10-25T23:30:00Z', [{ type: 'acknowledged', at: '2026-10-26T00:20:00Z' }], { ack: 30 * min, resolve: 480 * min }));
    // E3 billing P1 (10m / 2h): created on the 24th, never acknowledged (both deadlines missed on
    // the 24th), resolved on the 25th after 22 h.
    await save(escalation('billing', 'P1', '2026-10-24T12:00:00Z', [{ type: 'resolved', at: '2026-10-25T10:00:00Z' }], { ack: 10 * min, resolve: 120 * min }));

    const settings = new Settings(exampleConfig());
    const metrics = new RedisMetricStore(redis, prefix);
    const own = new OwnRecords({ reader: new RedisEscalationReader(redis, prefix), store: metrics, settings, clock: { now: () => new Date('2026-10-26T12:00:00Z') }, claim: (n, ms) => metrics.claim(n, ms) });
    const got = await own.compute(['2026-10-24', '2026-10-25', '2026-10-26']);
    const table = (date: string, department: string) =>
      Object.fromEntries(got.filter((p) => p.date === date && p.department === department).map((p: MetricPoint) => [p.metric, p.count === undefined ? p.value : [p.value, p.count]]));

    expect(table('2026-10-24', 'billing')).toEqual({ escalationsOpened: 1, slaBreaches: 2, escalationBacklog: 1 });
    expect(table('2026-10-24', 'support')).toEqual({ escalationsOpened: 0, slaBreaches: 0, escalationBacklog: 0 });
    expect(table('2026-10-24', TEAM)).toEqual({ escalationsOpened: 1, slaBreaches: 2, escalationBacklog: 1 });

    expect(table('2026-10-25', 'support')).toEqual({ escalationsOpened: 2, slaBreaches: 0, escalationBacklog: 1, ackWithinSla: [1, 1], ackMinutes: [10, 1], resolveMinutes: [180, 1] });
    expect(table('2026-10-25', 'billing')).toEqual({ escalationsOpened: 0, slaBreaches: 0, escalationBacklog: 0, resolveMinutes: [1320, 1] });
    expect(table('2026-10-25', TEAM)).toEqual({ escalationsOpened: 2, slaBreaches: 0, escalationBacklog: 1, ackWithinSla: [1, 1], ackMinutes: [10, 1], resolveMinutes: [750, 2] });

    // The 26th so far (now is 12:00Z): E2's acknowledgement came 20 min past its deadline (00:00Z),
    // and its resolve deadline (07:30Z) has passed too.
    expect(table('2026-10-26', 'support')).toEqual({ escalationsOpened: 0, slaBreaches: 2, escalationBacklog: 1, ackWithinSla: [0, 1], ackMinutes: [50, 1] });

    await own.refresh(['2026-10-25']);
    const stored = await metrics.read([TEAM], ['2026-10-25']);
    expect(stored.filter((p) => p.source === 'shiftlead').map((p) => [p.metric, p.value]).sort()).toEqual([
      ['ackMinutes', 10],
      ['ackWithinSla', 1],
      ['escalationBacklog', 1],
      ['escalationsOpened', 2],
      ['resolveMinutes', 750],
      ['slaBreaches', 0],
    ]);
  });
});

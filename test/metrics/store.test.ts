/** Metric values in Redis: a batch is written whole, the same identity replaces, a source's day is replaced whole. */
import type { Redis } from 'ioredis';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TEAM, type MetricPoint } from '../../src/core/metrics/model.js';
import { RedisMetricStore } from '../../src/store/metrics.js';
import { connectRedis } from '../../src/store/redis.js';
import { deletePrefix, redisUrl, uniquePrefix } from '../support/redis.js';

const at = new Date('2026-11-24T08:00:00Z');
const point = (p: Partial<MetricPoint>): MetricPoint => ({ metric: 'csat', date: '2026-11-23', value: 4.5, department: TEAM, source: 'api', ...p });
const strip = (points: Array<MetricPoint & { at: string }>) => points.map(({ at: _at, ...p }) => p).sort((a, b) => `${a.metric}${a.source}${a.date}${a.department}`.localeCompare(`${b.metric}${b.source}${b.date}${b.department}`));

describe('metric store', () => {
  let redis: Redis;
  let prefix: string;
  let store: RedisMetricStore;

  beforeEach(async () => {
    redis = await connectRedis(redisUrl(), 'store');
    prefix = uniquePrefix();
    store = new RedisMetricStore(redis, prefix, () => at);
  });

  afterEach(async () => {
    await deletePrefix(redis, prefix);
    redis.disconnect();
  });

  it('writes a batch, reads it back by department and date, and replaces a value sent again', async () => {
    expect(await store.put([point({ count: 212 }), point({ metric: 'backlog', value: 31, department: 'support' }), point({ date: '2026-11-22', value: 4.1 })])).toBe(3);
    expect(await store.put([point({ value: 4.7, count: 220 })])).toBe(1);
    const read = await store.read([TEAM, 'support'], ['2026-11-22', '2026-11-23']);
    expect(read.every((p) => p.at === at.toISOString())).toBe(true);
    expect(strip(read)).toEqual([
      { metric: 'backlog', date: '2026-11-23', value: 31, department: 'support', source: 'api' },
      { metric: 'csat', date: '2026-11-22', value: 4.1, department: TEAM, source: 'api' },
      { metric: 'csat', date: '2026-11-23', value: 4.7, count: 220, department: TEAM, source: 'api' },
    ]);
    expect(await store.read(['billing'], ['2026-11-23'])).toEqual([]);
  });

  it('replaces everything one source said about a date, leaving other sources and dates alone', async () => {
    await store.put([
      point({ metric: 'slaBreaches', value: 3, source: 'shiftlead' }),
      point({ metric: 'ackMinutes', value: 12, source: 'shiftlead', department: 'support' }),
      point({ metric: 'slaBreaches', value: 5, source: 'zendesk' }),
      point({ metric: 'slaBreaches', value: 9, source: 'shiftlead', date: '2026-11-22' }),
    ]);
    await store.replaceSource('shiftlead', '2026-11-23', [TEAM, 'support'], [point({ metric: 'slaBreaches', value: 4, source: 'shiftlead' })]);
    expect(strip(await store.read([TEAM, 'support'], ['2026-11-22', '2026-11-23']))).toEqual([
      { metric: 'slaBreaches', date: '2026-11-22', value: 9, department: TEAM, source: 'shiftlead' },
      { metric: 'slaBreaches', date: '2026-11-23', value: 4, department: TEAM, source: 'shiftlead' },
      { metric: 'slaBreaches', date: '2026-11-23', value: 5, department: TEAM, source: 'zendesk' },
    ]);
    await expect(store.replaceSource('shiftlead', '2026-11-23', [TEAM], [point({ source: 'api' })])).rejects.toThrow('outside the replaced set');
  });

  it('hands a lease to one caller at a time', async () => {
    expect(await store.claim('own-fresh', 60_000)).toBe(true);
    expect(await store.claim('own-fresh', 60_000)).toBe(false);
    expect(await store.claim('own-backfill', 60_000)).toBe(true);
  });
});

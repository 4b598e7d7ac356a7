/** The listening features' CSAT samples (a poll's average, a resolved escalation's rating) as csat values, on real Redis. */
import type { Redis } from 'ioredis';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TEAM } from '../../src/core/metrics/model.js';
import { FactMetricsSink, RedisConnectorStore } from '../../src/store/connector-store.js';
import { RedisMetricStore } from '../../src/store/metrics.js';
import { connectRedis } from '../../src/store/redis.js';
import { deletePrefix, redisUrl, uniquePrefix } from '../support/redis.js';

describe('CSAT samples from polls and resolved escalations', () => {
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

  it('averages a day by responses, per department and for the team; a sample recorded again replaces itself', async () => {
    const store = new RedisMetricStore(redis, prefix);
    const sink = new FactMetricsSink(new RedisConnectorStore(redis, prefix, store));
    const day = '2026-11-23';
    await Promise.all([
      sink.record({ id: 'poll.slack-T0.POLL-1', metric: 'csat', date: day, value: 4, count: 3, department: 'support', source: 'poll' }),
      sink.record({ id: 'poll.slack-T0.POLL-2', metric: 'csat', date: day, value: 2, count: 1, source: 'poll' }),
      sink.record({ id: 'esc.slack-T0.ESC-1.1', metric: 'csat', date: day, value: 5, count: 1, department: 'billing', source: 'escalations' }),
    ]);
    const read = async () => Object.fromEntries((await store.read([TEAM, 'support', 'billing'], [day])).map((p) => [`${p.source} ${p.department}`, [p.value, p.count]]));
    // The team's poll CSAT: (4 × 3 + 2 × 1) / 4 = 3.5 from 4 responses.
    expect(await read()).toEqual({ [`poll ${TEAM}`]: [3.5, 4], 'poll support': [4, 3], [`escalations ${TEAM}`]: [5, 1], 'escalations billing': [5, 1] });
    // The first poll's result changes (a late vote): it replaces the earlier sample, nothing is counted twice.
    await sink.record({ id: 'poll.slack-T0.POLL-1', metric: 'csat', date: day, value: 4.5, count: 4, department: 'support', source: 'poll' });
    expect((await read())[`poll ${TEAM}`]).toEqual([4, 5]);
    expect((await read())['poll support']).toEqual([4.5, 4]);
  });
});

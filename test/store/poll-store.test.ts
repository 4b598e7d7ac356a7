/** The Redis poll store on real Redis: the vote script's outcomes, anonymous polls forgetting voters, refresh claims. */
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { NewPoll } from '../../src/core/polls/poll-model.js';
import { RedisPollStore } from '../../src/store/polls.js';
import { ANA } from '../support/records.js';
import { deletePrefix, newRedis, uniquePrefix } from '../support/redis.js';

const T = 'slack-T0POLL';
const NOW = new Date('2027-01-08T10:00:00Z');
const draft = (over: Partial<NewPoll> = {}): NewPoll => ({
  tenant: T,
  platform: 'slack',
  kind: 'choice',
  question: 'Lunch?',
  options: ['pizza', 'sushi', 'tacos'],
  anonymous: false,
  creator: ANA,
  conversation: 'C0SUPPORT',
  createdAt: NOW.toISOString(),
  closesAt: new Date(NOW.getTime() + 3_600_000).toISOString(),
  ...over,
});

describe('Redis poll store', () => {
  let redis: Redis;
  let prefix: string;
  let store: RedisPollStore;
  beforeAll(() => {
    redis = newRedis();
  });
  afterAll(() => redis.disconnect());
  beforeEach(async () => {
    prefix = uniquePrefix();
    store = new RedisPollStore(redis, prefix);
    return async () => deletePrefix(redis, prefix);
  });

  it('counts a vote once, changes it on another press, and refuses unknown, invalid and late votes', async () => {
    const poll = await store.create(draft());
    expect(poll.id).toBe('POLL-1');
    expect(await store.vote(T, 'POLL-1', 'slack:U1', 2, NOW, 7)).toMatchObject({ result: 'counted', refresh: true });
    expect(await store.vote(T, 'POLL-1', 'slack:U1', 2, NOW, 7)).toMatchObject({ result: 'same', refresh: false });
    expect(await store.vote(T, 'POLL-1', 'slack:U2', 1, NOW, 7)).toMatchObject({ result: 'counted', refresh: false });
    expect(await store.vote(T, 'POLL-1', 'slack:U1', 3, NOW, 8)).toMatchObject({ result: 'changed', previous: 2, refresh: true });
    expect((await store.get(T, 'POLL-1'))?.counts).toEqual([1, 0, 1]);
    expect(await store.vote(T, 'POLL-9', 'slack:U1', 1, NOW, 8)).toEqual({ result: 'unknown', refresh: false });
    expect(await store.vote(T, 'POLL-1', 'slack:U1', 4, NOW, 8)).toEqual({ result: 'invalid', refresh: false });
    expect(await store.vote(T, 'POLL-1', 'slack:U1', 1.5, NOW, 8)).toEqual({ result: 'invalid', refresh: false });
    // Past its closing time a vote is refused even before the timer closes the poll.
    expect(await store.vote(T, 'POLL-1', 'slack:U3', 1, new Date(NOW.getTime() + 3_600_000), 9)).toEqual({ result: 'closed', refresh: false });
  });

  it('closes once; an anonymous poll then keeps only its counts', async () => {
    await store.create(draft({ anonymous: true }));
    await store.vote(T, 'POLL-1', 'slack:U0SECRET1', 1, NOW, 1);
    await store.vote(T, 'POLL-1', 'slack:U0SECRET2', 1, NOW, 1);
    const votes = `${prefix}:{${T}}:poll:POLL-1:votes`;
    const voters = await redis.hkeys(votes);
    expect(voters).toHaveLength(2);
    for (const v of voters) expect(v).toMatch(/^[0-9a-f]{64}$/); // keyed hashes, not ids
    const closed = await store.close(T, 'POLL-1', undefined, NOW);
    expect(closed).toMatchObject({ closedNow: true, state: { status: 'closed', counts: [2, 0, 0] } });
    expect(await redis.exists(votes)).toBe(0);
    expect(await redis.hget(`${prefix}:{${T}}:poll:POLL-1`, 'salt')).toBeNull();
    expect((await store.close(T, 'POLL-1', undefined, NOW))?.closedNow).toBe(false);
    expect(await store.vote(T, 'POLL-1', 'slack:U0SECRET1', 2, NOW, 2)).toEqual({ result: 'closed', refresh: false });
    expect(await store.overdue(T, new Date(NOW.getTime() + 120_000), 60_000)).toEqual({ toClose: [], unsettled: ['POLL-1'] });
    await store.settle(T, 'POLL-1');
    expect(await store.overdue(T, new Date(NOW.getTime() + 120_000), 60_000)).toEqual({ toClose: [], unsettled: [] });
  });

  it('grants one summary update per interval, across callers', async () => {
    await store.create(draft());
    const at = (ms: number) => new Date(NOW.getTime() + ms);
    const claims = await Promise.all([1, 2, 3].map(() => store.claimRefresh(T, 'POLL-1', at(0), 5_000)));
    expect(claims.filter((c) => c !== 'closed' && c.granted)).toHaveLength(1);
    expect(await store.claimRefresh(T, 'POLL-1', at(4_999), 5_000)).toEqual({ granted: false, nextAt: NOW.getTime() + 5_000 });
    expect(await store.claimRefresh(T, 'POLL-1', at(5_000), 5_000)).toEqual({ granted: true });
    await store.close(T, 'POLL-1', undefined, at(6_000));
    expect(await store.claimRefresh(T, 'POLL-1', at(20_000), 5_000)).toBe('closed');
  });
});

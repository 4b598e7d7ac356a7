/** `/readyz` is a write where the store keeps its records, not a PING. */
import { afterEach, describe, expect, it } from 'vitest';
import { connectRedis } from '../../src/store/redis.js';
import { startPrivateRedis } from '../support/private-redis.js';
import { askReadyz } from '../support/readyz.js';
import { redisUrl, uniquePrefix } from '../support/redis.js';

describe('/readyz', () => {
  const cleanups: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const fn of cleanups.splice(0).reverse()) await fn();
  });

  it('is ready when the store’s keys take a write, and the probe keys expire on their own', async () => {
    const redis = await connectRedis(redisUrl(), 'store');
    cleanups.push(async () => void redis.disconnect());
    const prefix = uniquePrefix();
    expect(await askReadyz(redis, prefix)).toEqual({ status: 200, body: { status: 'ready' } });
    const ttl = await redis.pttl(`${prefix}:{org}:ready`);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(10_000);
  });

  it('says 503 READONLY on a replica that still answers PING', async () => {
    const server = await startPrivateRedis();
    cleanups.push(server.cleanup);
    const redis = await connectRedis(server.url, 'store');
    cleanups.push(async () => void redis.disconnect());
    // A replica (of a primary that is gone) answers PING and refuses writes.
    await redis.call('REPLICAOF', '127.0.0.1', '1');
    expect(await redis.ping()).toBe('PONG');
    expect(await askReadyz(redis, uniquePrefix())).toEqual({ status: 503, body: { status: 'redis_write_refused', reason: 'READONLY' } });
  });

  it('says 503 OOM when Redis is out of memory (noeviction refuses the write)', async () => {
    const server = await startPrivateRedis();
    cleanups.push(server.cleanup);
    const redis = await connectRedis(server.url, 'store');
    cleanups.push(async () => void redis.disconnect());
    await redis.config('SET', 'maxmemory', '1');
    expect(await askReadyz(redis, uniquePrefix())).toEqual({ status: 503, body: { status: 'redis_write_refused', reason: 'OOM' } });
  });
});

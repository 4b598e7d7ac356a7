import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { ensureRedis, freePort, RedisUnavailableError } from '../../src/store/local-redis.js';
import { redisAnswers } from '../../src/store/redis.js';
import { inspectRedis, judgeRedis } from '../../src/store/redis-checks.js';
import { startPrivateRedis } from '../support/private-redis.js';

describe('Redis for local use', () => {
  it('starts a private loopback redis-server with AOF when nothing answers, and stops it', async () => {
    const local = await startPrivateRedis(true);
    try {
      expect(local.url).toMatch(/^redis:\/\/127\.0\.0\.1:\d+$/);
      // The line the console opens with (and the log says) names it, and that Shiftlead started it.
      expect(local.origin).toBe(`Redis: ${local.url}, a private redis-server started by Shiftlead (AOF on, data in ${local.dataDir}; stopped on exit)`);
      expect(local.stop).toBeTypeOf('function');
      const redis = new Redis(local.url);
      const health = await inspectRedis(redis);
      expect(health).toMatchObject({ aof: true, evictionPolicy: 'noeviction' });
      expect(judgeRedis(health)).toEqual({ errors: [], warnings: [] });
      await redis.set('k', 'v');
      redis.disconnect();
      expect(existsSync(join(local.dataDir, 'redis.port'))).toBe(true);
    } finally {
      await local.cleanup();
    }
    expect(await redisAnswers(local.url, 300)).toBe(false);
  });

  it('says in one line, without the password, when nothing answers at REDIS_URL', async () => {
    const port = await freePort();
    const failure = ensureRedis({ url: `redis://:hunter2@127.0.0.1:${port}`, dataDir: '.data', persistence: false });
    await expect(failure).rejects.toBeInstanceOf(RedisUnavailableError);
    await expect(failure).rejects.toThrow(`Nothing answers at redis://:***@127.0.0.1:${port} (REDIS_URL): start Redis there, or fix or unset REDIS_URL.`);
  });

  it('refuses an evicting Redis and warns once when nothing is persisted', () => {
    const verdict = judgeRedis({ version: '7.0.15', evictionPolicy: 'allkeys-lru', aof: false, rdb: false });
    expect(verdict.errors).toEqual([expect.stringContaining('maxmemory-policy is "allkeys-lru"; Shiftlead needs "noeviction"')]);
    expect(verdict.warnings).toEqual([expect.stringContaining('Redis persistence is off')]);
    expect(judgeRedis({ version: '7.0.15', evictionPolicy: 'noeviction', aof: false, rdb: true }).warnings).toEqual([]);
  });
});

/**
 * Makes sure Redis answers before any test runs, exactly as the app does: REDIS_URL if set,
 * else 127.0.0.1:6379, else a private redis-server started here (and stopped at the end).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { ensureRedis } from '../../src/store/local-redis.js';

declare module 'vitest' {
  export interface ProvidedContext {
    redisUrl: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const dataDir = await mkdtemp(join(tmpdir(), 'shiftlead-test-redis-'));
  const redis = await ensureRedis({ url: process.env['REDIS_URL'], dataDir, persistence: false });
  project.provide('redisUrl', redis.url);
  process.env['SHIFTLEAD_TEST_REDIS_URL'] = redis.url;
  return async () => {
    await redis.stop?.();
    await rm(dataDir, { recursive: true, force: true });
  };
}

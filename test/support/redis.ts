/** Real Redis for tests: one connection per file, a unique key prefix per test, cleaned up after. */
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { inject } from 'vitest';

export function redisUrl(): string {
  return inject('redisUrl');
}

/** A key prefix no other test uses. */
export function uniquePrefix(): string {
  return `t${randomUUID().slice(0, 8)}`;
}

export function newRedis(options: { maxRetriesPerRequest?: number | null } = {}): Redis {
  return new Redis(redisUrl(), { maxRetriesPerRequest: options.maxRetriesPerRequest ?? null });
}

/** Deletes every key under a prefix (records and BullMQ queues alike). */
export async function deletePrefix(redis: Redis, prefix: string): Promise<void> {
  for (const pattern of [`${prefix}:*`, `${prefix}-bull:*`]) {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
      cursor = next;
      if (keys.length > 0) await redis.del(...keys);
    } while (cursor !== '0');
  }
}

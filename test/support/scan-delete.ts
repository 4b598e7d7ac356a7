/** Deletes every key matching the patterns (SCAN, never KEYS). Shared by tests and benchmarks. */
import type { Redis } from 'ioredis';

export async function deleteKeys(redis: Redis, patterns: string[]): Promise<void> {
  for (const pattern of patterns) {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
      cursor = next;
      if (keys.length > 0) await redis.del(...keys);
    } while (cursor !== '0');
  }
}

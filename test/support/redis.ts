/** Real Redis for tests: one connection per file, a unique key prefix per test, cleaned up after. */
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { inject } from 'vitest';
import { deleteKeys } from './scan-delete.js';

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
  await deleteKeys(redis, [`${prefix}:*`, `${prefix}-bull:*`]);
}

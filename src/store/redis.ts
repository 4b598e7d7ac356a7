/**
 * The one place Redis connections are made. Three purposes, three settings:
 * - `store` and `queue` fail fast (a person waiting on a modal must hear "try again", not hang);
 * - `worker` retries forever (BullMQ workers require `maxRetriesPerRequest: null`).
 */
import { Redis, type RedisOptions } from 'ioredis';

export type RedisPurpose = 'store' | 'queue' | 'worker';

const BASE: RedisOptions = {
  // BullMQ's own reconnect curve: quick at first, capped at 20 s.
  retryStrategy: (times) => Math.max(Math.min(Math.exp(times), 20_000), 1_000),
  connectTimeout: 5_000,
  lazyConnect: true,
};

const BY_PURPOSE: Record<RedisPurpose, RedisOptions> = {
  store: { enableOfflineQueue: false, maxRetriesPerRequest: 1, commandTimeout: 2_000 },
  queue: { enableOfflineQueue: false, maxRetriesPerRequest: 1, commandTimeout: 2_000 },
  worker: { maxRetriesPerRequest: null, enableOfflineQueue: true },
};

/**
 * Opens a connection for a purpose and waits until it is ready. Its errors (every failed
 * reconnect while Redis is down) go to `onError` — see RedisOutage — never to the log directly.
 */
export async function connectRedis(url: string, purpose: RedisPurpose, options: { name?: string; onError?: (error: Error) => void } = {}): Promise<Redis> {
  const redis = new Redis(url, { ...BASE, ...BY_PURPOSE[purpose], connectionName: options.name ?? `shiftlead-${purpose}` });
  redis.on('error', options.onError ?? (() => undefined));
  try {
    await redis.connect();
  } catch (error) {
    redis.disconnect();
    throw error;
  }
  return redis;
}

/** Answers true when something speaks Redis at `url`. */
export async function redisAnswers(url: string, timeoutMs = 1_000): Promise<boolean> {
  const probe = new Redis(url, { lazyConnect: true, connectTimeout: timeoutMs, maxRetriesPerRequest: 0, retryStrategy: () => null, enableOfflineQueue: false });
  probe.on('error', () => undefined);
  try {
    await probe.connect();
    return (await probe.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    probe.disconnect();
  }
}

/** Whether an error means Redis cannot be reached (as opposed to a command Redis refused). */
export function isRedisConnectionError(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as NodeJS.ErrnoException).code ?? '';
  return (
    ['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENOTFOUND', 'EPIPE', 'EAI_AGAIN'].includes(code) ||
    /ECONNREFUSED|ECONNRESET|ETIMEDOUT|Connection is closed|Stream isn't writeable|max retries per request|Reached the max retries|enableOfflineQueue|Command timed out|connect ETIMEDOUT|Socket closed unexpectedly/i.test(error.message)
  );
}

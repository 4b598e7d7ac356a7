/**
 * The one place Redis connections are made, for one server (REDIS_URL), a Redis Cluster
 * (REDIS_CLUSTER_NODES) or a Sentinel-managed primary (REDIS_SENTINELS). Three purposes, three
 * settings:
 * - `store` and `queue` fail fast (a person waiting on a modal must hear "try again", not hang);
 * - `worker` retries forever (BullMQ workers require `maxRetriesPerRequest: null`).
 */
import { Cluster, Redis, type ClusterOptions, type RedisOptions } from 'ioredis';
import { toTarget, type HostPort, type RedisTarget } from '../config/redis-target.js';

/** A connection to Shiftlead's Redis, whichever kind it is. Stores and queues take this type. */
export type RedisClient = Redis | Cluster;

export type RedisPurpose = 'store' | 'queue' | 'worker';

// BullMQ's own reconnect curve: quick at first, capped at 20 s.
const retryStrategy = (times: number) => Math.max(Math.min(Math.exp(times), 20_000), 1_000);

const BASE: RedisOptions = { retryStrategy, connectTimeout: 5_000, lazyConnect: true };

const BY_PURPOSE: Record<RedisPurpose, RedisOptions> = {
  store: { enableOfflineQueue: false, maxRetriesPerRequest: 1, commandTimeout: 2_000 },
  queue: { enableOfflineQueue: false, maxRetriesPerRequest: 1, commandTimeout: 2_000 },
  worker: { maxRetriesPerRequest: null, enableOfflineQueue: true },
};

/**
 * After a Sentinel failover the old primary may still hold our connection, now as a replica:
 * a write there answers READONLY. Reconnect (Sentinel names the new primary) and resend.
 */
const reconnectOnError = (error: Error): 2 | false => (error.message.startsWith('READONLY') ? 2 : false);

export interface ConnectOptions {
  name?: string;
  onError?: (error: Error) => void;
}

function clusterOptions(target: Extract<RedisTarget, { kind: 'cluster' }>, purpose: RedisPurpose, name: string): ClusterOptions {
  const { enableOfflineQueue, ...perPurpose } = BY_PURPOSE[purpose];
  return {
    lazyConnect: true,
    enableOfflineQueue: enableOfflineQueue ?? true,
    clusterRetryStrategy: retryStrategy,
    // Reconnect a node that dropped (a restarted replica, a primary back after a blip) instead of waiting for a MOVED.
    clusterNodeRetryStrategy: (times) => Math.min(times * 200, 2_000),
    slotsRefreshTimeout: 2_000,
    // With TLS the certificate names the host, not its IP: keep the host name (ElastiCache, Memorystore).
    ...(target.tls ? { dnsLookup: (address: string, done: (error: null, address: string) => void) => done(null, address) } : {}),
    redisOptions: {
      ...perPurpose,
      connectTimeout: BASE.connectTimeout,
      connectionName: name,
      ...(target.username ? { username: target.username } : {}),
      ...(target.password ? { password: target.password } : {}),
      ...(target.tls ? { tls: {} } : {}),
    },
  };
}

function sentinelOptions(target: Extract<RedisTarget, { kind: 'sentinel' }>): RedisOptions {
  return {
    sentinels: target.sentinels.map((s: HostPort) => ({ host: s.host, port: s.port })),
    name: target.name,
    // Subscribes to the Sentinels' +switch-master, so a failover moves the connection at once.
    failoverDetector: true,
    reconnectOnError,
    ...(target.username ? { username: target.username } : {}),
    ...(target.password ? { password: target.password } : {}),
    ...(target.sentinelPassword ? { sentinelPassword: target.sentinelPassword } : {}),
    ...(target.tls ? { tls: {}, enableTLSForSentinelMode: true } : {}),
  };
}

/** A client for a target, not yet connected (a URL names one server: a `Redis`). */
export function createRedis(url: string, purpose: RedisPurpose, options?: ConnectOptions): Redis;
export function createRedis(target: RedisTarget | string, purpose: RedisPurpose, options?: ConnectOptions): RedisClient;
export function createRedis(target: RedisTarget | string, purpose: RedisPurpose, options: ConnectOptions = {}): RedisClient {
  const t = toTarget(target);
  const name = options.name ?? `shiftlead-${purpose}`;
  switch (t.kind) {
    case 'single':
      return new Redis(t.url, { ...BASE, ...BY_PURPOSE[purpose], connectionName: name });
    case 'cluster':
      return new Cluster(t.nodes, clusterOptions(t, purpose, name));
    case 'sentinel':
      return new Redis({ ...BASE, ...BY_PURPOSE[purpose], connectionName: name, ...sentinelOptions(t) });
  }
}

/**
 * Opens a connection for a purpose and waits until it is ready. Its errors (every failed
 * reconnect while Redis is down) go to `onError` — see RedisOutage — never to the log directly.
 */
export async function connectRedis(url: string, purpose: RedisPurpose, options?: ConnectOptions): Promise<Redis>;
export async function connectRedis(target: RedisTarget | string, purpose: RedisPurpose, options?: ConnectOptions): Promise<RedisClient>;
export async function connectRedis(target: RedisTarget | string, purpose: RedisPurpose, options: ConnectOptions = {}): Promise<RedisClient> {
  const redis = createRedis(target, purpose, options);
  redis.on('error', options.onError ?? (() => undefined));
  try {
    await redis.connect();
  } catch (error) {
    redis.disconnect();
    throw error;
  }
  return redis;
}

/** Whether a client is a Redis Cluster client. */
export function isCluster(redis: RedisClient): redis is Cluster {
  return redis instanceof Cluster;
}

/** Answers true when something speaks Redis at the target (on a cluster: the cluster is up). */
export async function redisAnswers(target: RedisTarget | string, timeoutMs = 1_000): Promise<boolean> {
  const t = toTarget(target);
  const probe: RedisClient =
    t.kind === 'cluster'
      ? new Cluster(t.nodes, { ...clusterOptions(t, 'store', 'shiftlead-probe'), clusterRetryStrategy: () => null, enableOfflineQueue: true, slotsRefreshTimeout: timeoutMs, redisOptions: { ...clusterOptions(t, 'store', 'shiftlead-probe').redisOptions, connectTimeout: timeoutMs, maxRetriesPerRequest: 0 } })
      : new Redis({
          ...(t.kind === 'single' ? {} : sentinelOptions(t)),
          failoverDetector: false,
          lazyConnect: true,
          connectTimeout: timeoutMs,
          maxRetriesPerRequest: 0,
          retryStrategy: () => null,
          ...(t.kind === 'sentinel' ? { sentinelRetryStrategy: () => null } : {}),
          enableOfflineQueue: false,
          ...(t.kind === 'single' ? urlOptions(t.url) : {}),
        });
  probe.on('error', () => undefined);
  let timer: NodeJS.Timeout | undefined;
  try {
    const answer = (async () => {
      await probe.connect();
      return (await probe.ping()) === 'PONG';
    })();
    answer.catch(() => undefined);
    return await Promise.race([answer, new Promise<boolean>((done) => (timer = setTimeout(() => done(false), timeoutMs * 2)))]);
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
    probe.disconnect();
  }
}

/** ioredis's reading of a redis:// or rediss:// URL, as options. */
function urlOptions(url: string): RedisOptions {
  const u = new URL(url);
  const db = Number(u.pathname.slice(1));
  return {
    host: u.hostname.replace(/^\[|\]$/g, ''),
    port: Number(u.port || 6379),
    ...(u.username ? { username: decodeURIComponent(u.username) } : {}),
    ...(u.password ? { password: decodeURIComponent(u.password) } : {}),
    ...(Number.isInteger(db) && db > 0 ? { db } : {}),
    ...(u.protocol === 'rediss:' ? { tls: {} } : {}),
  };
}

/** Whether an error means Redis cannot be reached (as opposed to a command Redis refused). */
export function isRedisConnectionError(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as NodeJS.ErrnoException).code ?? '';
  return (
    ['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENOTFOUND', 'EPIPE', 'EAI_AGAIN'].includes(code) ||
    /ECONNREFUSED|ECONNRESET|ETIMEDOUT|Connection is closed|Stream isn't writeable|max retries per request|Reached the max retries|enableOfflineQueue|Command timed out|connect ETIMEDOUT|Socket closed unexpectedly|CLUSTERDOWN|Failed to refresh slots cache|None of startup nodes is available|All sentinels are unreachable|READONLY/i.test(error.message)
  );
}

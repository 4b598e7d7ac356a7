/**
 * Start-up checks on the Redis server, through INFO (managed services such as ElastiCache block
 * CONFIG). BullMQ needs `noeviction`; without persistence a restart loses every escalation.
 */
import type { Redis } from 'ioredis';
import { readinessKeys } from './keys.js';
import { isCluster, isRedisConnectionError, type RedisClient } from './redis.js';

export interface RedisHealth {
  /** The server runs in cluster mode (`cluster_enabled:1`): it must be reached through a cluster client. */
  clusterMode?: boolean;
  version: string;
  evictionPolicy: string;
  aof: boolean;
  rdb: boolean;
}

function infoFields(text: string): Map<string, string> {
  const fields = new Map<string, string>();
  for (const line of text.split(/\r?\n/)) {
    const at = line.indexOf(':');
    if (at > 0 && !line.startsWith('#')) fields.set(line.slice(0, at), line.slice(at + 1).trim());
  }
  return fields;
}

/** Inspects the server; on a Redis Cluster every primary, reporting the weakest of each setting. */
export async function inspectRedis(redis: RedisClient): Promise<RedisHealth> {
  if (!isCluster(redis)) return inspectServer(redis);
  const all = await Promise.all(redis.nodes('master').map((node) => inspectServer(node)));
  const first = all[0];
  if (!first) throw new Error('the Redis Cluster has no primaries');
  const versions = [...all].sort((a, b) => Number.parseFloat(a.version) - Number.parseFloat(b.version));
  return {
    clusterMode: true,
    version: versions[0]?.version ?? first.version,
    evictionPolicy: all.find((h) => h.evictionPolicy !== 'noeviction')?.evictionPolicy ?? first.evictionPolicy,
    aof: all.every((h) => h.aof),
    rdb: all.every((h) => h.rdb),
  };
}

async function inspectServer(redis: Redis): Promise<RedisHealth> {
  const [server, memory, persistence, cluster] = await Promise.all([redis.info('server'), redis.info('memory'), redis.info('persistence'), redis.info('cluster')]);
  const fields = infoFields(`${server}\n${memory}\n${persistence}\n${cluster}`);
  let rdb = false;
  try {
    // `save ""` disables snapshots; managed services may refuse CONFIG, in which case trust INFO.
    const reply = (await redis.call('CONFIG', 'GET', 'save')) as unknown;
    const value = Array.isArray(reply) ? reply[1] : (reply as Record<string, string>)['save'];
    rdb = typeof value === 'string' && value.trim() !== '';
  } catch {
    rdb = fields.get('rdb_last_bgsave_status') === 'ok' && fields.get('rdb_last_save_time') !== undefined;
  }
  return {
    clusterMode: fields.get('cluster_enabled') === '1',
    version: fields.get('redis_version') ?? 'unknown',
    evictionPolicy: fields.get('maxmemory_policy') ?? 'unknown',
    aof: fields.get('aof_enabled') === '1',
    rdb,
  };
}

export interface RedisVerdict {
  errors: string[];
  warnings: string[];
}

/**
 * Judges the server: errors stop the process, warnings are logged once. `clusterClient`: the
 * connection is a Redis Cluster client (REDIS_CLUSTER_NODES).
 */
export function judgeRedis(health: RedisHealth, clusterClient = false): RedisVerdict {
  const errors: string[] = [];
  const warnings: string[] = [];
  if (health.clusterMode && !clusterClient) {
    errors.push(
      'This Redis is a Redis Cluster node: one node holds only some of the keys, and writes of the others would fail with MOVED. Unset REDIS_URL and list the cluster nodes in REDIS_CLUSTER_NODES=host:port,host:port,… instead.',
    );
  }
  if (health.evictionPolicy !== 'noeviction') {
    errors.push(
      `Redis maxmemory-policy is "${health.evictionPolicy}"; Shiftlead needs "noeviction" (BullMQ loses jobs otherwise). Run: redis-cli CONFIG SET maxmemory-policy noeviction, and set it in redis.conf.`,
    );
  }
  const major = Number.parseInt(health.version, 10);
  if (Number.isFinite(major) && major < 6) errors.push(`Redis ${health.version} is too old; Shiftlead needs Redis 6.2 or newer.`);
  if (!health.aof && !health.rdb) {
    warnings.push(
      'Redis persistence is off (no AOF, no RDB): a Redis restart loses every escalation, handoff and queued message. Turn on AOF: redis-cli CONFIG SET appendonly yes (and appendfsync everysec in redis.conf).',
    );
  }
  return { errors, warnings };
}

export type WriteCheck = { ok: true } | { ok: false; reason: string };

/**
 * Whether Redis takes writes where the store keeps its shared records: a SET with a 10 s expiry on
 * each of `readinessKeys`. A PING alone says 200 on a replica (READONLY), on a cluster node reached
 * without a cluster client (MOVED), or when memory is full (OOM). `reason` is the error's code
 * (MOVED, READONLY, OOM, CLUSTERDOWN) or `unavailable` when Redis cannot be reached in time.
 */
export async function checkWrites(redis: RedisClient, prefix: string, timeoutMs = 1_000): Promise<WriteCheck> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<WriteCheck>((done) => {
    timer = setTimeout(() => done({ ok: false, reason: 'unavailable' }), timeoutMs);
    timer.unref();
  });
  const writes = Promise.all(readinessKeys(prefix).map((key) => redis.set(key, '1', 'PX', 10_000))).then(
    (): WriteCheck => ({ ok: true }),
    (error: unknown): WriteCheck => ({ ok: false, reason: refusal(error) }),
  );
  try {
    return await Promise.race([writes, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

/** The code of a refused write (`MOVED 1234 10.0.0.2:6379` → MOVED), or `unavailable`. */
function refusal(error: unknown): string {
  if (isRedisConnectionError(error) && !/READONLY|CLUSTERDOWN/.test(String(error))) return 'unavailable';
  const code = error instanceof Error ? /^[A-Z]{3,20}\b/.exec(error.message)?.[0] : undefined;
  return code ?? 'unavailable';
}

/**
 * Redis for local use. With no REDIS_URL, Shiftlead uses redis://127.0.0.1:6379; if nothing
 * answers there and `redis-server` is installed, it starts a private one (loopback only, AOF on,
 * data under ./.data/) and stops it on exit. The test suite's global setup uses the same code.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, readFile, writeFile, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import { describeTarget, type RedisTarget } from '../config/redis-target.js';
import { redisAnswers } from './redis.js';

export const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';

export interface LocalRedis {
  url: string;
  /** Set when this process started the server; stops it. */
  stop?: () => Promise<void>;
  /** One line naming the Redis in use (password masked) and whether Shiftlead started it. */
  origin: string;
}

export class RedisUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RedisUnavailableError';
  }
}

/** A TCP port nothing listens on right now (loopback). */
export async function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? done(address.port) : fail(new Error('no port'))));
    });
  });
}

function waitForExitOrTimeout(child: ChildProcess, ms: number): Promise<void> {
  return new Promise((done) => {
    if (child.exitCode !== null || child.signalCode !== null) return done();
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      done();
    }, ms);
    child.once('exit', () => {
      clearTimeout(timer);
      done();
    });
  });
}

export interface EnsureRedisOptions {
  /** REDIS_URL when set: used as is, nothing is started. */
  url?: string | undefined;
  /** Where a private server keeps its files. */
  dataDir: string;
  /** AOF on (the app) or off (tests). */
  persistence: boolean;
  /** Where to look before starting one (default redis://127.0.0.1:6379). */
  probeUrl?: string;
}

/** A Redis URL fit for logs: any password replaced by `***`. */
export function safeRedisUrl(url: string): string {
  return url.replace(/\/\/([^:@/]*):[^@/]*@/, '//$1:***@');
}

/** A Redis Cluster or Sentinel-managed primary: never started here, only checked to answer. */
export async function reachRedis(target: Exclude<RedisTarget, { kind: 'single' }>): Promise<LocalRedis> {
  const what = describeTarget(target);
  const variable = target.kind === 'cluster' ? 'REDIS_CLUSTER_NODES' : 'REDIS_SENTINELS and REDIS_SENTINEL_NAME';
  if (!(await redisAnswers(target, 3_000))) throw new RedisUnavailableError(`Nothing answers at ${what} (${variable}): start it there, or fix ${variable}.`);
  // `url` is only a name here: connections are made from the target.
  return { url: what, origin: `Redis: ${what} (not started by Shiftlead)` };
}

/** Finds or starts Redis; throws `RedisUnavailableError` with one line saying what to do. */
export async function ensureRedis(options: EnsureRedisOptions): Promise<LocalRedis> {
  if (options.url) {
    if (!(await redisAnswers(options.url, 3_000))) {
      throw new RedisUnavailableError(`Nothing answers at ${safeRedisUrl(options.url)} (REDIS_URL): start Redis there, or fix or unset REDIS_URL.`);
    }
    return { url: options.url, origin: `Redis: ${safeRedisUrl(options.url)} (REDIS_URL; not started by Shiftlead)` };
  }
  const probe = options.probeUrl ?? DEFAULT_REDIS_URL;
  if (await redisAnswers(probe)) return { url: probe, origin: `Redis: ${probe} (already running there; not started by Shiftlead)` };

  const dataDir = resolve(options.dataDir);
  await mkdir(dataDir, { recursive: true });
  const portFile = join(dataDir, 'redis.port');
  const previous = Number.parseInt(await readFile(portFile, 'utf8').catch(() => ''), 10);
  if (previous > 0) {
    const url = `redis://127.0.0.1:${previous}`;
    if (await redisAnswers(url)) return { url, origin: `Redis: ${url}, a private redis-server an earlier Shiftlead left running (data in ${dataDir})` };
  }

  const port = await freePort();
  const args = [
    '--port', String(port),
    '--bind', '127.0.0.1',
    '--protected-mode', 'yes',
    '--dir', dataDir,
    '--maxmemory-policy', 'noeviction',
    '--save', '',
    '--appendonly', options.persistence ? 'yes' : 'no',
    '--appendfsync', 'everysec',
    '--daemonize', 'no',
    '--loglevel', 'warning',
  ];
  const child = spawn('redis-server', args, { stdio: ['ignore', 'ignore', 'pipe'] });
  const spawned = await new Promise<boolean>((done) => {
    child.once('spawn', () => done(true));
    child.once('error', () => done(false));
  });
  if (!spawned) {
    throw new RedisUnavailableError(
      `Nothing answers at ${probe} and redis-server is not installed: start Redis (e.g. "sudo apt-get install redis-server" or "docker run -p 6379:6379 redis:7") or set REDIS_URL.`,
    );
  }
  const url = `redis://127.0.0.1:${port}`;
  for (let i = 0; i < 100 && !(await redisAnswers(url, 200)); i += 1) {
    if (child.exitCode !== null) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  if (!(await redisAnswers(url))) {
    child.kill('SIGKILL');
    throw new RedisUnavailableError(`redis-server did not start on ${url} (data directory ${dataDir}); start Redis yourself or set REDIS_URL.`);
  }
  await writeFile(portFile, String(port));
  return {
    url,
    origin: `Redis: ${url}, a private redis-server started by Shiftlead (AOF ${options.persistence ? 'on' : 'off'}, data in ${dataDir}; stopped on exit)`,
    stop: async () => {
      child.kill('SIGTERM');
      await waitForExitOrTimeout(child, 5_000);
      await rm(portFile, { force: true });
    },
  };
}

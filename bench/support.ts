/**
 * What the benchmarks share: a private Redis each (never the shared one), child processes (the
 * app, baselines), Redis command counts, process CPU and memory from /proc, statistics, output.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFile, readdir } from 'node:fs/promises';
import { randomUUID } from 'node:crypto';
import type { Delivery } from '../src/chat/delivery.js';
import type { ChatPlatform, MessageRef, PacingRules } from '../src/chat/platform.js';
import type { RedisTarget } from '../src/config/redis-target.js';
import { OutboxGate } from '../src/jobs/outbox/gate.js';
import { QueueOutbox } from '../src/jobs/outbox/outbox.js';
import { createOutboxProcessor } from '../src/jobs/outbox/process.js';
import { Queues } from '../src/jobs/queues.js';
import { startWorker } from '../src/jobs/worker.js';
import { silentLogger } from '../src/log.js';
import { createMetrics } from '../src/metrics.js';
import { RedisAuditLog } from '../src/store/audit.js';
import { DeliveryLog } from '../src/store/deliveries.js';
import { connectRedis, type RedisClient } from '../src/store/redis.js';
import { startPrivateRedis } from '../test/support/private-redis.js';

export { deleteKeys } from '../test/support/scan-delete.js';

/** A redis-server of the bench's own, on a free port, no persistence; `cleanup` stops it and removes its files. */
export async function benchRedis(): Promise<{ url: string; cleanup: () => Promise<void> }> {
  return startPrivateRedis(false);
}

export function median(values: number[]): number {
  return percentile(values, 50);
}

/** The p-th percentile (nearest rank). */
export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] as number;
}

/** "median (min–max)" of a series. */
export function spread(values: number[], digits = 2): string {
  return `${median(values).toFixed(digits)} (${Math.min(...values).toFixed(digits)}–${Math.max(...values).toFixed(digits)})`;
}

export async function waitUntil(check: () => boolean, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`not done in ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

export function print(line: string): void {
  process.stdout.write(`${line}\n`);
}

/** Commands Redis executed since the last `CONFIG RESETSTAT`, by name (those run inside scripts included). */
export async function commandStats(redis: RedisClient): Promise<{ total: number; scripts: number; byCommand: Map<string, number> }> {
  const info = await redis.info('commandstats');
  const byCommand = new Map<string, number>();
  for (const m of info.matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm)) byCommand.set(m[1] as string, Number(m[2]));
  // The probe's own INFO and CONFIG RESETSTAT are not the work measured.
  byCommand.delete('info');
  byCommand.delete('config|resetstat');
  const total = [...byCommand.values()].reduce((a, b) => a + b, 0);
  const scripts = (byCommand.get('evalsha') ?? 0) + (byCommand.get('eval') ?? 0);
  return { total, scripts, byCommand };
}

/** CPU time the Redis server has used so far (user + system, all its threads), in ms. */
export async function redisCpuMs(redis: RedisClient): Promise<number> {
  const info = await redis.info('cpu');
  const get = (name: string) => Number(new RegExp(`^${name}:([\\d.]+)`, 'm').exec(info)?.[1] ?? 0);
  return (get('used_cpu_sys') + get('used_cpu_user')) * 1000;
}

/** CPU time (user + system) a process has used, in ms (Linux /proc; clock ticks of 10 ms). */
export async function cpuMs(pid: number): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // Fields 14 and 15 of /proc/<pid>/stat (utime, stime), counted from field 3 after the name.
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

/** The resident memory of a process and all its descendants, in MiB, and how many processes. */
export async function treeRss(pid: number): Promise<{ mib: number; processes: number }> {
  const parents = new Map<number, number>();
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = await readFile(`/proc/${entry}/stat`, 'utf8').catch(() => '');
    if (!stat) continue;
    parents.set(Number(entry), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
  }
  const tree = [pid];
  for (let i = 0; i < tree.length; i += 1) for (const [child, parent] of parents) if (parent === tree[i]) tree.push(child);
  let kib = 0;
  for (const p of tree) {
    const status = await readFile(`/proc/${p}/status`, 'utf8').catch(() => '');
    kib += Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  }
  return { mib: kib / 1024, processes: tree.length };
}

/**
 * Runs a command as a child process with only `env` (plus PATH and HOME), in its own process
 * group so that `stop` ends whatever it starts too (npm → sh → tsx → node). stdout is piped when
 * asked (a child that prints where it listens), else ignored.
 */
export function launch(command: string, argv: string[], env: Record<string, string>, stdout: 'pipe' | 'ignore' = 'ignore'): ChildProcess {
  return spawn(command, argv, {
    env: { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '', SHIFTLEAD_ENV_FILE: '', ...env },
    stdio: ['ignore', stdout, 'inherit'],
    detached: true,
  });
}

/** Runs a TypeScript entry point (src/main.ts, a bare app) with tsx. */
export function start(entry: string, env: Record<string, string>): ChildProcess {
  return launch(process.execPath, ['--import', 'tsx', entry], env);
}

/** Stops a child started here (SIGTERM to its group; SIGKILL after 10 s) and waits for it. */
export async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((done) => child.once('exit', done));
  const group = -(child.pid as number);
  process.kill(group, 'SIGTERM');
  const timer = setTimeout(() => process.kill(group, 'SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}

/** Waits until a server answers on /slack/events (401 to an unsigned request); returns the ms since `since`. */
export async function ready(base: string, since = performance.now()): Promise<number> {
  for (;;) {
    try {
      // Unsigned: every server answers 401 once it listens.
      const res = await fetch(`${base}/slack/events`, { method: 'POST', body: 'x' });
      await res.arrayBuffer();
      if (res.status === 401) return performance.now() - since;
    } catch {
      // not listening yet
    }
    if (performance.now() - since > 60_000) throw new Error(`${base} did not start`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

export interface ShiftleadOptions {
  port: number;
  redisUrl: string;
  prefix: string;
  slackApiUrl: string;
  signingSecret: string;
  /** Production's way, `node dist/main.js` (built first), instead of `npm start`'s tsx. */
  compiled?: boolean;
  /** More environment (SHIFTLEAD_ROLE, …). */
  env?: Record<string, string>;
}

/** The environment main.ts runs with in benches: Slack against a fake Web API, no console, quiet logs. */
export function shiftleadEnv(options: ShiftleadOptions): Record<string, string> {
  return {
    PORT: String(options.port),
    REDIS_URL: options.redisUrl,
    SHIFTLEAD_PREFIX: options.prefix,
    SHIFTLEAD_CONFIG: 'shiftlead.example.yaml',
    SHIFTLEAD_CONSOLE: 'off',
    LOG_LEVEL: 'error',
    SLACK_BOT_TOKEN: 'xoxb-1-bench',
    SLACK_SIGNING_SECRET: options.signingSecret,
    SLACK_API_URL: options.slackApiUrl,
    ...options.env,
  };
}

/** Starts main.ts (or dist/main.js) with `shiftleadEnv`. */
export function startShiftlead(options: ShiftleadOptions): ChildProcess {
  return options.compiled ? launch(process.execPath, ['dist/main.js'], shiftleadEnv(options)) : start('src/main.ts', shiftleadEnv(options));
}

/** Accepts everything at once and notes when each message arrived. */
export class NoopPlatform implements ChatPlatform {
  readonly kind = 'slack' as const;
  readonly sent = new Map<string, number>();
  private n = 0;
  constructor(readonly pacing: PacingRules) {}
  private note(message: { text: string }, conversation: string): MessageRef {
    this.sent.set(message.text, performance.now());
    return { conversation, id: String((this.n += 1)) };
  }
  async post(_t: string, conversation: string, message: { text: string }): Promise<MessageRef> {
    return this.note(message, conversation);
  }
  async update(): Promise<void> {}
  async dm(_t: string, user: string, message: { text: string }): Promise<MessageRef> {
    return this.note(message, user);
  }
  async whisper(): Promise<void> {}
  async openForm(): Promise<void> {}
}

/** Shiftlead's outbox on its own prefix: the real producer, processor and worker. */
export async function startOutbox(target: RedisTarget | string, platform: NoopPlatform, concurrency: number) {
  const prefix = `bench${randomUUID().slice(0, 8)}`;
  const [queueRedis, workerRedis] = await Promise.all([connectRedis(target, 'queue'), connectRedis(target, 'worker')]);
  const queues = new Queues(queueRedis, prefix);
  const metrics = createMetrics();
  // As app.ts: the producer reserves the slots of what it queues.
  const outbox = new QueueOutbox(queues, { gate: new OutboxGate(queueRedis, prefix), pacing: () => platform.pacing });
  const worker = startWorker(
    'outbox',
    createOutboxProcessor({
      platforms: () => platform,
      enqueue: (more) => outbox.enqueue(more),
      deliveries: new DeliveryLog(workerRedis, prefix),
      gate: new OutboxGate(workerRedis, prefix),
      queue: queues.get('outbox'),
      audit: new RedisAuditLog(workerRedis, prefix),
      metrics,
      log: silentLogger,
    }),
    { connection: workerRedis, prefix, metrics, log: silentLogger, settings: { concurrency } },
  );
  let done = 0;
  worker.on('completed', () => (done += 1));
  await worker.waitUntilReady();
  return {
    prefix,
    queueRedis,
    /** How many times deliveries were told to wait for their slot. */
    waits: async () => (await metrics.outboxPaced.get()).values.reduce((a, v) => a + v.value, 0),
    done: () => done,
    enqueue: async (batch: Delivery[]) => {
      for (let i = 0; i < batch.length; i += 500) await outbox.enqueue(batch.slice(i, i + 500));
    },
    close: async () => {
      await queues.get('outbox').obliterate({ force: true }).catch(() => undefined);
      await worker.close(true);
      await queues.close();
      queueRedis.disconnect();
      workerRedis.disconnect();
    },
  };
}

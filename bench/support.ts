/** What the benchmarks share: Redis (found or started like the app does), cleanup, statistics, output. */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureRedis, type LocalRedis } from '../src/store/local-redis.js';

export { deleteKeys } from '../test/support/scan-delete.js';

/** REDIS_URL, else 127.0.0.1:6379, else a private redis-server (stopped by the caller). */
export async function benchRedis(): Promise<LocalRedis> {
  return ensureRedis({ url: process.env['REDIS_URL'], dataDir: await mkdtemp(join(tmpdir(), 'shiftlead-bench-')), persistence: false });
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

/** Runs a TypeScript entry point (src/main.ts, a bare app) as a child process with only `env`. */
export function start(entry: string, env: Record<string, string>): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', entry], {
    env: { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '', SHIFTLEAD_ENV_FILE: '', ...env },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
}

/** Stops a child started with `start` (SIGTERM) and waits for it. */
export async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  child.kill('SIGTERM');
  await new Promise((done) => child.once('exit', done));
}

/** Waits until a server answers on /slack/events (401 to an unsigned request). */
export async function ready(base: string): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      // Unsigned: both answer 401 once they listen.
      const res = await fetch(`${base}/slack/events`, { method: 'POST', body: 'x' });
      if (res.status === 401) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`${base} did not start`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Starts `npm start`'s main.ts with Slack configured against a fake Web API, no console, quiet logs. */
export function startShiftlead(options: { port: number; redisUrl: string; prefix: string; slackApiUrl: string; signingSecret: string }): ChildProcess {
  return start('src/main.ts', {
    PORT: String(options.port),
    REDIS_URL: options.redisUrl,
    SHIFTLEAD_PREFIX: options.prefix,
    SHIFTLEAD_CONFIG: 'shiftlead.example.yaml',
    SHIFTLEAD_CONSOLE: 'off',
    LOG_LEVEL: 'error',
    SLACK_BOT_TOKEN: 'xoxb-1-bench',
    SLACK_SIGNING_SECRET: options.signingSecret,
    SLACK_API_URL: options.slackApiUrl,
  });
}

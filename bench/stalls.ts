/**
 * How Shiftlead's BullMQ lock and stalled-check settings (src/jobs/worker.ts) behave, measured on
 * real processes and a real Redis:
 *
 * 1. recovery: a worker is SIGKILLed while it runs a job; a new worker starts at once. Time from
 *    the kill (and from the new worker's start) until the job has run again.
 * 2. false stalls: a worker blocks its event loop for N ms while it runs a job (a CPU-bound step),
 *    beside a second, healthy worker. Does the job stall (taken over while it still runs)?
 *
 * Run: npx tsx bench/stalls.ts   (REDIS_URL, default redis://127.0.0.1:6379). Settings from
 * DEFAULT_WORKER_SETTINGS, or LOCK_MS / STALLED_MS to compare others (e.g. BullMQ's 30000/30000).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { Queue, QueueEvents, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { DEFAULT_WORKER_SETTINGS } from '../src/jobs/worker.js';
import { print } from './support.js';

const url = process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379';
const lockDuration = Number(process.env['LOCK_MS'] ?? DEFAULT_WORKER_SETTINGS.lockDuration);
const stalledInterval = Number(process.env['STALLED_MS'] ?? DEFAULT_WORKER_SETTINGS.stalledInterval);
const settings = { lockDuration, stalledInterval, maxStalledCount: 5 };
const connection = () => new Redis(url, { maxRetriesPerRequest: null });

async function child(): Promise<void> {
  const [, , , prefix, mode, blockMs] = process.argv;
  const worker = new Worker(
    '{bench}',
    async () => {
      process.stdout.write('active\n');
      if (mode === 'hang') await new Promise(() => undefined);
      if (mode === 'block') {
        const until = Date.now() + Number(blockMs);
        while (Date.now() < until) {
          // A CPU-bound step: the event loop does nothing else meanwhile.
        }
      }
      return process.pid;
    },
    { connection: connection(), prefix: prefix as string, concurrency: 1, ...settings },
  );
  await worker.waitUntilReady();
  process.stdout.write('ready\n');
}

function start(prefix: string, mode: string, blockMs = 0): Promise<{ child: ChildProcess; saw: (line: string) => Promise<number> }> {
  const proc = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), '--child', prefix, mode, String(blockMs)], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  const waiters: Array<() => void> = [];
  proc.stdout.on('data', (c: Buffer) => {
    out += c.toString();
    for (const w of waiters.splice(0)) w();
  });
  const saw = async (line: string) => {
    while (!out.includes(`${line}\n`)) await new Promise<void>((r) => waiters.push(r));
    return Date.now();
  };
  return saw('ready').then(() => ({ child: proc, saw }));
}

async function recovery(run: number): Promise<string> {
  const prefix = `bench-stalls-${randomUUID()}`;
  const queue = new Queue('{bench}', { connection: connection(), prefix });
  const events = new QueueEvents('{bench}', { connection: connection(), prefix });
  await events.waitUntilReady();
  const a = await start(prefix, 'hang');
  const job = await queue.add('j', {}, { attempts: 3 });
  await a.saw('active');
  // Let the lock be renewed a few times first, as for a job that has run a while.
  await new Promise((r) => setTimeout(r, lockDuration * 0.6));
  a.child.kill('SIGKILL');
  const killed = Date.now();
  const b = await start(prefix, 'run');
  const restarted = Date.now();
  await job.waitUntilFinished(events, 120_000);
  const done = Date.now();
  b.child.kill('SIGKILL');
  await queue.obliterate({ force: true });
  await Promise.all([queue.close(), events.close()]);
  return `recovery run ${run}: job ran again ${((done - killed) / 1000).toFixed(1)} s after the SIGKILL, ${((done - restarted) / 1000).toFixed(1)} s after the new worker was ready`;
}

async function falseStall(blockMs: number): Promise<string> {
  const prefix = `bench-stalls-${randomUUID()}`;
  const queue = new Queue('{bench}', { connection: connection(), prefix });
  const events = new QueueEvents('{bench}', { connection: connection(), prefix });
  await events.waitUntilReady();
  let stalled = 0;
  events.on('stalled', () => (stalled += 1));
  const blocker = await start(prefix, 'block', blockMs);
  const job = await queue.add('j', {}, { attempts: 3 });
  await blocker.saw('active');
  // The healthy worker beside it: it runs the stalled-job checks while the blocker cannot.
  let takenOver = 0;
  const healthy = new Worker('{bench}', async () => (takenOver += 1), { connection: connection(), prefix, ...settings });
  await job.waitUntilFinished(events, 120_000).catch(() => undefined);
  // One more check after the block ends, in case the lock ran out just as it finished.
  await new Promise((r) => setTimeout(r, stalledInterval * 2));
  blocker.child.kill('SIGKILL');
  await healthy.close();
  await queue.obliterate({ force: true });
  await Promise.all([queue.close(), events.close()]);
  return `event loop blocked ${(blockMs / 1000).toFixed(1)} s: ${stalled > 0 ? `FALSE STALL (stalled ${stalled}×, run again by the healthy worker ${takenOver}×)` : 'no stall'}`;
}

if (process.argv[2] === '--child') {
  await child();
} else {
  print(`lockDuration ${lockDuration} ms, stalledInterval ${stalledInterval} ms`);
  for (let run = 1; run <= 3; run += 1) print(await recovery(run));
  for (const ms of [2_000, 4_000, 6_000, 8_000, 12_000]) print(await falseStall(ms));
  process.exit(0);
}

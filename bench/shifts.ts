/**
 * Shift reminders at scale: 10,000 people, each on their own shift, all with reminders due in the
 * same minute. Measures, on a private redis-server started here:
 *
 * - replanning after a config reload: the schedule engine's reconcile of 10,000 occurrences (all
 *   new; then all moved) beside raw BullMQ `addBulk` of 10,000 delayed jobs (and remove + add);
 * - lateness of the reminder DMs entering the outbox (p50/p99 after the reminder's time) beside
 *   raw BullMQ delayed jobs of the same count due at one moment (their processing lateness).
 *
 *   npm run bench:shifts [-- --people 10000]
 */
import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import { Queue, Worker } from 'bullmq';
import { startApp } from '../src/app.js';
import { parseEnv } from '../src/config/env.js';
import { parseTeamConfig } from '../src/config/team-config.js';
import { silentLogger } from '../src/log.js';
import { connectRedis } from '../src/store/redis.js';
import { RedisTenantDirectory } from '../src/store/tenants.js';
import { benchRedis, deleteKeys, NoopPlatform, percentile, print, waitUntil } from './support.js';

const { values: args } = parseArgs({ options: { people: { type: 'string', default: '10000' } } });
const PEOPLE = Number(args.people);
/** The reminders' moment: Monday 2027-03-01 05:00 UTC (06:00 shifts in Lisbon, 60 minutes ahead). */
const DUE = Date.parse('2027-03-01T05:00:00Z');


const ZONES = ['Europe/Lisbon', 'Europe/Berlin', 'America/New_York', 'Asia/Kolkata', 'Asia/Kathmandu', 'Australia/Sydney', 'America/St_Johns', 'Pacific/Chatham'];

/**
 * 10,000 people, one shift each. `same`: every shift starts at `start` in Lisbon (one shift
 * change). `spread`: each starts at its own minute and zone (10,000 distinct moments a day).
 */
function roster(start: string, layout: 'same' | 'spread' = 'same', shiftMinutes = 0): string {
  const people: string[] = [];
  const shifts: string[] = [];
  for (let i = 0; i < PEOPLE; i += 1) {
    const zone = layout === 'same' ? 'Europe/Lisbon' : (ZONES[i % ZONES.length] as string);
    const minute = (Math.floor(i / ZONES.length) + shiftMinutes) % 1440;
    const at = layout === 'same' ? start : `${String(Math.floor(minute / 60)).padStart(2, '0')}:${String(minute % 60).padStart(2, '0')}`;
    const end = at === '23:59' ? '07:00' : '23:59';
    people.push(`  - { id: p${i}, name: Person ${i}, slack: U${String(i).padStart(8, '0')}, timezone: ${zone}, role: agent }`);
    shifts.push(`  - { id: s${i}, name: Shift ${i}, department: support, start: "${at}", end: "${layout === 'same' ? '14:00' : end}", timezone: ${zone}, days: [mon, tue, wed, thu, fri], people: [p${i}] }`);
  }
  return `organization: { name: Bench, timezone: Europe/Lisbon }
people:
  - { id: boss, name: Boss, slack: UBOSS0001, timezone: Europe/Lisbon, role: manager }
${people.join('\n')}
departments:
  - { id: support, name: Support, channels: { slack: C0SUPPORT }, managers: [boss] }
severities:
  - { id: P1, label: Critical, acknowledgeWithin: 15m, resolveWithin: 4h }
shifts:
${shifts.join('\n')}
reminders: { beforeShift: 60m, eveningBefore: off }
handoffs: { promptBefore: off, acknowledgeWithin: 15m }
`;
}

async function rawReconcile(url: string, count: number): Promise<{ add: number; move: number }> {
  const prefix = `bench${randomUUID().slice(0, 8)}`;
  const redis = await connectRedis(url, 'queue');
  const queue = new Queue('{raw-sched}', { connection: redis, prefix });
  const jobs = Array.from({ length: count }, (_, i) => ({ name: 'shift.reminder', data: { kind: 'shift.reminder', item: `s${i}`, date: '2027-03-01', at: new Date(DUE).toISOString(), data: { lead: 3_600_000 } }, opts: { jobId: `v1-shift.reminder-s${i}-20270301`, delay: 3_600_000 } }));
  const t0 = performance.now();
  for (let i = 0; i < jobs.length; i += 1000) await queue.addBulk(jobs.slice(i, i + 1000));
  const add = (performance.now() - t0) / 1000;
  const t1 = performance.now();
  await Promise.all(jobs.map((j) => queue.remove(j.opts.jobId)));
  for (let i = 0; i < jobs.length; i += 1000) await queue.addBulk(jobs.slice(i, i + 1000).map((j) => ({ ...j, opts: { ...j.opts, delay: 3_660_000 } })));
  const move = (performance.now() - t1) / 1000;
  await queue.close();
  await deleteKeys(redis, [`${prefix}:*`]);
  redis.disconnect();
  return { add, move };
}

/** The other extreme: 10,000 distinct moments (each shift its own minute and zone). */
async function spreadReconcile(url: string, raw: { add: number; move: number }): Promise<void> {
  const spread = parseTeamConfig(roster('', 'spread'));
  const shifted = parseTeamConfig(roster('', 'spread', 7));
  const prefix = `bench${randomUUID().slice(0, 8)}`;
  const began = Date.now();
  const clock = { now: () => new Date(Date.parse('2027-03-01T00:00:00Z') + (Date.now() - began)) };
  const web = await startApp({ env: parseEnv({}), config: spread, redisUrl: url, log: silentLogger, role: 'web', prefix, port: 0, clock });
  const t0 = performance.now();
  const planned = await web.schedules.reconcile();
  const add = (performance.now() - t0) / 1000;
  const t1 = performance.now();
  await web.reload(shifted);
  const move = (performance.now() - t1) / 1000;
  const perJob = (seconds: number, jobs: number) => (seconds / jobs) * PEOPLE;
  print(`${PEOPLE} distinct moments (48 h ahead: ${planned.added} jobs): planned in ${add.toFixed(2)} s = ${perJob(add, planned.added).toFixed(2)} s per ${PEOPLE} jobs; raw BullMQ ${raw.add.toFixed(2)} s per ${PEOPLE}; ratio ${(perJob(add, planned.added) / raw.add).toFixed(2)}`);
  print(`  after a reload that moves them all: ${move.toFixed(2)} s = ${perJob(move, planned.added).toFixed(2)} s per ${PEOPLE}; raw BullMQ remove + addBulk ${raw.move.toFixed(2)} s; ratio ${(perJob(move, planned.added) / raw.move).toFixed(2)}`);
  const cleaner = await connectRedis(url, 'store');
  await web.close();
  await deleteKeys(cleaner, [`${prefix}:*`, `${prefix}-bull:*`]);
  cleaner.disconnect();
}

async function rawLateness(url: string): Promise<number[]> {
  const prefix = `bench${randomUUID().slice(0, 8)}`;
  const [queueRedis, workerRedis] = await Promise.all([connectRedis(url, 'queue'), connectRedis(url, 'worker')]);
  const queue = new Queue('{raw-late}', { connection: queueRedis, prefix });
  const late: number[] = [];
  const worker = new Worker('{raw-late}', async (job) => void late.push(Date.now() - (job.data as { due: number }).due), { connection: workerRedis, prefix, concurrency: 16 });
  await worker.waitUntilReady();
  const due = Date.now() + 5_000;
  for (let i = 0; i < PEOPLE; i += 1000) {
    await queue.addBulk(Array.from({ length: Math.min(1000, PEOPLE - i) }, (_, j) => ({ name: 'tick', data: { due }, opts: { jobId: `raw-${i + j}`, delay: due - Date.now() } })));
  }
  await waitUntil(() => late.length >= PEOPLE, 300_000);
  await worker.close();
  await queue.close();
  await deleteKeys(queueRedis, [`${prefix}:*`]);
  queueRedis.disconnect();
  workerRedis.disconnect();
  return late;
}

// As in main.ts: a Redis command that times out under load somewhere unawaited is logged, not fatal.
process.on('unhandledRejection', (reason) => print(`(unhandled: ${reason instanceof Error ? reason.message : String(reason)})`));

const redis = await benchRedis();
try {
  print(`Shift reminders: ${PEOPLE} people on ${PEOPLE} shifts, reminders due in the same minute; private Redis ${redis.url}`);
  const parsed = performance.now();
  const config = parseTeamConfig(roster('06:00'));
  const moved = parseTeamConfig(roster('06:01'));
  print(`config: parsed and validated 2 × ${PEOPLE} people and shifts in ${((performance.now() - parsed) / 1000).toFixed(2)} s`);

  const prefix = `bench${randomUUID().slice(0, 8)}`;
  // The app's clock: 90 s before the reminders are due, running at real speed.
  const offset = DUE - 90_000 - Date.now();
  const clock = { now: () => new Date(Date.now() + offset) };
  const store = await connectRedis(redis.url, 'store');
  await new RedisTenantDirectory(store, prefix).seen('slack', 'slack-TBENCH');
  const web = await startApp({ env: parseEnv({}), config, redisUrl: redis.url, log: silentLogger, role: 'web', prefix, port: 0, clock });
  const t0 = performance.now();
  const planned = await web.schedules.reconcile();
  const add = (performance.now() - t0) / 1000;
  await web.reload(moved);
  const t1 = performance.now();
  await web.reload(config);
  const move = (performance.now() - t1) / 1000;
  // The same number of delayed jobs, the same payloads, straight into BullMQ.
  const raw = await rawReconcile(redis.url, PEOPLE);
  print(`one shift change (all ${PEOPLE} start together): planning ${PEOPLE} schedules made ${planned.added} jobs in ${add.toFixed(2)} s; raw BullMQ addBulk of ${PEOPLE} delayed jobs ${raw.add.toFixed(2)} s; ratio ${(add / raw.add).toFixed(2)}`);
  print(`  after a reload that moves them all: ${move.toFixed(2)} s; raw BullMQ remove + addBulk ${raw.move.toFixed(2)} s; ratio ${(move / raw.move).toFixed(2)}`);
  await spreadReconcile(redis.url, raw);

  // Workers start; the reminders fire at DUE (app time) and enter the outbox.
  const worker = await startApp({ env: parseEnv({}), config, redisUrl: redis.url, log: silentLogger, role: 'worker', prefix, port: 0, clock, extraPlatforms: [new NoopPlatform({ conversation: [], tenant: [] })] });
  const outbox = worker.queues.get('outbox');
  const rssBefore = process.memoryUsage().rss;
  await waitUntil(() => clock.now().getTime() > DUE, 120_000);
  let count = 0;
  const poll = async () => {
    for (;;) {
      const counts = await outbox.getJobCounts('waiting', 'active', 'delayed', 'completed', 'failed');
      count = Object.values(counts).reduce((a, b) => a + b, 0);
      if (count >= PEOPLE) return;
      await new Promise((r) => setTimeout(r, 200));
    }
  };
  await poll();
  const jobs = await outbox.getJobs(['waiting', 'active', 'delayed', 'completed', 'failed'], 0, PEOPLE + 10);
  const lateness = jobs.map((j) => j.timestamp + offset - DUE);
  const rawLate = await rawLateness(redis.url);
  print(`reminder DMs entering the outbox after their time: p50 ${percentile(lateness, 50)} ms, p99 ${percentile(lateness, 99)} ms (n=${lateness.length})`);
  print(`raw BullMQ delayed jobs due at one moment, processed: p50 ${percentile(rawLate, 50)} ms, p99 ${percentile(rawLate, 99)} ms (n=${rawLate.length})`);
  print(`RSS ${(process.memoryUsage().rss / 2 ** 20).toFixed(0)} MiB (was ${(rssBefore / 2 ** 20).toFixed(0)} MiB before firing)`);
  await worker.close();
  await web.close();
  store.disconnect();
} finally {
  await redis.cleanup();
}

/**
 * 10,000 channel briefings due in the same minute: how long Shiftlead takes to compute, render and
 * enqueue all of them — the real schedule engine and `schedules` worker (concurrency 16) firing
 * each occurrence, each briefing's numbers, charts and "needs attention" computed, its message
 * rendered as Block Kit and as an Adaptive Card, and its delivery queued on the outbox — beside
 * raw BullMQ addBulk of 10,000 jobs of the same deliveries in the same run, on a private
 * redis-server started by the bench. Prints the peak RSS.
 *
 *   npm run bench:briefings [-- --briefings 10000 --rounds 1]
 *
 * The npm script runs it with a 192 MB V8 heap (--max-old-space-size=192), as a worker would be
 * run in a container with 300 MB: without a cap V8 lets garbage pile up to several hundred MB
 * before collecting (`npx tsx bench/briefings.ts` shows that), which is not memory in use.
 *
 * Goal (issue 8): all enqueued in ≤ 10 s on a 2-core machine, RSS ≤ 300 MB.
 */
import { parseArgs } from 'node:util';
import { Queue } from 'bullmq';
import type { Delivery } from '../src/chat/delivery.js';
import { parseEnv } from '../src/config/env.js';
import { parseTeamConfig } from '../src/config/team-config.js';
import type { TeamConfig } from '../src/config/team-config-schema.js';
import { TEAM, type MetricPoint } from '../src/core/metrics/model.js';
import { Reach } from '../src/core/reach.js';
import { addDays } from '../src/core/schedule/local-time.js';
import { Settings } from '../src/core/settings.js';
import { Queues } from '../src/jobs/queues.js';
import { configStamp, ScheduleEngine } from '../src/jobs/schedules.js';
import { startWorker } from '../src/jobs/worker.js';
import { silentLogger } from '../src/log.js';
import { createMetrics } from '../src/metrics.js';
import { buildModules } from '../src/modules.js';
import { renderMessage } from '../src/platforms/slack/blocks.js';
import { renderCard } from '../src/platforms/teams/cards.js';
import { RedisEscalationStore } from '../src/store/escalations.js';
import { RedisMetricStore } from '../src/store/metrics.js';
import { RedisTenantDirectory } from '../src/store/tenants.js';
import { connectRedis } from '../src/store/redis.js';
import { EXAMPLE_YAML } from '../test/support/configs.js';
import { draft } from '../test/support/records.js';
import { benchRedis, deleteKeys, median, print } from './support.js';

const { values: args } = parseArgs({ options: { briefings: { type: 'string', default: '10000' }, rounds: { type: 'string', default: '1' } } });
const COUNT = Number(args.briefings);
const ROUNDS = Number(args.rounds);
const TENANT = 'slack-TBENCH';

let peakRss = 0;
let runPeak = 0;
const sampler = setInterval(() => {
  const rss = process.memoryUsage().rss;
  peakRss = Math.max(peakRss, rss);
  runPeak = Math.max(runPeak, rss);
}, 50);

/** The example team with COUNT briefings at one minute, each to its own channel; a third per department. */
function config(at: Date): TeamConfig {
  const base = parseTeamConfig(EXAMPLE_YAML);
  const hhmm = `${String(at.getUTCHours()).padStart(2, '0')}:${String(at.getUTCMinutes()).padStart(2, '0')}`;
  const scopes = [undefined, ['support'], ['billing']];
  const briefings = Array.from({ length: COUNT }, (_, i) => ({
    id: `b${i}`,
    channels: { slack: `C${String(i).padStart(8, '0')}` },
    at: hhmm,
    timezone: 'UTC',
    days: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as TeamConfig['briefings'][number]['days'],
    lateWithin: 2 * 3600_000,
    ...(scopes[i % 3] ? { departments: scopes[i % 3] } : {}),
  }));
  return { ...base, briefings };
}

async function round(url: string): Promise<{ seconds: number; raw: number; rss: number }> {
  const prefix = `bench${Math.random().toString(36).slice(2, 8)}`;
  const [redis, queueRedis, workerRedis] = await Promise.all([connectRedis(url, 'store'), connectRedis(url, 'queue'), connectRedis(url, 'worker')]);
  const due = new Date(Math.ceil(Date.now() / 60_000) * 60_000 + 60_000);
  let offset = -3 * 86_400_000;
  const clock = { now: () => new Date(Date.now() + offset) };
  const settings = new Settings(config(due));
  const queues = new Queues(queueRedis, prefix);
  const metrics = createMetrics();
  // Where the channels are, as the app finds them: the workspace Shiftlead has seen, read from Redis.
  const tenants = new RedisTenantDirectory(redis, prefix);
  await tenants.seen('slack', TENANT);
  const reach = new Reach({ settings, tenants, platforms: () => ['slack'] });
  const { features } = buildModules({ redis, prefix, queues, clock, settings, reach, log: silentLogger, env: parseEnv({}), metrics, platforms: () => undefined, pacing: () => undefined, replan: async () => undefined, reloadConfig: async () => ({ ok: false, problems: ['the bench reloads nothing'] }) });
  const engine = new ScheduleEngine({ queues, redis, prefix, features, clock, metrics, log: silentLogger, stamp: () => configStamp({ bench: prefix }, 1) });

  // Fourteen days of numbers for the team and each department, and 300 open escalations.
  const today = due.toISOString().slice(0, 10);
  const points: MetricPoint[] = [];
  for (const department of [TEAM, 'support', 'billing']) {
    for (let i = 1; i <= 14; i += 1) {
      const date = addDays(today, -i);
      points.push({ metric: 'csat', date, value: 4 + (i % 7) / 10, count: 80, department, source: 'survey' }, { metric: 'firstResponseMinutes', date, value: 20 + i, department, source: 'helpdesk' }, { metric: 'backlog', date, value: 30 + i, department, source: 'helpdesk' });
    }
  }
  await new RedisMetricStore(redis, prefix).put(points);
  const escalations = new RedisEscalationStore(redis, prefix);
  for (let i = 0; i < 300; i += 1) {
    await escalations.create(TENANT, draft({ tenant: TENANT, department: i % 2 ? 'support' : 'billing', summary: `Escalation ${i}` }, new Date(due.getTime() - (i + 1) * 600_000)), { actor: 'bench', at: new Date().toISOString(), type: 'escalation.created', subject: '' });
  }

  // Plan every occurrence half a second ahead (delayed jobs; BullMQ's delays are real time), wait
  // until they are all due, and only then start the worker: the clock starts with all 10,000 due.
  offset = due.getTime() - 500 - Date.now();
  await engine.reconcile();
  await new Promise((r) => setTimeout(r, 1_000));
  const outbox = queues.get('outbox');
  // Each delivery is rendered for Slack and Teams too (the outbox renders at delivery; counted here).
  const render = (d: Delivery) => {
    renderMessage(d.message);
    renderCard(d.message);
  };
  const original = queues.addBulk.bind(queues);
  queues.addBulk = (async (name, jobs) => {
    if (name === 'outbox') for (const j of jobs) render(j.data as Delivery);
    return original(name, jobs);
  }) as typeof queues.addBulk;
  if (global.gc) global.gc();
  peakRss = process.memoryUsage().rss;
  const started = performance.now();
  const worker = startWorker('schedules', (p) => engine.process(p), { connection: workerRedis, prefix, metrics, log: silentLogger, settings: { concurrency: 16 } });
  for (;;) {
    const counts = await outbox.getJobCounts('waiting', 'delayed', 'prioritized');
    if ((counts['waiting'] ?? 0) + (counts['delayed'] ?? 0) + (counts['prioritized'] ?? 0) >= COUNT) break;
    await new Promise((r) => setTimeout(r, 25));
  }
  const seconds = (performance.now() - started) / 1000;
  const rss = peakRss;
  peakRss = 0;
  await worker.close();

  // The baseline: the same 10,000 deliveries (read back, a thousand at a time) added to a bare BullMQ queue with addBulk.
  const raw = new Queue('{raw}', { connection: queueRedis, prefix: `${prefix}-raw` });
  let rawSeconds = 0;
  for (let i = 0; i < COUNT; i += 1000) {
    const batch = (await outbox.getJobs(['waiting', 'prioritized', 'delayed'], i, i + 999)).map((j) => ({ name: j.name, data: j.data as Delivery, opts: { jobId: `raw-${j.id}` } }));
    const t = performance.now();
    await raw.addBulk(batch);
    rawSeconds += (performance.now() - t) / 1000;
  }
  await raw.close();

  await queues.close();
  await deleteKeys(redis, [`${prefix}:*`, `${prefix}-bull:*`, `${prefix}-raw:*`]);
  redis.disconnect();
  queueRedis.disconnect();
  workerRedis.disconnect();
  return { seconds, raw: rawSeconds, rss };
}

// A private redis-server (nothing else on it), started and stopped by the bench.
const redis = await benchRedis();
try {
  print(`Briefings: ${COUNT.toLocaleString('en-US')} channel briefings due in the same minute, ${ROUNDS} round(s), private Redis ${redis.url}`);
  const results: Array<{ seconds: number; raw: number; rss: number }> = [];
  for (let i = 1; i <= ROUNDS; i += 1) {
    results.push(await round(redis.url));
    const r = results.at(-1) as { seconds: number; raw: number; rss: number };
    print(`round ${i}: computed, rendered and enqueued in ${r.seconds.toFixed(2)} s; raw BullMQ addBulk of the same ${COUNT} jobs ${r.raw.toFixed(2)} s (ratio ${(r.seconds / r.raw).toFixed(1)})`);
  }
  const seconds = median(results.map((r) => r.seconds));
  const raw = median(results.map((r) => r.raw));
  print(`median: briefings ${seconds.toFixed(2)} s (goal ≤ 10 s), raw addBulk ${raw.toFixed(2)} s, ratio ${(seconds / raw).toFixed(1)}; peak RSS while briefing ${(Math.max(...results.map((r) => r.rss)) / 1024 / 1024).toFixed(0)} MB (goal ≤ 300 MB), over the whole run (planning, the baseline) ${(runPeak / 1024 / 1024).toFixed(0)} MB`);
} finally {
  clearInterval(sampler);
  await redis.cleanup();
}

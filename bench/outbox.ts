/**
 * The outbox, measured on a private Redis against baselines taken in the same run:
 *
 * 1. Throughput to a platform that does nothing (pacing buckets so large they never hold a
 *    delivery back, but are still reserved): Shiftlead's outbox against raw BullMQ add + process
 *    of the same payloads, same concurrency. The two sides alternate which goes first each round;
 *    each round's ratio is printed, then the median and spread. Redis commands per delivery too.
 * 2. Backlog: `--backlog` deliveries queued at once for one workspace and one channel, at a
 *    configured channel rate: the delivered rate against it, and Redis commands per delivered
 *    message against the same deliveries unqueued (one channel each, nothing waits).
 * 3. Priority: one escalation card (interactive) during a `--burst` bulk burst (a pulse by DM to
 *    that many people, and a briefing backlog in the card's own channel) at Slack's real limits:
 *    the card's delay, beside one pacing slot of its channel and beside the same card sent as
 *    bulk (its reserved send time).
 *
 *   npm run bench:outbox [-- --jobs 5000 --concurrency 16 --rounds 4 --backlog 4000 --rate 100
 *                           --burst 10000 --only throughput,backlog,priority]
 */
import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import { Queue, Worker } from 'bullmq';
import type { RedisClient } from '../src/store/redis.js';
import type { Delivery } from '../src/chat/delivery.js';
import type { PacingRules } from '../src/chat/platform.js';
import { SLACK_PACING } from '../src/platforms/rate-limits.js';
import { tenantKeys } from '../src/store/keys.js';
import { connectRedis } from '../src/store/redis.js';
import { benchRedis, NoopPlatform, startOutbox, commandStats, median, print, redisCpuMs, spread, waitUntil } from './support.js';

const { values: args } = parseArgs({
  options: {
    jobs: { type: 'string', default: '5000' },
    concurrency: { type: 'string', default: '16' },
    rounds: { type: 'string', default: '4' },
    backlog: { type: 'string', default: '4000' },
    rate: { type: 'string', default: '100' },
    burst: { type: 'string', default: '10000' },
    only: { type: 'string', default: 'throughput,backlog,priority' },
  },
});
const JOBS = Number(args.jobs);
const CONCURRENCY = Number(args.concurrency);
const ROUNDS = Number(args.rounds);
const ONLY = new Set(args.only.split(','));
const TENANT = 'slack-TBENCH';
const UNLIMITED: PacingRules = { conversation: [{ capacity: 1e9, perSecond: 1e9 }], tenant: [{ capacity: 1e9, perSecond: 1e9 }] };


function deliveries(run: string, count: number, conversation: (i: number) => string, priority?: 'bulk'): Delivery[] {
  return Array.from({ length: count }, (_, i) => ({
    key: `${run}-d${i}`,
    tenant: TENANT,
    platform: 'slack',
    target: { kind: 'conversation', conversation: conversation(i) },
    message: { text: `${run}-d${i}`, blocks: [{ type: 'section', text: `Delivery ${i}: **ESC-${i}** is waiting for someone to acknowledge it.` }] },
    ...(priority ? { priority } : {}),
  }));
}

/** Per delivery: messages/s, Redis commands (scripts' included), scripts, Redis and Node CPU (µs). */
interface Round {
  rate: number;
  commands: number;
  scripts: number;
  redisUs: number;
  nodeUs: number;
}

/** This process's CPU time so far (producer and worker both run here), in µs. */
const nodeCpu = () => {
  const { user, system } = process.cpuUsage();
  return user + system;
};

async function outboxRound(url: string, probe: RedisClient): Promise<Round> {
  const outbox = await startOutbox(url, new NoopPlatform(UNLIMITED), CONCURRENCY);
  // 200 channels, so that the measure is the outbox's own work, not one channel's pace.
  const batch = deliveries(outbox.prefix, JOBS, (i) => `C${String(i % 200).padStart(6, '0')}`);
  await probe.config('RESETSTAT');
  const cpu = await redisCpuMs(probe);
  const node = nodeCpu();
  const started = performance.now();
  await outbox.enqueue(batch);
  await waitUntil(() => outbox.done() >= JOBS);
  const seconds = (performance.now() - started) / 1000;
  const redisUs = ((await redisCpuMs(probe)) - cpu) * 1000 / JOBS;
  const nodeUs = (nodeCpu() - node) / JOBS;
  const stats = await commandStats(probe);
  await outbox.close();
  return { rate: JOBS / seconds, commands: stats.total / JOBS, scripts: stats.scripts / JOBS, redisUs, nodeUs };
}

async function rawRound(url: string, probe: RedisClient): Promise<Round> {
  const prefix = `bench${randomUUID().slice(0, 8)}`;
  const [queueRedis, workerRedis] = await Promise.all([connectRedis(url, 'queue'), connectRedis(url, 'worker')]);
  const queue = new Queue('{raw}', { connection: queueRedis, prefix });
  let done = 0;
  const worker = new Worker('{raw}', async () => undefined, { connection: workerRedis, prefix, concurrency: CONCURRENCY });
  worker.on('completed', () => (done += 1));
  await worker.waitUntilReady();
  const batch = deliveries(prefix, JOBS, (i) => `C${String(i % 200).padStart(6, '0')}`);
  await probe.config('RESETSTAT');
  const cpu = await redisCpuMs(probe);
  const node = nodeCpu();
  const started = performance.now();
  for (let i = 0; i < batch.length; i += 500) {
    await queue.addBulk(batch.slice(i, i + 500).map((d) => ({ name: d.target.kind, data: d, opts: { jobId: d.key, removeOnComplete: { age: 86_400, count: 50_000 } } })));
  }
  await waitUntil(() => done >= JOBS);
  const seconds = (performance.now() - started) / 1000;
  const redisUs = ((await redisCpuMs(probe)) - cpu) * 1000 / JOBS;
  const nodeUs = (nodeCpu() - node) / JOBS;
  const stats = await commandStats(probe);
  await queue.obliterate({ force: true }).catch(() => undefined);
  await worker.close();
  await queue.close();
  queueRedis.disconnect();
  workerRedis.disconnect();
  return { rate: JOBS / seconds, commands: stats.total / JOBS, scripts: stats.scripts / JOBS, redisUs, nodeUs };
}

async function throughput(url: string, probe: RedisClient): Promise<void> {
  print(`\n## Throughput: ${JOBS} deliveries per round to a no-op platform, concurrency ${CONCURRENCY}, ${ROUNDS} rounds (+1 warm-up), order alternating`);
  await rawRound(url, probe);
  await outboxRound(url, probe);
  const ratios: number[] = [];
  const raw: Round[] = [];
  const ours: Round[] = [];
  for (let round = 1; round <= ROUNDS; round += 1) {
    const rawFirst = round % 2 === 1;
    const first = rawFirst ? await rawRound(url, probe) : await outboxRound(url, probe);
    const second = rawFirst ? await outboxRound(url, probe) : await rawRound(url, probe);
    const [r, o] = rawFirst ? [first, second] : [second, first];
    raw.push(r);
    ours.push(o);
    ratios.push(o.rate / r.rate);
    print(`round ${round} (${rawFirst ? 'raw first' : 'outbox first'}): raw BullMQ ${r.rate.toFixed(0)}/s, outbox ${o.rate.toFixed(0)}/s, ratio ${(o.rate / r.rate).toFixed(2)}`);
  }
  print(`ratio outbox/raw, median (min–max): ${spread(ratios)}`);
  print(`rate: raw BullMQ ${spread(raw.map((r) => r.rate), 0)}/s, outbox ${spread(ours.map((r) => r.rate), 0)}/s`);
  const per = (rs: Round[]) => `${median(rs.map((r) => r.commands)).toFixed(1)} commands, ${median(rs.map((r) => r.scripts)).toFixed(2)} scripts, CPU µs Redis ${median(rs.map((r) => r.redisUs)).toFixed(0)} + Node ${median(rs.map((r) => r.nodeUs)).toFixed(0)}`;
  print(`Redis per delivery: raw BullMQ ${per(raw)}; outbox ${per(ours)}`);
}

/** Delivers `batch` and returns the delivered rate (first to last arrival) and Redis work per message. */
async function drain(url: string, probe: RedisClient, platform: NoopPlatform, batch: (run: string) => Delivery[]) {
  const outbox = await startOutbox(url, platform, CONCURRENCY);
  const all = batch(outbox.prefix);
  await probe.config('RESETSTAT');
  await outbox.enqueue(all);
  await waitUntil(() => outbox.done() >= all.length, 600_000);
  const stats = await commandStats(probe);
  const waits = (await outbox.waits()) / all.length;
  await outbox.close();
  const times = [...platform.sent.values()].sort((a, b) => a - b);
  let busiest = 0;
  for (let i = 0, j = 0; i < times.length; i += 1) {
    while ((times[i] as number) - (times[j] as number) >= 1000) j += 1;
    busiest = Math.max(busiest, i - j + 1);
  }
  const span = ((times.at(-1) ?? 0) - (times[0] ?? 0)) / 1000;
  return { rate: (times.length - 1) / span, span, busiest, waits, commands: stats.total / all.length, scripts: stats.scripts / all.length, byCommand: stats.byCommand };
}

async function backlog(url: string, probe: RedisClient): Promise<void> {
  const count = Number(args.backlog);
  const rate = Number(args.rate);
  // Slack's shape (a burst of 3, then the channel rate; a workspace bucket 1.5× the channel's),
  // sped up so that the backlog drains in seconds.
  const pacing: PacingRules = { conversation: [{ capacity: 3, perSecond: rate }], tenant: [{ capacity: 20, perSecond: rate * 1.5 }] };
  print(`\n## Backlog: ${count} deliveries queued at once for one workspace and one channel, configured channel rate ${rate}/s (burst 3), workspace ${rate * 1.5}/s`);
  const queued = await drain(url, probe, new NoopPlatform(pacing), (run) => deliveries(run, count, () => 'C0BRIEFING'));
  const unqueued = await drain(url, probe, new NoopPlatform({ conversation: pacing.conversation, tenant: UNLIMITED.tenant }), (run) => deliveries(run, count, (i) => `C${i}`));
  print(`delivered ${queued.rate.toFixed(1)}/s over ${queued.span.toFixed(1)} s against the configured ${rate}/s (ratio ${(queued.rate / rate).toFixed(3)}); busiest second: ${queued.busiest} (allowed ${rate + 3})`);
  print(`Redis per delivered message: queued ${queued.commands.toFixed(1)} commands, ${queued.scripts.toFixed(2)} scripts, ${queued.waits.toFixed(2)} waits; unqueued (one channel each, nothing waits) ${unqueued.commands.toFixed(1)} commands, ${unqueued.scripts.toFixed(2)} scripts; ratio ${(queued.commands / unqueued.commands).toFixed(2)}`);
  const top = [...queued.byCommand].sort((a, b) => b[1] - a[1]).slice(0, 8);
  print(`  queued, top commands per message: ${top.map(([name, calls]) => `${name} ${(calls / count).toFixed(1)}`).join(', ')}`);
}

async function priority(url: string, probe: RedisClient): Promise<void> {
  const burst = Number(args.burst);
  const briefings = 20;
  print(`\n## Priority: one escalation card during a bulk burst of ${burst} (${burst - briefings} DMs to as many people, ${briefings} briefings in the card's channel), Slack's limits (channel 1/s burst 3, workspace 1.5/s burst 20)`);
  const platform = new NoopPlatform(SLACK_PACING);
  const outbox = await startOutbox(url, platform, CONCURRENCY);
  const run = outbox.prefix;
  const pulse = deliveries(`${run}-pulse`, burst - briefings, (i) => `U${String(i).padStart(8, '0')}`, 'bulk').map((d) => ({ ...d, target: { kind: 'dm' as const, user: (d.target as { conversation: string }).conversation } }));
  const brief = deliveries(`${run}-brief`, briefings, () => 'C0SUPPORT', 'bulk');
  await probe.config('RESETSTAT');
  const burstStarted = performance.now();
  await outbox.enqueue([...brief, ...pulse]);
  // The card arrives while the burst is still being reserved.
  await new Promise((r) => setTimeout(r, 1_000));
  const card: Delivery = { ...deliveries(`${run}-card`, 1, () => 'C0SUPPORT')[0] as Delivery };
  // The same card as bulk, in a quiet channel so that only the workspace's line holds it back.
  const asBulk: Delivery = { ...deliveries(`${run}-probe`, 1, () => 'C0QUIET', 'bulk')[0] as Delivery };
  const cardQueued = performance.now();
  await outbox.enqueue([card, asBulk]);
  await waitUntil(() => platform.sent.has(card.message.text), 60_000);
  const delay = (platform.sent.get(card.message.text) as number) - cardQueued;
  // Where the same card, sent as bulk, was reserved: wait until its reservation exists.
  const k = tenantKeys(run, TENANT);
  let reserved: number | undefined;
  for (let i = 0; i < 200 && reserved === undefined; i += 1) {
    const [inChannel, inTenant, time] = await Promise.all([
      outbox.queueRedis.zscore(k.paceConversationBulk('C0QUIET'), asBulk.key),
      outbox.queueRedis.zscore(k.paceTenantBulk, asBulk.key),
      outbox.queueRedis.time(),
    ]);
    const score = inTenant ?? inChannel;
    if (score !== null) reserved = Number(score) - (Number(time[0]) * 1000 + Math.floor(Number(time[1]) / 1000));
    else await new Promise((r) => setTimeout(r, 50));
  }
  const reservedBursts = platform.sent.size;
  print(`burst queued in ${((cardQueued - burstStarted) / 1000).toFixed(1)} s before the card; ${reservedBursts} bulk messages delivered by the time the card went`);
  print(`card delay: ${delay.toFixed(0)} ms from enqueue to the platform call; one pacing slot: channel 1000 ms, workspace 667 ms`);
  print(`the same card as bulk (in a quiet channel): reserved ${reserved === undefined ? '(not yet reserved)' : `${(reserved / 1000).toFixed(0)} s`} ahead (${reserved === undefined ? '' : `${(reserved / 3_600_000).toFixed(2)} h`})`);
  await outbox.close();
}

const redis = await benchRedis();
const probe = await connectRedis(redis.url, 'worker', { name: 'bench-probe' });
try {
  print(`Outbox benchmarks on a private redis-server (${redis.url}); Node ${process.version}`);
  if (ONLY.has('throughput')) await throughput(redis.url, probe);
  if (ONLY.has('backlog')) await backlog(redis.url, probe);
  if (ONLY.has('priority')) await priority(redis.url, probe);
} finally {
  probe.disconnect();
  await redis.cleanup();
}

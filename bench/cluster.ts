/**
 * The outbox on a 3-primary Redis Cluster beside one redis-server, in the same run, each beside
 * raw BullMQ (add + a no-op processor of the same payloads, same concurrency) on the same Redis.
 * Everything runs on private servers started here from redis-server (no persistence). Per round
 * the four measures run in a rotating order; the medians, spreads and ratios are printed. Beside
 * the rate, the CPU each delivery cost — this process (producer and worker) and Redis (every
 * server of the cluster summed, from INFO cpu) — which a busy machine disturbs far less.
 *
 * The outbox is built as bench/outbox.ts builds it: the real producer (QueueOutbox, which reserves
 * pacing slots), processor and worker, to a platform that does nothing with pacing so large it
 * never holds a delivery back. Deliveries go to `--tenants` workspaces (their records and pacing
 * keys sit in as many slots) and 200 channels.
 *
 *   npm run bench:cluster [-- --jobs 2000 --concurrency 16 --rounds 5 --tenants 4]
 */
import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import { Queue, Worker } from 'bullmq';
import type { Delivery } from '../src/chat/delivery.js';
import type { PacingRules } from '../src/chat/platform.js';
import type { RedisTarget } from '../src/config/redis-target.js';
import { connectRedis, type RedisClient } from '../src/store/redis.js';
import { startPrivateCluster } from '../test/support/redis-topologies.js';
import { benchRedis, median, NoopPlatform, print, redisCpuMs, spread, startOutbox, waitUntil } from './support.js';

const { values: args } = parseArgs({
  options: {
    jobs: { type: 'string', default: '2000' },
    concurrency: { type: 'string', default: '16' },
    rounds: { type: 'string', default: '5' },
    tenants: { type: 'string', default: '4' },
  },
});
const JOBS = Number(args.jobs);
const CONCURRENCY = Number(args.concurrency);
const ROUNDS = Number(args.rounds);
const TENANTS = Number(args.tenants);
const UNLIMITED: PacingRules = { conversation: [{ capacity: 1e9, perSecond: 1e9 }], tenant: [{ capacity: 1e9, perSecond: 1e9 }] };

function deliveries(run: string): Delivery[] {
  return Array.from({ length: JOBS }, (_, i) => ({
    key: `${run}-d${i}`,
    tenant: `slack-TBENCH${i % TENANTS}`,
    platform: 'slack',
    target: { kind: 'conversation', conversation: `C${String(i % 200).padStart(6, '0')}` },
    message: { text: `${run}-d${i}`, blocks: [{ type: 'section', text: `Delivery ${i}: **ESC-${i}** is waiting for someone to acknowledge it.` }] },
  }));
}

/** A measure: deliveries per second (enqueue to last completion), CPU µs per delivery. */
interface Result {
  rate: number;
  nodeUs: number;
  redisUs: number;
}

const nodeCpuUs = () => {
  const { user, system } = process.cpuUsage();
  return user + system;
};

/** Times `work` (which delivers JOBS), with this process's and the servers' CPU. */
async function measure(probes: RedisClient[], work: () => Promise<void>): Promise<Result> {
  const redisCpu = async () => (await Promise.all(probes.map((p) => redisCpuMs(p)))).reduce((a, b) => a + b, 0);
  const [redisBefore, nodeBefore, started] = [await redisCpu(), nodeCpuUs(), performance.now()];
  await work();
  const seconds = (performance.now() - started) / 1000;
  return { rate: JOBS / seconds, nodeUs: (nodeCpuUs() - nodeBefore) / JOBS, redisUs: ((await redisCpu()) - redisBefore) * 1000 / JOBS };
}

/** Shiftlead's outbox on its own prefix. */
async function outboxRound(target: RedisTarget | string, probes: RedisClient[]): Promise<Result> {
  const outbox = await startOutbox(target, new NoopPlatform(UNLIMITED), CONCURRENCY);
  const batch = deliveries(outbox.prefix);
  const result = await measure(probes, async () => {
    await outbox.enqueue(batch);
    await waitUntil(() => outbox.done() >= JOBS, 300_000);
  });
  await outbox.close();
  return result;
}

/** Raw BullMQ: the same payloads added in bulk and processed by a no-op, same concurrency. */
async function rawRound(target: RedisTarget | string, probes: RedisClient[]): Promise<Result> {
  const prefix = `bench${randomUUID().slice(0, 8)}`;
  const [queueRedis, workerRedis] = await Promise.all([connectRedis(target, 'queue'), connectRedis(target, 'worker')]);
  // A hash tag in the queue name: all of a queue's keys in one slot, as Shiftlead's queues.
  const queue = new Queue('{raw}', { connection: queueRedis, prefix });
  let done = 0;
  const worker = new Worker('{raw}', async () => undefined, { connection: workerRedis, prefix, concurrency: CONCURRENCY });
  worker.on('completed', () => (done += 1));
  await worker.waitUntilReady();
  const batch = deliveries(prefix);
  const result = await measure(probes, async () => {
    for (let i = 0; i < batch.length; i += 500) {
      await queue.addBulk(batch.slice(i, i + 500).map((d) => ({ name: d.target.kind, data: d, opts: { jobId: d.key, removeOnComplete: { age: 86_400, count: 50_000 } } })));
    }
    await waitUntil(() => done >= JOBS, 300_000);
  });
  await queue.obliterate({ force: true }).catch(() => undefined);
  await worker.close();
  await queue.close();
  queueRedis.disconnect();
  workerRedis.disconnect();
  return result;
}

type Measure = 'single raw' | 'single outbox' | 'cluster raw' | 'cluster outbox';
const MEASURES: Measure[] = ['single raw', 'single outbox', 'cluster raw', 'cluster outbox'];

const single = await benchRedis();
const cluster = await startPrivateCluster(3).catch(async (error: unknown) => {
  await single.cleanup();
  throw error;
});
const probes = {
  single: [await connectRedis(single.url, 'worker', { name: 'bench-probe' })],
  cluster: await Promise.all(cluster.nodes.map((n) => connectRedis(`redis://${n.host}:${n.port}`, 'worker', { name: 'bench-probe' }))),
};
try {
  const run = (m: Measure) => {
    const where = m.startsWith('single') ? 'single' : 'cluster';
    return (m.endsWith('raw') ? rawRound : outboxRound)(where === 'single' ? single.url : cluster.target, probes[where]);
  };
  print(`Outbox throughput on a 3-primary Redis Cluster beside one redis-server (private, no persistence); Node ${process.version}`);
  print(`${JOBS} deliveries per measure to a no-op platform, ${TENANTS} workspaces, 200 channels, concurrency ${CONCURRENCY}; ${ROUNDS} rounds (+1 warm-up), order rotating`);
  for (const m of MEASURES) await run(m);
  const results = new Map<Measure, Result[]>(MEASURES.map((m) => [m, []]));
  const ratios = { singleOverhead: [] as number[], clusterOverhead: [] as number[], outboxOnCluster: [] as number[], rawOnCluster: [] as number[] };
  for (let round = 1; round <= ROUNDS; round += 1) {
    const order = MEASURES.map((_, i) => MEASURES[(i + round - 1) % MEASURES.length] as Measure);
    const got = new Map<Measure, Result>();
    for (const m of order) got.set(m, await run(m));
    for (const [m, r] of got) results.get(m)?.push(r);
    const [sr, so, cr, co] = MEASURES.map((m) => (got.get(m) as Result).rate) as [number, number, number, number];
    ratios.singleOverhead.push(so / sr);
    ratios.clusterOverhead.push(co / cr);
    ratios.outboxOnCluster.push(co / so);
    ratios.rawOnCluster.push(cr / sr);
    print(`round ${round} (${order.join(' → ')}): ${MEASURES.map((m) => `${m} ${(got.get(m) as Result).rate.toFixed(0)}/s`).join(', ')}`);
  }
  const of = (m: Measure, f: (r: Result) => number) => (results.get(m) as Result[]).map(f);
  print('\nper measure, median (min–max): deliveries/s; CPU µs per delivery in this process (producer + worker) and in Redis (all servers)');
  for (const m of MEASURES) print(`  ${m.padEnd(15)} ${spread(of(m, (r) => r.rate), 0)}/s; Node ${spread(of(m, (r) => r.nodeUs), 0)} µs; Redis ${spread(of(m, (r) => r.redisUs), 0)} µs`);
  const cpu = (m: Measure) => median(of(m, (r) => r.nodeUs + r.redisUs));
  print('throughput ratios, median (min–max) of each round\'s ratio:');
  print(`  outbox / raw BullMQ, one server:  ${spread(ratios.singleOverhead)}`);
  print(`  outbox / raw BullMQ, cluster:     ${spread(ratios.clusterOverhead)}`);
  print(`  cluster / one server, outbox:     ${spread(ratios.outboxOnCluster)}`);
  print(`  cluster / one server, raw BullMQ: ${spread(ratios.rawOnCluster)}`);
  print('CPU per delivery (Node + Redis, medians), ratios:');
  print(`  outbox / raw BullMQ: one server ${(cpu('single outbox') / cpu('single raw')).toFixed(2)}, cluster ${(cpu('cluster outbox') / cpu('cluster raw')).toFixed(2)}`);
  print(`  cluster / one server: outbox ${(cpu('cluster outbox') / cpu('single outbox')).toFixed(2)}, raw BullMQ ${(cpu('cluster raw') / cpu('single raw')).toFixed(2)}`);
} finally {
  for (const p of [...probes.single, ...probes.cluster]) p.disconnect();
  await cluster.stop();
  await single.cleanup();
}

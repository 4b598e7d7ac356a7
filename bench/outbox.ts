/**
 * Outbox throughput: deliveries per second through Shiftlead's outbox (payload validation, the
 * delivery log's idempotency check, Redis token-bucket pacing, the sent marker) to a platform that
 * does nothing, against raw BullMQ add + process of the same payloads in the same run, on the same
 * Redis, with the same concurrency.
 *
 *   npm run bench:outbox [-- --jobs 5000 --concurrency 16 --rounds 3]
 *
 * Prints each round and the median ratio outbox / raw (1.0 would be "no overhead").
 */
import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import { Queue, Worker } from 'bullmq';
import type { Delivery } from '../src/chat/delivery.js';
import type { ChatPlatform, MessageRef } from '../src/chat/platform.js';
import { createOutboxProcessor } from '../src/jobs/outbox/process.js';
import { QueueOutbox } from '../src/jobs/outbox/outbox.js';
import { Pacer } from '../src/jobs/outbox/pacer.js';
import { Queues } from '../src/jobs/queues.js';
import { startWorker } from '../src/jobs/worker.js';
import { silentLogger } from '../src/log.js';
import { createMetrics } from '../src/metrics.js';
import { RedisAuditLog } from '../src/store/audit.js';
import { DeliveryLog } from '../src/store/deliveries.js';
import { connectRedis } from '../src/store/redis.js';
import { benchRedis, deleteKeys, median, print, waitUntil } from './support.js';

const { values: args } = parseArgs({
  options: { jobs: { type: 'string', default: '5000' }, concurrency: { type: 'string', default: '16' }, rounds: { type: 'string', default: '3' } },
});
const JOBS = Number(args.jobs);
const CONCURRENCY = Number(args.concurrency);
const ROUNDS = Number(args.rounds);

/** Accepts everything at once; pacing buckets so large they never hold a delivery back, but are still taken. */
class NoopPlatform implements ChatPlatform {
  readonly kind = 'slack' as const;
  readonly pacing = { conversation: [{ capacity: 1e9, perSecond: 1e9 }], tenant: [{ capacity: 1e9, perSecond: 1e9 }] };
  private n = 0;
  async post(_t: string, conversation: string): Promise<MessageRef> {
    return { conversation, id: String((this.n += 1)) };
  }
  async update(): Promise<void> {}
  async dm(_t: string, user: string): Promise<MessageRef> {
    return { conversation: user, id: String((this.n += 1)) };
  }
  async whisper(): Promise<void> {}
  async openForm(): Promise<void> {}
}

function deliveries(run: string): Delivery[] {
  return Array.from({ length: JOBS }, (_, i) => ({
    key: `${run}-d${i}`,
    tenant: 'slack-TBENCH',
    platform: 'slack',
    // 200 channels, so that the measure is the outbox's own work, not one channel's pace.
    target: { kind: 'conversation', conversation: `C${String(i % 200).padStart(6, '0')}` },
    message: { text: `Delivery ${i}`, blocks: [{ type: 'section', text: `Delivery ${i}: **ESC-${i}** is waiting for someone to acknowledge it.` }] },
  }));
}

async function outboxRound(url: string): Promise<number> {
  const prefix = `bench${randomUUID().slice(0, 8)}`;
  const [queueRedis, workerRedis] = await Promise.all([connectRedis(url, 'queue'), connectRedis(url, 'worker')]);
  const queues = new Queues(queueRedis, prefix);
  const metrics = createMetrics();
  const outbox = new QueueOutbox(queues);
  let done = 0;
  const worker = startWorker(
    'outbox',
    createOutboxProcessor({
      platforms: () => new NoopPlatform(),
      enqueue: (more) => outbox.enqueue(more),
      deliveries: new DeliveryLog(workerRedis, prefix),
      pacer: new Pacer(workerRedis),
      audit: new RedisAuditLog(workerRedis, prefix),
      metrics,
      log: silentLogger,
      prefix,
    }),
    { connection: workerRedis, prefix, metrics, log: silentLogger, settings: { concurrency: CONCURRENCY } },
  );
  worker.on('completed', () => (done += 1));
  await worker.waitUntilReady();
  const batch = deliveries(prefix);
  const started = performance.now();
  for (let i = 0; i < batch.length; i += 500) await outbox.enqueue(batch.slice(i, i + 500));
  await waitUntil(() => done >= JOBS);
  const seconds = (performance.now() - started) / 1000;
  await worker.close();
  await queues.close();
  await deleteKeys(queueRedis, [`${prefix}:*`, `${prefix}-bull:*`]);
  queueRedis.disconnect();
  workerRedis.disconnect();
  return JOBS / seconds;
}

async function rawRound(url: string): Promise<number> {
  const prefix = `bench${randomUUID().slice(0, 8)}`;
  const [queueRedis, workerRedis] = await Promise.all([connectRedis(url, 'queue'), connectRedis(url, 'worker')]);
  const queue = new Queue('{raw}', { connection: queueRedis, prefix });
  let done = 0;
  const worker = new Worker('{raw}', async () => undefined, { connection: workerRedis, prefix, concurrency: CONCURRENCY });
  worker.on('completed', () => (done += 1));
  await worker.waitUntilReady();
  const batch = deliveries(prefix);
  const started = performance.now();
  for (let i = 0; i < batch.length; i += 500) {
    await queue.addBulk(batch.slice(i, i + 500).map((d) => ({ name: d.target.kind, data: d, opts: { jobId: d.key, removeOnComplete: { age: 86_400, count: 50_000 } } })));
  }
  await waitUntil(() => done >= JOBS);
  const seconds = (performance.now() - started) / 1000;
  await worker.close();
  await queue.close();
  await deleteKeys(queueRedis, [`${prefix}:*`]);
  queueRedis.disconnect();
  workerRedis.disconnect();
  return JOBS / seconds;
}

const redis = await benchRedis();
try {
  print(`Outbox vs raw BullMQ: ${JOBS} deliveries per round, concurrency ${CONCURRENCY}, ${ROUNDS} rounds, Redis ${redis.url}`);
  // One warm-up of each (script loading, JIT), not counted.
  await rawRound(redis.url);
  await outboxRound(redis.url);
  const raw: number[] = [];
  const outbox: number[] = [];
  for (let round = 1; round <= ROUNDS; round += 1) {
    raw.push(await rawRound(redis.url));
    outbox.push(await outboxRound(redis.url));
    print(`round ${round}: raw BullMQ ${raw.at(-1)?.toFixed(0)}/s, outbox ${outbox.at(-1)?.toFixed(0)}/s`);
  }
  const ratio = median(outbox) / median(raw);
  print(`median: raw BullMQ add+process ${median(raw).toFixed(0)}/s, outbox ${median(outbox).toFixed(0)}/s, ratio outbox/raw ${ratio.toFixed(2)}`);
} finally {
  await redis.stop?.();
}

/**
 * The worker runner: one BullMQ `Worker` per queue with Shiftlead's settings, payload validation,
 * metrics and logs. Processors receive a parsed payload and never see an invalid one (checked here,
 * or by the producer for `VALIDATED_BY_PRODUCER` queues).
 */
import { DelayedError, UnrecoverableError, Worker, type Job } from 'bullmq';
import type { RedisClient } from '../store/redis.js';
import type { Logger } from '../log.js';
import type { Metrics } from '../metrics.js';
import { queuePrefix } from '../store/keys.js';
import { bullName, QUEUES, VALIDATED_BY_PRODUCER, type Payload, type QueueName } from './registry.js';

export type Processor<N extends QueueName> = (data: Payload<N>, job: Job, token: string | undefined) => Promise<unknown>;

export interface WorkerSettings {
  concurrency: number;
  /** How long a job's lock lasts before another worker may take it over (BullMQ default 30 s; see below). */
  lockDuration: number;
  /** How often stalled jobs are looked for (BullMQ default 30 s; see below). */
  stalledInterval: number;
  /** How many stalls a job survives (BullMQ's default of 1 fails it on the second SIGKILL). */
  maxStalledCount: number;
}

/**
 * How fast a dead worker's jobs come back. BullMQ renews a job's lock every lockDuration / 2; a
 * stalled check (every stalledInterval, in every live worker) marks the active jobs, and the next
 * check moves those whose lock is gone back to waiting. So a job of a SIGKILLed worker runs again
 * at most about lockDuration + stalledInterval after the kill (≈ 15 s here; BullMQ's defaults, 30 s
 * and 30 s, took 62–92 s in the fault run of issue 12). bench/stalls.ts measured 10.6–12.9 s from
 * the SIGKILL, 5–10 s from a new worker's start.
 *
 * The price: a worker whose event loop is blocked for longer than the lock has left (at worst
 * lockDuration / 2 = 5 s, when the block starts just before a renewal) misses a renewal, and its
 * job is taken over while it still runs — a false stall. bench/stalls.ts: blocks of 2–8 s did not
 * stall, 12 s did. The outbox survives one: the second attempt's outcome is "unknown", and on Slack
 * it looks for the first attempt's post by its tag instead of posting again
 * (src/jobs/outbox/lookup.ts). maxStalledCount 5 keeps a job that stalls now and then from failing
 * for good.
 */
export const DEFAULT_WORKER_SETTINGS: WorkerSettings = {
  concurrency: 8,
  lockDuration: 10_000,
  stalledInterval: 5_000,
  maxStalledCount: 5,
};

export interface WorkerDeps {
  connection: RedisClient;
  prefix: string;
  metrics: Metrics;
  log: Logger;
  settings?: Partial<WorkerSettings>;
  /** Takes Redis connection errors (told once per outage); other errors are logged here. */
  outage?: { failed(error: unknown): boolean };
}

export function startWorker<N extends QueueName>(name: N, processor: Processor<N>, deps: WorkerDeps): Worker {
  const settings = { ...DEFAULT_WORKER_SETTINGS, ...deps.settings };
  const log = deps.log.child({ queue: name });
  const trusted = VALIDATED_BY_PRODUCER.has(name);
  const parse = (data: unknown): Payload<N> => {
    const parsed = QUEUES[name].safeParse(data);
    if (!parsed.success) {
      throw new UnrecoverableError(`invalid ${name} payload: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
    }
    return parsed.data as Payload<N>;
  };
  const worker = new Worker(
    bullName(name),
    async (job: Job, token?: string) => {
      if (!trusted) return processor(parse(job.data), job, token);
      try {
        return await processor(job.data as Payload<N>, job, token);
      } catch (error) {
        // A payload that did not come through the producer (added by hand): say so, once,
        // instead of retrying whatever it broke. Checked only here, off the path of every job.
        if (error instanceof DelayedError || error instanceof UnrecoverableError) throw error;
        parse(job.data);
        throw error;
      }
    },
    {
      connection: deps.connection,
      prefix: queuePrefix(deps.prefix),
      concurrency: settings.concurrency,
      lockDuration: settings.lockDuration,
      stalledInterval: settings.stalledInterval,
      maxStalledCount: settings.maxStalledCount,
    },
  );
  worker.on('completed', () => deps.metrics.jobsCompleted.inc({ queue: name }));
  const outage = (error: unknown) => deps.outage?.failed(error) === true;
  worker.on('failed', (job, error) => {
    if (job?.finishedOn) {
      deps.metrics.jobsFailed.inc({ queue: name });
      log.error({ jobId: job.id, err: error, attempts: job.attemptsMade }, 'job failed for good');
    } else {
      deps.metrics.jobsRetried.inc({ queue: name });
      if (!outage(error)) log.warn({ jobId: job?.id, err: error, attempts: job?.attemptsMade }, 'job attempt failed; will retry');
    }
  });
  worker.on('stalled', (jobId) => log.warn({ jobId }, 'job stalled (its worker died or blocked); another attempt will run'));
  worker.on('error', (error) => {
    if (!outage(error)) log.error({ err: error }, 'worker error');
  });
  return worker;
}

/** Producers: one BullMQ `Queue` per registry entry, payloads validated before they are added. */
import { Queue, type JobsOptions } from 'bullmq';
import type { RedisClient } from '../store/redis.js';
import { queuePrefix } from '../store/keys.js';
import { bullName, JOB_DEFAULTS, QUEUES, type Payload, type QueueName } from './registry.js';

export class Queues {
  private readonly open = new Map<QueueName, Queue>();

  constructor(
    private readonly connection: RedisClient,
    private readonly prefix: string,
  ) {}

  /** The BullMQ queue for a name (created on first use, sharing one connection). */
  get(name: QueueName): Queue {
    let queue = this.open.get(name);
    if (!queue) {
      queue = new Queue(bullName(name), {
        connection: this.connection,
        prefix: queuePrefix(this.prefix),
        defaultJobOptions: JOB_DEFAULTS[name],
        skipWaitingForReady: true,
      });
      queue.on('error', () => undefined);
      this.open.set(name, queue);
    }
    return queue;
  }

  /** Validates and adds a job; a job id that exists already is ignored by BullMQ. */
  async add<N extends QueueName>(name: N, jobName: string, data: Payload<N>, options: JobsOptions = {}): Promise<void> {
    const payload = QUEUES[name].parse(data);
    await this.get(name).add(jobName, payload, options);
  }

  /** Validates a payload (throws zod's error, naming every problem). */
  parse<N extends QueueName>(name: N, data: unknown): Payload<N> {
    return QUEUES[name].parse(data) as Payload<N>;
  }

  /** Validates and adds many jobs in one round trip. */
  async addBulk<N extends QueueName>(name: N, jobs: Array<{ name: string; data: Payload<N>; opts?: JobsOptions }>): Promise<void> {
    await this.addParsed(name, jobs.map((j) => ({ ...j, data: this.parse(name, j.data) })));
  }

  /** Adds many jobs whose payloads `parse` accepted, in one round trip. */
  async addParsed<N extends QueueName>(name: N, jobs: Array<{ name: string; data: Payload<N>; opts?: JobsOptions }>): Promise<void> {
    if (jobs.length === 0) return;
    await this.get(name).addBulk(jobs.map((j) => ({ name: j.name, data: j.data, opts: j.opts ?? {} })));
  }

  async close(): Promise<void> {
    await Promise.all([...this.open.values()].map((q) => q.close()));
    this.open.clear();
  }
}

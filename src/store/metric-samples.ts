/**
 * The `MetricsSink` of the listening features (poll CSAT, escalation ratings) in Redis: one hash,
 * sample id → sample, so recording an id again replaces it. This is the adapter to swap for the
 * metrics feature's store (issue 8) once it is on main: `modules.ts` wires it in one place.
 */
import type { Redis } from 'ioredis';
import type { MetricSample, MetricsSink } from '../core/polls/metrics-sink.js';
import { globalKeys } from './keys.js';

export class RedisListeningSamples implements MetricsSink {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  async record(sample: MetricSample): Promise<void> {
    await this.redis.hset(globalKeys(this.prefix).listeningSamples, sample.id, JSON.stringify(sample));
  }

  /** Every sample recorded, oldest date first. */
  async list(): Promise<MetricSample[]> {
    const all = await this.redis.hvals(globalKeys(this.prefix).listeningSamples);
    return all.map((json) => JSON.parse(json) as MetricSample).sort((a, b) => a.date.localeCompare(b.date) || a.id.localeCompare(b.id));
  }
}

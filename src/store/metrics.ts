/**
 * Metric values in Redis: one hash per department (or the whole team) and local date, a field per
 * metric and source. Every key carries the `{metrics}` hash tag, so a batch is one MULTI (or one
 * Lua script) in one Redis Cluster slot: written whole or not at all.
 */
import type { ChainableCommander } from 'ioredis';
import type { RedisClient } from './redis.js';
import type { MetricPoint } from '../core/metrics/model.js';
import type { MetricStore, StoredPoint } from '../core/metrics/ports.js';
import { metricsKeys } from './keys.js';
import { Script } from './script.js';

interface Stored {
  v: number;
  n?: number;
  at: string;
}

const REPLACE_SOURCE = new Script(`
-- KEYS: the day hashes of one date (one per department)
-- ARGV[1] "|<source>" (the field suffix of the source)  ARGV[2..] triples: key index, field, value JSON
-- Deletes every field of the source in those hashes, then writes the new ones.
local suffix = ARGV[1]
for _, key in ipairs(KEYS) do
  for _, field in ipairs(redis.call('HKEYS', key)) do
    if string.sub(field, -string.len(suffix)) == suffix then redis.call('HDEL', key, field) end
  end
end
for i = 2, #ARGV, 3 do
  redis.call('HSET', KEYS[tonumber(ARGV[i])], ARGV[i + 1], ARGV[i + 2])
end
return 1
`);

export class RedisMetricStore implements MetricStore {
  private readonly keys;

  constructor(
    private readonly redis: RedisClient,
    prefix: string,
    private readonly now: () => Date = () => new Date(),
  ) {
    this.keys = metricsKeys(prefix);
  }

  private json(p: MetricPoint, at: string): string {
    const stored: Stored = { v: p.value, ...(p.count !== undefined ? { n: p.count } : {}), at };
    return JSON.stringify(stored);
  }

  /** Adds the writes of `points` to a transaction (for adapters that write metrics with their own state). */
  queuePut(tx: ChainableCommander, points: readonly MetricPoint[]): void {
    const at = this.now().toISOString();
    for (const p of points) tx.hset(this.keys.day(p.department, p.date), `${p.metric}|${p.source}`, this.json(p, at));
  }

  /** Adds the removal of one value to a transaction. */
  queueDelete(tx: ChainableCommander, p: Pick<MetricPoint, 'metric' | 'date' | 'department' | 'source'>): void {
    tx.hdel(this.keys.day(p.department, p.date), `${p.metric}|${p.source}`);
  }

  async put(points: MetricPoint[]): Promise<number> {
    if (points.length === 0) return 0;
    const tx = this.redis.multi();
    this.queuePut(tx, points);
    const results = await tx.exec();
    const failed = results?.find(([error]) => error);
    if (!results || failed) throw failed?.[0] ?? new Error('the metric batch was not written');
    return points.length;
  }

  async replaceSource(source: string, date: string, departments: readonly string[], points: MetricPoint[]): Promise<void> {
    const keys = departments.map((d) => this.keys.day(d, date));
    const at = this.now().toISOString();
    const args: Array<string | number> = [`|${source}`];
    for (const p of points) {
      const index = departments.indexOf(p.department);
      if (index < 0 || p.date !== date || p.source !== source) throw new Error(`point ${p.metric}/${p.department}/${p.date}/${p.source} is outside the replaced set`);
      args.push(index + 1, `${p.metric}|${p.source}`, this.json(p, at));
    }
    await REPLACE_SOURCE.run(this.redis, keys, args);
  }

  /** Claims a named lease for `ms`: true for the one caller that gets it. */
  async claim(name: string, ms: number): Promise<boolean> {
    return (await this.redis.set(this.keys.lease(name), '1', 'PX', ms, 'NX')) === 'OK';
  }

  async read(departments: readonly string[], dates: readonly string[]): Promise<StoredPoint[]> {
    const pairs = departments.flatMap((department) => dates.map((date) => ({ department, date })));
    if (pairs.length === 0) return [];
    const pipeline = this.redis.pipeline();
    for (const { department, date } of pairs) pipeline.hgetall(this.keys.day(department, date));
    const results = (await pipeline.exec()) ?? [];
    const out: StoredPoint[] = [];
    results.forEach(([error, hash], i) => {
      if (error) throw error;
      const { department, date } = pairs[i] as { department: string; date: string };
      for (const [field, json] of Object.entries(hash as Record<string, string>)) {
        const bar = field.lastIndexOf('|');
        const stored = JSON.parse(json) as Stored;
        out.push({ metric: field.slice(0, bar), source: field.slice(bar + 1), department, date, value: stored.v, ...(stored.n !== undefined ? { count: stored.n } : {}), at: stored.at });
      }
    });
    return out;
  }
}

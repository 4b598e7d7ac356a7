/**
 * Connector state and facts in Redis, under the `{metrics}` hash tag with the metric values, so
 * that a step's facts, the daily values they change and the connector's new state are one MULTI.
 * Only the step holding the source's lock writes, so reading before the MULTI is safe.
 */
import { randomUUID } from 'node:crypto';
import type { RedisClient } from './redis.js';
import type { Aggregate, ConnectorStore, Fact, SavedConnector, StepResult } from '../core/metrics/connector.js';
import { TEAM, type MetricPoint } from '../core/metrics/model.js';
import { mean, median, weightedMean } from '../core/metrics/stats.js';
import { metricsKeys } from './keys.js';
import type { RedisMetricStore } from './metrics.js';

/** Facts are kept this long (a year of history, plus the weeks a report looks back). */
const FACT_TTL_SECONDS = 400 * 24 * 3600;
const RELEASE = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`;

interface Where {
  date: string;
  department: string;
}

const round = (x: number) => Math.round(x * 10_000) / 10_000;

export class RedisConnectorStore implements ConnectorStore {
  private readonly keys;

  constructor(
    private readonly redis: RedisClient,
    prefix: string,
    private readonly metrics: RedisMetricStore,
  ) {
    this.keys = metricsKeys(prefix);
  }

  async load(source: string): Promise<SavedConnector | undefined> {
    const json = await this.redis.get(this.keys.connector(source));
    return json ? (JSON.parse(json) as SavedConnector) : undefined;
  }

  async lock(source: string, ms: number): Promise<(() => Promise<void>) | undefined> {
    const key = this.keys.connectorLock(source);
    const token = randomUUID();
    if ((await this.redis.set(key, token, 'PX', ms, 'NX')) !== 'OK') return undefined;
    return async () => void (await this.redis.eval(RELEASE, 1, key, token));
  }

  async save(source: string, saved: SavedConnector): Promise<void> {
    await this.redis.set(this.keys.connector(source), JSON.stringify(saved));
  }

  async apply(source: string, aggregates: readonly Aggregate[], step: Pick<StepResult, 'facts' | 'points'>, saved?: SavedConnector): Promise<void> {
    // The last word on a (set, id) wins within a step.
    const facts = [...new Map(step.facts.map((f) => [`${f.set}\u0000${f.id}`, f])).values()];
    const factKey = (f: Fact) => this.keys.fact(source, f.set, f.id);
    const before = facts.length > 0 ? await this.redis.mget(...facts.map(factKey)) : [];

    // The (set, department, date) hashes this step changes, and how.
    const hashKey = (set: string, w: Where) => `${set}\u0000${w.department}\u0000${w.date}`;
    const changes = new Map<string, { set: string; where: Where; remove: Set<string>; put: Map<string, string> }>();
    const change = (set: string, where: Where) => {
      const k = hashKey(set, where);
      let c = changes.get(k);
      if (!c) changes.set(k, (c = { set, where, remove: new Set(), put: new Map() }));
      return c;
    };
    facts.forEach((f, i) => {
      const old = before[i] ? (JSON.parse(before[i] as string) as Where) : undefined;
      const now = f.date === null ? undefined : { date: f.date, department: f.department ?? TEAM };
      if (old && (!now || old.date !== now.date || old.department !== now.department)) change(f.set, old).remove.add(f.id);
      // A weighted fact is kept as "value:weight".
      if (now) change(f.set, now).put.set(f.id, f.weight !== undefined ? `${f.value}:${f.weight}` : String(f.value));
    });

    const list = [...changes.values()];
    const pipeline = this.redis.pipeline();
    for (const c of list) pipeline.hgetall(this.keys.facts(source, c.set, c.where.department, c.where.date));
    const current = list.length > 0 ? ((await pipeline.exec()) ?? []) : [];

    const tx = this.redis.multi();
    for (const f of facts) {
      if (f.date === null) tx.del(factKey(f));
      else tx.set(factKey(f), JSON.stringify({ date: f.date, department: f.department ?? TEAM } satisfies Where), 'EX', FACT_TTL_SECONDS);
    }
    const values: MetricPoint[] = [];
    list.forEach((c, i) => {
      const [error, raw] = current[i] ?? [null, {}];
      if (error) throw error;
      const hash = new Map(Object.entries(raw as Record<string, string>));
      for (const id of c.remove) hash.delete(id);
      for (const [id, v] of c.put) hash.set(id, v);
      const key = this.keys.facts(source, c.set, c.where.department, c.where.date);
      if (c.remove.size > 0) tx.hdel(key, ...c.remove);
      if (c.put.size > 0) tx.hset(key, Object.fromEntries(c.put));
      tx.expire(key, FACT_TTL_SECONDS);
      const aggregate = aggregates.find((a) => a.set === c.set);
      if (!aggregate) return;
      const facts = [...hash.values()].map((v) => {
        const [value, weight] = v.split(':');
        return { value: Number(value), count: weight === undefined ? 1 : Number(weight) };
      });
      const numbers = facts.map((f) => f.value);
      const value = aggregate.how === 'median' ? median(numbers) : aggregate.how === 'weighted' ? weightedMean(facts) : mean(numbers);
      const point = { metric: aggregate.metric, date: c.where.date, department: c.where.department, source };
      if (value === undefined) this.metrics.queueDelete(tx, point);
      else values.push({ ...point, value: round(value), count: facts.reduce((n, f) => n + f.count, 0) });
    });
    this.metrics.queuePut(tx, [...values, ...step.points]);
    if (saved) tx.set(this.keys.connector(source), JSON.stringify(saved));
    const results = await tx.exec();
    const failed = results?.find(([error]) => error);
    if (!results || failed) throw failed?.[0] ?? new Error(`${source}: the step was not saved`);
  }
}

/**
 * The listening features' metric samples (a poll's CSAT, the rating of a resolved escalation) as
 * facts of the metric store: kept by sample id (recorded again, it replaces itself), counted for
 * the whole team and for their department, each day's CSAT the average weighted by responses.
 */
export class FactMetricsSink {
  constructor(private readonly store: RedisConnectorStore) {}

  async record(sample: { id: string; metric: string; date: string; value: number; count: number; department?: string; source: string }): Promise<void> {
    const aggregates: Aggregate[] = [{ set: sample.metric, metric: sample.metric, how: 'weighted' }];
    const base = { set: sample.metric, date: sample.date, value: sample.value, weight: sample.count };
    const facts: Fact[] = [{ ...base, id: sample.id }, ...(sample.department ? [{ ...base, id: `${sample.id}#department`, department: sample.department }] : [])];
    // Samples come from any worker: one writer at a time per source, as the aggregates are read before they are written.
    for (let attempt = 0; ; attempt += 1) {
      const release = await this.store.lock(`sample-${sample.source}`, 10_000);
      if (release) {
        try {
          return await this.store.apply(sample.source, aggregates, { facts, points: [] });
        } finally {
          await release();
        }
      }
      if (attempt >= 100) throw new Error(`could not record the ${sample.source} sample ${sample.id}: its source stayed busy`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}

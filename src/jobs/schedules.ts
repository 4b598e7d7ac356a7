/**
 * The schedule engine: every occurrence of every feature's schedule kinds becomes one delayed job
 * on the `schedules` queue, with the occurrence's deterministic id (kind, item, local date), so a
 * restart, a second replica or a reconcile pass never doubles it.
 *
 * Reconcile (at start, after a reload, and every few minutes) makes the planned jobs match the
 * settings in force for the next `horizonMs`: new occurrences are added, removed ones cancelled,
 * moved ones moved. An occurrence whose time has passed is never planned again, so each local
 * date fires at most once even when its time changes after it fired. BullMQ job schedulers are
 * not used (re-upserting one drops an overdue run: reference/bullmq.md §2.3).
 *
 * Fired jobs are judged by their kind's late policy, then handed to the kind; a "done" marker
 * makes a second firing (a stalled job run again) a no-op.
 */
import { createHash, randomUUID } from 'node:crypto';
import { UnrecoverableError } from 'bullmq';
import type { RedisClient } from '../store/redis.js';
import type { Features } from '../core/feature.js';
import type { Clock } from '../core/ports.js';
import { judgeLateness, occurrenceId, type Occurrence } from '../core/schedule/schedule.js';
import type { Logger } from '../log.js';
import type { Metrics } from '../metrics.js';
import { globalKeys } from '../store/keys.js';
import type { Queues } from './queues.js';
import type { Payload } from './registry.js';

/** How far ahead occurrences are planned (the evening-before reminder of a Monday shift is planned on Saturday). */
export const HORIZON_MS = 48 * 3600_000;
/** How often the periodic pass replans (start-up and reloads replan at once). */
export const REPLAN_EVERY_MS = 10 * 60_000;
const LOCK_MS = 120_000;
const DONE_TTL_SECONDS = 8 * 24 * 3600;
/** Index entries this far in the past are forgotten. */
const FORGET_AFTER_MS = 3 * 24 * 3600_000;

/** Which configuration a plan was made from: the newest load wins across replicas. */
export interface ConfigStamp {
  hash: string;
  /** When this process loaded it (ms). */
  loadedAt: number;
}

export function configStamp(config: unknown, loadedAt: number): ConfigStamp {
  return { hash: createHash('sha256').update(JSON.stringify(config)).digest('hex').slice(0, 16), loadedAt };
}

interface IndexEntry {
  at: number;
}

export interface ReconcileResult {
  /** False when another process was reconciling, or a newer configuration planned the schedules. */
  ran: boolean;
  added: number;
  moved: number;
  removed: number;
}

export interface ScheduleEngineDeps {
  queues: Queues;
  /** A store connection (fails fast). */
  redis: RedisClient;
  prefix: string;
  features: Features;
  clock: Clock;
  metrics: Metrics;
  log: Logger;
  /** The configuration in force, for the newest-load-wins rule. */
  stamp: () => ConfigStamp;
  horizonMs?: number;
}

type SchedulePayload = Payload<'schedules'>;

export class ScheduleEngine {
  private readonly keys;
  private readonly horizonMs: number;

  constructor(private readonly deps: ScheduleEngineDeps) {
    this.keys = globalKeys(deps.prefix);
    this.horizonMs = deps.horizonMs ?? HORIZON_MS;
  }

  /**
   * Plans the next `horizonMs` of every schedule kind. `periodic` passes run at most every
   * REPLAN_EVERY_MS across all processes and never override a plan made from a newer configuration.
   */
  async reconcile(options: { periodic?: boolean } = {}): Promise<ReconcileResult> {
    const skipped: ReconcileResult = { ran: false, added: 0, moved: 0, removed: 0 };
    const { redis } = this.deps;
    const stamp = this.deps.stamp();
    const plannedWith = await redis.get(this.keys.schedulePlan);
    if (plannedWith) {
      const theirs = JSON.parse(plannedWith) as ConfigStamp;
      if (theirs.hash !== stamp.hash && theirs.loadedAt > stamp.loadedAt) {
        if (!options.periodic) this.deps.log.warn('not replanning schedules: another process planned them from a newer configuration; reload this one');
        return skipped;
      }
      if (options.periodic && theirs.hash === stamp.hash && (await redis.exists(this.keys.scheduleFresh)) === 1) return skipped;
    }
    const token = randomUUID();
    if ((await redis.set(this.keys.scheduleLock, token, 'PX', LOCK_MS, 'NX')) !== 'OK') return skipped;
    try {
      const result = await this.plan();
      await redis.multi().set(this.keys.schedulePlan, JSON.stringify(stamp)).set(this.keys.scheduleFresh, '1', 'PX', REPLAN_EVERY_MS).exec();
      return result;
    } finally {
      await redis.eval(`if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`, 1, this.keys.scheduleLock, token);
    }
  }

  private async desired(now: Date): Promise<Map<string, Occurrence>> {
    const to = new Date(now.getTime() + this.horizonMs);
    const out = new Map<string, Occurrence>();
    for (const kind of this.deps.features.schedules) {
      for (const o of await kind.occurrences(now, to)) {
        if (o.at.getTime() > now.getTime()) out.set(occurrenceId(o), o);
      }
    }
    return out;
  }

  private async plan(): Promise<ReconcileResult> {
    const { redis, queues } = this.deps;
    const now = this.deps.clock.now();
    const desired = await this.desired(now);
    const raw = await redis.hgetall(this.keys.scheduleIndex);
    const index = new Map(Object.entries(raw).map(([id, json]) => [id, JSON.parse(json) as IndexEntry]));

    const add: Occurrence[] = [];
    const cancel: string[] = [];
    const forget: string[] = [];
    let moved = 0;
    for (const [id, o] of desired) {
      const known = index.get(id);
      if (known && known.at === o.at.getTime()) continue;
      // Already due (fired, or firing now): that local date had its occurrence.
      if (known && known.at <= now.getTime()) continue;
      if (known) {
        cancel.push(id);
        moved += 1;
      }
      add.push(o);
    }
    for (const [id, entry] of index) {
      if (desired.has(id)) continue;
      if (entry.at > now.getTime()) cancel.push(id);
      else if (entry.at < now.getTime() - FORGET_AFTER_MS) forget.push(id);
    }

    const queue = queues.get('schedules');
    // A job that already started cannot be removed; its processor finds it cancelled (not in the index).
    await Promise.all(cancel.map((id) => queue.remove(id).catch(() => 0)));
    const drop = [...cancel.filter((id) => !desired.has(id)), ...forget];
    if (drop.length > 0) await redis.hdel(this.keys.scheduleIndex, ...drop);
    for (let i = 0; i < add.length; i += 1000) {
      const batch = add.slice(i, i + 1000);
      await queues.addBulk(
        'schedules',
        batch.map((o) => ({ name: o.kind, data: toPayload(o), opts: { jobId: occurrenceId(o), delay: Math.max(0, o.at.getTime() - now.getTime()) } })),
      );
      await redis.hset(this.keys.scheduleIndex, Object.fromEntries(batch.map((o) => [occurrenceId(o), JSON.stringify({ at: o.at.getTime() } satisfies IndexEntry)])));
    }
    const result = { ran: true, added: add.length - moved, moved, removed: cancel.length - moved };
    if (add.length > 0 || cancel.length > 0) this.deps.log.info(result, 'schedules replanned');
    return result;
  }

  /** The `schedules` queue's processor. */
  async process(payload: SchedulePayload): Promise<'fired' | 'dropped' | 'duplicate' | 'cancelled'> {
    const { features, redis, metrics, log } = this.deps;
    const kind = features.schedule(payload.kind);
    if (!kind) throw new UnrecoverableError(`no feature handles schedule kind "${payload.kind}"`);
    const occurrence = fromPayload(payload);
    const id = occurrenceId(occurrence);
    const done = this.keys.scheduleDone(id);
    const [planned, fired] = ((await redis.multi().hget(this.keys.scheduleIndex, id).exists(done).exec()) ?? []).map(([, v]) => v) as [string | null, number];
    if (planned && (JSON.parse(planned) as IndexEntry).at !== occurrence.at.getTime()) return 'cancelled';
    if (fired === 1) return 'duplicate';
    const now = this.deps.clock.now();
    const verdict = judgeLateness(kind.late, occurrence, now);
    metrics.scheduleLateness.observe({ kind: kind.kind }, verdict.lateMs / 1000);
    if (!verdict.fire) {
      metrics.scheduleDropped.inc({ kind: kind.kind });
      log.info({ kind: kind.kind, item: occurrence.item, date: occurrence.date, lateMs: verdict.lateMs }, 'occurrence dropped: it fired too late to be useful');
    } else {
      await kind.fire(occurrence, { now, lateMs: verdict.lateMs, markedLate: verdict.markedLate });
      metrics.scheduleFired.inc({ kind: kind.kind, late: verdict.markedLate ? 'yes' : 'no' });
    }
    await redis.set(done, '1', 'EX', DONE_TTL_SECONDS);
    return verdict.fire ? 'fired' : 'dropped';
  }
}

function toPayload(o: Occurrence): SchedulePayload {
  return { kind: o.kind, item: o.item, date: o.date, at: o.at.toISOString(), ...(o.data ? { data: o.data } : {}) };
}

function fromPayload(p: SchedulePayload): Occurrence {
  return { kind: p.kind, item: p.item, date: p.date, at: new Date(p.at), ...(p.data ? { data: p.data } : {}) };
}

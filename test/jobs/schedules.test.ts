/** The schedule engine on real Redis and BullMQ: planning, moving, cancelling, late policies, exactly once. */
import type { Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Features } from '../../src/core/feature.js';
import { occurrenceId, type LatePolicy, type Occurrence, type ScheduleKind } from '../../src/core/schedule/schedule.js';
import { Queues } from '../../src/jobs/queues.js';
import { configStamp, ScheduleEngine, type ConfigStamp } from '../../src/jobs/schedules.js';
import { startWorker } from '../../src/jobs/worker.js';
import { silentLogger } from '../../src/log.js';
import { createMetrics } from '../../src/metrics.js';
import { connectRedis } from '../../src/store/redis.js';
import { counter, eventually } from '../support/app.js';
import { deletePrefix, redisUrl, uniquePrefix } from '../support/redis.js';

/** A schedule kind whose occurrences a test sets by hand, recording what fired. */
class TestKind implements ScheduleKind {
  readonly kind = 'test.tick';
  planned: Occurrence[] = [];
  fired: Array<{ o: Occurrence; markedLate: boolean }> = [];
  constructor(readonly late: LatePolicy = { kind: 'send' }) {}
  at(item: string, date: string, at: Date): Occurrence {
    return { kind: this.kind, item, date, at };
  }
  async occurrences(from: Date, to: Date): Promise<Occurrence[]> {
    return this.planned.filter((o) => o.at >= from && o.at < to);
  }
  async fire(o: Occurrence, firing: { markedLate: boolean }): Promise<void> {
    this.fired.push({ o, markedLate: firing.markedLate });
  }
}

interface Rig {
  engine: ScheduleEngine;
  kind: TestKind;
  queues: Queues;
  redis: Redis;
  metrics: ReturnType<typeof createMetrics>;
  clock: { now: () => Date; set: (d: Date) => void };
  stamp: ConfigStamp;
}

describe('schedule engine', () => {
  let prefix: string;
  const open: Array<{ close: () => Promise<void> }> = [];

  async function rig(options: { late?: LatePolicy; stamp?: ConfigStamp; now?: Date } = {}): Promise<Rig> {
    const redis = await connectRedis(redisUrl(), 'store');
    const queues = new Queues(redis, prefix);
    const kind = new TestKind(options.late);
    let now = options.now ?? new Date('2027-01-01T08:00:00Z');
    const clock = { now: () => now, set: (d: Date) => (now = d) };
    const metrics = createMetrics();
    const r: Rig = { kind, queues, redis, metrics, clock, stamp: options.stamp ?? configStamp({ v: 1 }, 1), engine: undefined as unknown as ScheduleEngine };
    r.engine = new ScheduleEngine({ queues, redis, prefix, features: new Features().add({ name: 'test', schedules: [kind] }), clock, metrics, log: silentLogger, stamp: () => r.stamp });
    open.push({ close: async () => (await queues.close(), redis.disconnect()) });
    return r;
  }

  const delayed = async (r: Rig) => (await r.queues.get('schedules').getDelayed()).map((j) => [j.id, j.opts.delay]).sort();

  beforeEach(() => {
    prefix = uniquePrefix();
  });

  afterEach(async () => {
    for (const o of open.splice(0)) await o.close();
    const redis = await connectRedis(redisUrl(), 'store');
    await deletePrefix(redis, prefix);
    redis.disconnect();
  });

  it('plans each occurrence as one delayed job with a deterministic id; planning again adds nothing', async () => {
    const r = await rig();
    r.kind.planned = [r.kind.at('ben', '2027-01-01', new Date('2027-01-01T09:00:00Z')), r.kind.at('caro', '2027-01-02', new Date('2027-01-02T06:00:00Z'))];
    expect(await r.engine.reconcile()).toEqual({ ran: true, added: 2, moved: 0, removed: 0 });
    expect(await delayed(r)).toEqual([
      ['v1-test.tick-ben-20270101', 3600_000],
      ['v1-test.tick-caro-20270102', 22 * 3600_000],
    ]);
    expect(await r.engine.reconcile()).toEqual({ ran: true, added: 0, moved: 0, removed: 0 });
    expect(await delayed(r)).toHaveLength(2);
  });

  it('moves a changed time, cancels a removed item, and never plans a local date again once it is due', async () => {
    const r = await rig();
    const ben = r.kind.at('ben', '2027-01-01', new Date('2027-01-01T09:00:00Z'));
    const caro = r.kind.at('caro', '2027-01-01', new Date('2027-01-01T10:00:00Z'));
    r.kind.planned = [ben, caro];
    await r.engine.reconcile();

    r.kind.planned = [{ ...ben, at: new Date('2027-01-01T09:30:00Z') }];
    expect(await r.engine.reconcile()).toEqual({ ran: true, added: 0, moved: 1, removed: 1 });
    expect(await delayed(r)).toEqual([['v1-test.tick-ben-20270101', 90 * 60_000]]);

    // 09:45: ben's occurrence is due (it fired); moving it to 11:00 the same day must not fire it again.
    r.clock.set(new Date('2027-01-01T09:45:00Z'));
    r.kind.planned = [{ ...ben, at: new Date('2027-01-01T11:00:00Z') }];
    expect(await r.engine.reconcile()).toEqual({ ran: true, added: 0, moved: 0, removed: 0 });
  });

  it('late firings follow the kind: drop (counted), mark as late within a window, or send', async () => {
    const drop = await rig({ late: { kind: 'drop', afterMs: 5 * 60_000 } });
    const o = drop.kind.at('ben', '2027-01-01', new Date('2027-01-01T07:00:00Z'));
    const payload = { kind: o.kind, item: o.item, date: o.date, at: o.at.toISOString() };
    expect(await drop.engine.process(payload)).toBe('dropped');
    expect(drop.kind.fired).toEqual([]);
    expect(await counter({ metrics: drop.metrics } as never, 'shiftlead_schedule_dropped_total', { kind: 'test.tick' })).toBe(1);
    // Dropped counts as done: a stalled copy is not sent either.
    expect(await drop.engine.process(payload)).toBe('duplicate');

    prefix = uniquePrefix();
    const mark = await rig({ late: { kind: 'mark', withinMs: 2 * 3600_000 } });
    expect(await mark.engine.process(payload)).toBe('fired');
    expect(mark.kind.fired).toEqual([{ o, markedLate: true }]);
    mark.clock.set(new Date('2027-01-01T09:30:00Z'));
    expect(await mark.engine.process({ ...payload, item: 'caro' })).toBe('dropped');

    prefix = uniquePrefix();
    const send = await rig({ late: { kind: 'send' }, now: new Date('2027-01-03T00:00:00Z') });
    expect(await send.engine.process(payload)).toBe('fired');
    expect(await send.engine.process(payload)).toBe('duplicate');
    expect(send.kind.fired).toHaveLength(1);
  });

  it('a job whose occurrence was moved while it was running finds itself cancelled', async () => {
    const r = await rig();
    const ben = r.kind.at('ben', '2027-01-01', new Date('2027-01-01T09:00:00Z'));
    r.kind.planned = [ben];
    await r.engine.reconcile();
    r.kind.planned = [{ ...ben, at: new Date('2027-01-01T09:30:00Z') }];
    await r.engine.reconcile();
    expect(await r.engine.process({ kind: ben.kind, item: 'ben', date: ben.date, at: ben.at.toISOString() })).toBe('cancelled');
    expect(r.kind.fired).toEqual([]);
  });

  it('three processes planning and working at once fire every occurrence exactly once', async () => {
    const base = Date.now();
    const rigs = await Promise.all([0, 1, 2].map(() => rig({ now: new Date(base) })));
    const planned = Array.from({ length: 30 }, (_, i) => rigs[0]?.kind.at(`p${i}`, '2027-01-01', new Date(base + 800 + (i % 5) * 100)) as Occurrence);
    for (const r of rigs) {
      r.kind.planned = planned;
      r.clock.now = () => new Date();
    }
    const results = await Promise.all(rigs.map((r) => r.engine.reconcile()));
    // One planned them; any other either saw the lock or found nothing left to add.
    expect(results.some((x) => x.ran)).toBe(true);
    expect(results.reduce((n, x) => n + x.added, 0)).toBe(30);
    const workers: Worker[] = [];
    for (const r of rigs) {
      const connection = await connectRedis(redisUrl(), 'worker');
      workers.push(startWorker('schedules', (p) => r.engine.process(p), { connection, prefix, metrics: r.metrics, log: silentLogger, settings: { concurrency: 4 } }));
      open.push({ close: async () => connection.disconnect() });
    }
    await eventually(async () => rigs.reduce((n, r) => n + r.kind.fired.length, 0) >= 30, 15_000, '30 firings');
    await new Promise((r) => setTimeout(r, 500));
    await Promise.all(workers.map((w) => w.close()));
    const fired = rigs.flatMap((r) => r.kind.fired.map((f) => occurrenceId(f.o)));
    expect(fired).toHaveLength(30);
    expect(new Set(fired).size).toBe(30);
  });

  it('a process with an older configuration never replans over a newer one', async () => {
    const newer = await rig({ stamp: configStamp({ v: 2 }, 2_000) });
    newer.kind.planned = [newer.kind.at('ben', '2027-01-01', new Date('2027-01-01T09:00:00Z'))];
    await newer.engine.reconcile();
    const older = await rig({ stamp: configStamp({ v: 1 }, 1_000) });
    older.kind.planned = [];
    expect((await older.engine.reconcile()).ran).toBe(false);
    expect((await older.engine.reconcile({ periodic: true })).ran).toBe(false);
    expect(await delayed(newer)).toHaveLength(1);
  });
});

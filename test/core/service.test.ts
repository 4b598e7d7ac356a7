/** Escalation use cases on the real Redis store, with the outbox and timers recorded. */
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Delivery } from '../../src/chat/delivery.js';
import { EscalationService } from '../../src/core/escalations/service.js';
import type { Outbox, Timers } from '../../src/core/ports.js';
import { DeliveryLog } from '../../src/store/deliveries.js';
import { RedisDrafts } from '../../src/store/drafts.js';
import { RedisEscalationStore } from '../../src/store/escalations.js';
import { deletePrefix, newRedis, uniquePrefix } from '../support/redis.js';
import { rulesFor } from '../support/records.js';

class RecordingOutbox implements Outbox {
  readonly delivered: Delivery[] = [];
  failNext = 0;
  async enqueue(deliveries: Delivery[]): Promise<void> {
    if (this.failNext > 0) {
      this.failNext -= 1;
      throw new Error('Connection is closed.');
    }
    this.delivered.push(...deliveries);
  }
}

class RecordingTimers implements Timers {
  readonly scheduled = new Map<string, Date>();
  readonly cancelled: string[] = [];
  async schedule(id: string, at: Date): Promise<void> {
    if (!this.scheduled.has(id)) this.scheduled.set(id, at);
  }
  async cancel(ids: string[]): Promise<void> {
    this.cancelled.push(...ids);
  }
}

const rules = rulesFor();

describe('escalation service', () => {
  let redis: Redis;
  let prefix: string;
  let outbox: RecordingOutbox;
  let timers: RecordingTimers;
  let now: Date;
  let service: EscalationService;
  const actor = { platform: 'slack' as const, tenant: 'slack-T0SVC', user: 'U0ANALIMA', conversation: 'C0GENERAL' };
  const input = { customer: 'Acme', severity: 'P1', department: 'support', summary: 'Down' };

  beforeAll(() => {
    redis = newRedis();
  });
  afterAll(() => redis.disconnect());
  beforeEach(() => {
    prefix = uniquePrefix();
    outbox = new RecordingOutbox();
    timers = new RecordingTimers();
    now = new Date('2026-11-23T09:00:00Z');
    service = new EscalationService({
      store: new RedisEscalationStore(redis, prefix),
      outbox,
      timers,
      drafts: new RedisDrafts(redis, prefix),
      links: new DeliveryLog(redis, prefix),
      clock: { now: () => now },
      rules: () => rules,
    });
    return () => deletePrefix(redis, prefix);
  });

  it('re-queues the effects of a change that could not be queued, once the reconciler runs', async () => {
    outbox.failNext = 1;
    const { id } = await service.create(actor, input, { origin: 'C0GENERAL' });
    expect(outbox.delivered).toEqual([]);
    now = new Date(now.getTime() + 10_000);
    expect(await service.reconcile(actor.tenant)).toBe(0); // not older than 30 s yet
    now = new Date(now.getTime() + 60_000);
    expect(await service.reconcile(actor.tenant)).toBe(1);
    expect(outbox.delivered.map((d) => d.key)).toEqual([`slack-T0SVC.esc.${id}.card`, `slack-T0SVC.esc.${id}.confirm`]);
    expect([...timers.scheduled.keys()]).toEqual([`sla-slack-T0SVC-${id}-c1-ack-n1`, `sla-slack-T0SVC-${id}-c1-ack-l2`, `sla-slack-T0SVC-${id}-c1-res-n1`, `sla-slack-T0SVC-${id}-c1-res-l2`]);
    expect(await service.reconcile(actor.tenant)).toBe(0);
  });

  it('handles a missed deadline once, however many times the timer fires', async () => {
    const { id } = await service.create(actor, input, {});
    now = new Date('2026-11-23T09:15:01Z');
    await Promise.all([service.deadlinePassed(actor.tenant, id, 'acknowledge', 1, { miss: 1 }), service.deadlinePassed(actor.tenant, id, 'acknowledge', 1, { miss: 1 })]);
    await service.deadlinePassed(actor.tenant, id, 'acknowledge', 1, { miss: 1 });
    const reminders = outbox.delivered.filter((d) => d.target.kind === 'reply');
    expect(reminders).toHaveLength(1);
    expect(timers.scheduled.get(`sla-slack-T0SVC-${id}-c1-ack-n2`)?.toISOString()).toBe('2026-11-23T09:25:01.000Z');
  });

  it('validates every field and refuses texts over the documented maximums', async () => {
    const answer = await service.submit(actor, { customer: 'x'.repeat(201), summary: 'y'.repeat(3001), details: 'z'.repeat(40_001), severity: 'P1', department: 'support' }, undefined);
    expect(answer).toEqual({
      ok: false,
      errors: {
        customer: 'Customer or account is too long: 201 characters (the most is 200).',
        summary: 'Summary is too long: 3,001 characters (the most is 3,000).',
        details: 'Details is too long: 40,001 characters (the most is 40,000).',
      },
    });
    expect(await service.submit(actor, { ...input }, 'not json')).toEqual({ ok: false, errors: { _form: 'This form is out of date; close it and run /escalate again.' } });
    expect(outbox.delivered).toEqual([]);
  });
});

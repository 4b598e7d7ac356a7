/**
 * The outbox gate's reservations, on real Redis, without the queue: slow buckets (one send every
 * 10 s) so that every reserved wait is known to within the time the test itself takes.
 */
import type { Redis } from 'ioredis';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Delivery, DeliveryPriority } from '../../src/chat/delivery.js';
import type { PacingRules } from '../../src/chat/platform.js';
import { OutboxGate, type Verdict } from '../../src/jobs/outbox/gate.js';
import { DeliveryLog } from '../../src/store/deliveries.js';
import { tenantKeys } from '../../src/store/keys.js';
import { deletePrefix, newRedis, uniquePrefix } from '../support/redis.js';

const TENANT = 'slack-T0GATE';
const SLOW = { capacity: 1, perSecond: 0.1 };

function delivery(key: string, conversation: string, priority?: DeliveryPriority): Delivery {
  return { key, tenant: TENANT, platform: 'slack', target: { kind: 'conversation', conversation }, message: { text: key, blocks: [] }, ...(priority ? { priority } : {}) };
}

/** The reserved wait in whole slots of 10 s (a few ms of test time round down). */
function slots(v: Verdict): number | string {
  return v.kind === 'wait' ? Math.ceil(v.ms / 10_000) : v.kind;
}

describe('outbox gate', () => {
  let redis: Redis;
  let prefix: string;
  let gate: OutboxGate;

  beforeEach(() => {
    redis = newRedis();
    prefix = uniquePrefix();
    gate = new OutboxGate(redis, prefix);
  });

  afterEach(async () => {
    await deletePrefix(redis, prefix);
    redis.disconnect();
  });

  const open = (d: Delivery, pacing: PacingRules) => gate.open(d, pacing).then(slots);

  it('sends the burst, then reserves one slot each, and a delivery that asks again keeps its slot', async () => {
    const pacing: PacingRules = { conversation: [{ capacity: 2, perSecond: 0.1 }], tenant: [] };
    expect(await open(delivery('a', 'C1'), pacing)).toBe('send');
    expect(await open(delivery('b', 'C1'), pacing)).toBe('send');
    expect(await open(delivery('c', 'C1'), pacing)).toBe(1);
    expect(await open(delivery('d', 'C1'), pacing)).toBe(2);
    // Woken early (or run again after a crash): the same slot, nothing new reserved.
    expect(await open(delivery('c', 'C1'), pacing)).toBe(1);
    expect(await open(delivery('e', 'C1'), pacing)).toBe(3);
    // Another conversation is not held back.
    expect(await open(delivery('f', 'C2'), pacing)).toBe('send');
  });

  it('gives an interactive delivery the earliest bulk slot and sends that bulk delivery to the back', async () => {
    const pacing: PacingRules = { conversation: [SLOW], tenant: [] };
    expect(await open(delivery('b1', 'C1', 'bulk'), pacing)).toBe('send');
    expect(await open(delivery('b2', 'C1', 'bulk'), pacing)).toBe(1);
    expect(await open(delivery('b3', 'C1', 'bulk'), pacing)).toBe(2);
    expect(await open(delivery('card', 'C1'), pacing)).toBe(1);
    // b2 lost its slot to the card: when it wakes it finds its new one, after b3.
    expect(await open(delivery('b2', 'C1', 'bulk'), pacing)).toBe(3);
    expect(await open(delivery('b4', 'C1', 'bulk'), pacing)).toBe(4);
    // A second interactive delivery takes the next bulk slot (b3's).
    expect(await open(delivery('card2', 'C1'), pacing)).toBe(2);
    // Every pacing key expires on its own (a minute, or an hour for the sets, past its last slot).
    const keys = await redis.keys(`${prefix}:*pace*`);
    expect(keys.length).toBeGreaterThanOrEqual(3);
    for (const key of keys) expect(await redis.pttl(key)).toBeGreaterThan(60_000);
  });

  it('does the same in the tenant scope for a fan-out over many conversations', async () => {
    const pacing: PacingRules = { conversation: [{ capacity: 3, perSecond: 1 }], tenant: [SLOW] };
    expect(await open(delivery('p0', 'D0', 'bulk'), pacing)).toBe('send');
    for (let i = 1; i <= 5; i += 1) expect(await open(delivery(`p${i}`, `D${i}`, 'bulk'), pacing)).toBe(i);
    expect(await open(delivery('card', 'C0SUPPORT'), pacing)).toBe(1);
    const k = tenantKeys(prefix, TENANT);
    expect(await redis.zscore(k.paceTenantBulk, 'p1')).not.toBeNull();
    expect(Number(await redis.zscore(k.paceTenantBulk, 'p1'))).toBeGreaterThan(Number(await redis.zscore(k.paceTenantBulk, 'p5')));
    expect(await redis.zscore(k.paceTenantHeld, 'card')).not.toBeNull();
  });

  it('after a 429, reserves past Retry-After, and a slot inside the block is reserved again', async () => {
    const pacing: PacingRules = { conversation: [{ capacity: 1, perSecond: 1 }], tenant: [] };
    expect(await open(delivery('a', 'C1'), pacing)).toBe('send');
    const held = await gate.open(delivery('b', 'C1'), pacing);
    expect(held).toMatchObject({ kind: 'wait' });
    await gate.block(TENANT, 'conversation', 'C1', pacing, 30_000);
    // b's slot (about 1 s away) is inside the block: b waits for the end of the block, not its slot.
    const b = await gate.open(delivery('b', 'C1'), pacing);
    expect(b.kind === 'wait' && b.ms).toBeGreaterThan(29_000);
    const c = await gate.open(delivery('c', 'C1'), pacing);
    expect(c.kind === 'wait' && b.kind === 'wait' && c.ms - b.ms).toBeGreaterThanOrEqual(900);
    // The tenant scope is not blocked by a conversation's 429.
    expect(await open(delivery('d', 'C2'), pacing)).toBe('send');
  });

  it('counts a delivery once per scope: waiting for the tenant does not take the conversation again', async () => {
    const pacing: PacingRules = { conversation: [{ capacity: 2, perSecond: 0.1 }], tenant: [{ capacity: 1, perSecond: 10 }] };
    expect(await open(delivery('a', 'C1'), pacing)).toBe('send');
    // The tenant's only token is gone for 100 ms: b holds a tenant slot, having passed C1.
    const b = await gate.open(delivery('b', 'C1'), pacing);
    expect(b.kind === 'wait' && b.ms).toBeLessThanOrEqual(100);
    await new Promise((r) => setTimeout(r, 150));
    expect(await open(delivery('b', 'C1'), pacing)).toBe('send');
    // C1 had a burst of two: a and b. Had b been counted twice, c would wait two slots.
    await new Promise((r) => setTimeout(r, 150));
    expect(await open(delivery('c', 'C1'), pacing)).toBe(1);
  });

  it('reserves a batch as it is queued; asking again keeps the slots; the worker counts nothing more', async () => {
    const pacing: PacingRules = { conversation: [{ capacity: 2, perSecond: 0.1 }], tenant: [] };
    await new DeliveryLog(redis, prefix).markSent(TENANT, 'old');
    const batch = ['a', 'b', 'c', 'd', 'old'].map((k) => delivery(k, 'C1'));
    const waits = await gate.reserve(TENANT, batch, pacing);
    const inSlots = (ms: number | undefined) => (ms === undefined || ms < 0 ? ms : Math.ceil(ms / 10_000));
    expect(['a', 'b', 'c', 'd', 'old'].map((k) => inSlots(waits.get(k)))).toEqual([0, 0, 1, 2, -1]);
    // Queued again (a retry, the reconciler): the same slots, nothing new counted.
    const again = await gate.reserve(TENANT, batch.slice(0, 4), pacing);
    expect(['a', 'b', 'c', 'd'].map((k) => inSlots(again.get(k)))).toEqual([0, 0, 1, 2]);
    // The worker finds a's slot (now) and sends; c still waits for its own; e comes after d.
    expect((await gate.open(delivery('a', 'C1'), pacing, true)).kind).toBe('send');
    expect(await open(delivery('c', 'C1'), pacing)).toBe(1);
    expect(await open(delivery('e', 'C1'), pacing)).toBe(3);
  });

  it('answers duplicate, stale and missing without reserving anything', async () => {
    const pacing: PacingRules = { conversation: [SLOW], tenant: [SLOW] };
    const log = new DeliveryLog(redis, prefix);
    await log.markSent(TENANT, 'done', { messageKey: 'card-1', ref: { conversation: 'C1', id: '1.1' } });
    await log.markSent(TENANT, 'upd-3', undefined, { messageKey: 'card-1', version: 3 });
    expect(await open(delivery('done', 'C1'), pacing)).toBe('duplicate');
    expect(await open({ ...delivery('upd-2', 'C1'), target: { kind: 'update', of: 'card-1', version: 2 } }, pacing)).toBe('stale');
    expect(await gate.open({ ...delivery('line', 'C1'), target: { kind: 'reply', to: 'card-2' } }, pacing)).toEqual({ kind: 'missing', messageKey: 'card-2' });
    expect(await gate.open({ ...delivery('dm', 'C1'), target: { kind: 'dm', user: 'U1' }, message: { text: 'see [it](ref:card-9)', blocks: [] } }, pacing)).toEqual({ kind: 'missing', messageKey: 'card-9' });
    // Nothing was counted: the next delivery goes at once.
    const reply = await gate.open({ ...delivery('line-1', 'x'), target: { kind: 'reply', to: 'card-1' } }, pacing);
    expect(reply).toMatchObject({ kind: 'send', conversation: 'C1' });
    expect(reply.kind === 'send' && reply.refs.get('card-1')).toEqual({ conversation: 'C1', id: '1.1' });
  });

  it('releases the jobs waiting for a message when it is delivered, and says when it came first', async () => {
    const log = new DeliveryLog(redis, prefix);
    expect(await log.waitFor(TENANT, 'card-1', 'job-a', 60_000)).toBe(false);
    expect(await log.waitFor(TENANT, 'card-1', 'job-b', 60_000)).toBe(false);
    expect((await log.markSent(TENANT, 'post', { messageKey: 'card-1', ref: { conversation: 'C1', id: '1.1' } })).sort()).toEqual(['job-a', 'job-b']);
    expect(await log.waitFor(TENANT, 'card-1', 'job-c', 60_000)).toBe(true);
    expect(await log.markSent(TENANT, 'post-2', { messageKey: 'card-2', ref: { conversation: 'C1', id: '1.2' } })).toEqual([]);
  });
});

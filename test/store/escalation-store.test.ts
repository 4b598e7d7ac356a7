/** The Redis store contract: create/read/update, compare-and-set, tenant isolation, the audit stream. */
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { RedisAuditLog } from '../../src/store/audit.js';
import { DeliveryLog } from '../../src/store/deliveries.js';
import { RedisEscalationStore } from '../../src/store/escalations.js';
import { ANA, draft } from '../support/records.js';
import { deletePrefix, newRedis, uniquePrefix } from '../support/redis.js';

const A = 'slack-T0AAAA';
const B = 'slack-T0BBBB';
const audit = (type: string) => ({ actor: 'ana', at: '2026-11-23T09:00:00.000Z', type, subject: '' });

describe('Redis escalation store', () => {
  let redis: Redis;
  let prefix: string;
  let store: RedisEscalationStore;
  beforeAll(() => {
    redis = newRedis();
  });
  afterAll(() => redis.disconnect());
  beforeEach(async () => {
    prefix = uniquePrefix();
    store = new RedisEscalationStore(redis, prefix);
    return async () => deletePrefix(redis, prefix);
  });

  it('creates numbered records atomically with their audit entry, and reads them back', async () => {
    const created = await store.create(A, draft({ tenant: A }), audit('escalation.created'));
    expect(created).toMatchObject({ created: true, record: { id: 'ESC-1', number: 1, tenant: A, summary: 'Checkout is down' } });
    expect(await store.get(A, 'ESC-1')).toEqual((created as { record: unknown }).record);
    expect(await store.get(A, 'ESC-2')).toBeUndefined();
    const entries = await new RedisAuditLog(redis, prefix).recent(A, 10);
    expect(entries).toEqual([{ actor: 'ana', at: '2026-11-23T09:00:00.000Z', type: 'escalation.created', subject: 'ESC-1' }]);
  });

  it('numbers concurrent creates without gaps or duplicates', async () => {
    const results = await Promise.all(Array.from({ length: 25 }, () => store.create(A, draft({ tenant: A }), audit('escalation.created'))));
    const ids = results.map((r) => (r.created ? r.record.id : '')).sort((x, y) => Number(x.slice(4)) - Number(y.slice(4)));
    expect(ids).toEqual(Array.from({ length: 25 }, (_, i) => `ESC-${i + 1}`));
  });

  it('keeps tenants apart: same ids, separate records, audit trails and delivery logs', async () => {
    await store.create(A, draft({ tenant: A, summary: 'A one' }), audit('escalation.created'));
    await store.create(B, draft({ tenant: B, summary: 'B one' }), audit('escalation.created'));
    expect((await store.get(A, 'ESC-1'))?.summary).toBe('A one');
    expect((await store.get(B, 'ESC-1'))?.summary).toBe('B one');
    expect((await store.listOpen(A)).map((e) => e.summary)).toEqual(['A one']);
    expect(await new RedisAuditLog(redis, prefix).recent(B, 10)).toHaveLength(1);
    const deliveries = new DeliveryLog(redis, prefix);
    await deliveries.markSent(A, 'k1', { messageKey: 'esc.ESC-1.card', ref: { conversation: 'C1', id: '1.1', link: 'https://a' } });
    expect(await deliveries.wasSent(B, 'k1')).toBe(false);
    expect(await deliveries.ref(B, 'esc.ESC-1.card')).toBeUndefined();
    expect((await deliveries.links(A, ['esc.ESC-1.card'])).get('esc.ESC-1.card')).toBe('https://a');
    expect(new Set(await store.tenants())).toEqual(new Set([A, B]));
  });

  it('updates only from the expected version (compare-and-set), with one audit entry per change', async () => {
    const created = await store.create(A, draft({ tenant: A }), audit('escalation.created'));
    const e = (created as { record: Parameters<typeof store.update>[1] }).record;
    const acked = { ...e, status: 'acknowledged' as const, version: 2 };
    const [first, second] = await Promise.all([store.update(A, acked, 1, audit('escalation.acknowledged')), store.update(A, { ...acked, owner: ANA }, 1, audit('escalation.acknowledged'))]);
    expect([first, second].sort()).toEqual([false, true]);
    expect((await store.get(A, e.id))?.version).toBe(2);
    const resolved = { ...acked, status: 'resolved' as const, version: 3 };
    expect(await store.update(A, resolved, 2, audit('escalation.resolved'))).toBe(true);
    expect(await store.listOpen(A)).toEqual([]);
    const types = (await new RedisAuditLog(redis, prefix).recent(A, 10)).map((x) => x.type);
    expect(types).toEqual(['escalation.created', 'escalation.acknowledged', 'escalation.resolved']);
  });

  it('gives one record per source message, and tracks records whose effects are not yet queued', async () => {
    const one = await store.create(A, draft({ tenant: A }), audit('escalation.created'), 'slack-msg-C1-1.1');
    const two = await store.create(A, draft({ tenant: A }), audit('escalation.created'), 'slack-msg-C1-1.1');
    expect(one.created).toBe(true);
    expect(two).toEqual({ created: false, existingId: 'ESC-1' });
    expect(await redis.get(`${prefix}:{${A}}:esc:seq`)).toBe('1');
    const later = new Date('2026-11-23T10:00:00Z');
    expect(await store.dirty(A, 30_000, later)).toEqual(['ESC-1']);
    await store.clean(A, 'ESC-1', 2);
    expect(await store.dirty(A, 30_000, later)).toEqual(['ESC-1']);
    await store.clean(A, 'ESC-1', 1);
    expect(await store.dirty(A, 30_000, later)).toEqual([]);
  });

  it('stores texts whole, far past what Slack shows', async () => {
    const details = 'x'.repeat(40_000);
    const created = await store.create(A, draft({ tenant: A, details, summary: '"__ESC_ID__" and \\"__ESC_ID__\\"' }), audit('escalation.created'));
    const e = (created as { record: { id: string } }).record;
    expect(e.id).toBe('ESC-1');
    const read = await store.get(A, 'ESC-1');
    expect(read?.details).toHaveLength(40_000);
    expect(read?.summary).toBe('"__ESC_ID__" and \\"__ESC_ID__\\"');
  });
});

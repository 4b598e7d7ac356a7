/** The kudos store on real Redis: the daily limit, the duplicate window, the receiver's counts, the audit entry. */
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { RedisKudosStore } from '../../src/store/kudos.js';
import { orgKeys } from '../../src/store/keys.js';
import type { KudosGift } from '../../src/core/kudos/ports.js';
import { deletePrefix, newRedis, uniquePrefix } from '../support/redis.js';

describe('the kudos store', () => {
  const redis = newRedis();
  const prefix = uniquePrefix();
  const store = new RedisKudosStore(redis, prefix);
  afterEach(async () => {
    await deletePrefix(redis, prefix);
  });
  afterAll(() => redis.disconnect());

  const gift = (at: string, over: Partial<KudosGift> = {}): KudosGift => ({ from: 'ana', to: 'ben', giverDate: at.slice(0, 10), fingerprint: 'f1', at: new Date(at), maxPerDay: 2, duplicateWindowMs: 60_000, ...over });
  const audit = (at: string) => ({ actor: 'ana', at, type: 'kudos.given', subject: '', to: 'ben' });

  it('a repeat within the window is the same kudos; after it, a new one; the limit counts per giver and date', async () => {
    expect(await store.give(gift('2027-03-29T10:00:00Z'), audit('x'))).toEqual({ outcome: 'given', id: 'K-1', count: 1 });
    expect(await store.give(gift('2027-03-29T10:00:59Z'), audit('x'))).toEqual({ outcome: 'duplicate', id: 'K-1' });
    expect(await store.give(gift('2027-03-29T10:01:00Z'), audit('x'))).toEqual({ outcome: 'given', id: 'K-2', count: 2 });
    expect(await store.give(gift('2027-03-29T11:00:00Z', { fingerprint: 'f2' }), audit('x'))).toEqual({ outcome: 'limit', count: 2 });
    expect(await store.give(gift('2027-03-29T11:00:00Z', { from: 'caro', fingerprint: 'f2' }), audit('x'))).toEqual({ outcome: 'given', id: 'K-3', count: 1 });
    expect(await store.give(gift('2027-03-30T09:00:00Z', { fingerprint: 'f2' }), audit('x'))).toEqual({ outcome: 'given', id: 'K-4', count: 1 });
    // Only what was given is in the audit trail, each with its id.
    const entries = await redis.xrange(orgKeys(prefix).audit, '-', '+');
    expect(entries.map(([, f]) => f[f.indexOf('subject') + 1])).toEqual(['K-1', 'K-2', 'K-3', 'K-4']);
  });

  it('counts what a person received in a range (end excluded) and forgets what is over 400 days old', async () => {
    await store.give(gift('2026-02-01T10:00:00Z', { fingerprint: 'old' }), audit('x'));
    await store.give(gift('2027-03-22T00:00:00Z', { fingerprint: 'a' }), audit('x'));
    await store.give(gift('2027-03-28T23:59:59Z', { fingerprint: 'b' }), audit('x'));
    await store.give(gift('2027-03-29T00:00:00Z', { fingerprint: 'c' }), audit('x'));
    expect(await store.received('ben', new Date('2027-03-22T00:00:00Z'), new Date('2027-03-29T00:00:00Z'))).toBe(2);
    expect(await store.received('ana', new Date('2027-03-22T00:00:00Z'), new Date('2027-03-29T00:00:00Z'))).toBe(0);
    expect(await store.received('ben', new Date('2026-01-01T00:00:00Z'), new Date('2026-03-01T00:00:00Z'))).toBe(0);
  });
});

/** POST /api/metrics through the running app, on real Redis: tokens, sizes, all-or-nothing, replace. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseEnv } from '../../src/config/env.js';
import { TEAM } from '../../src/core/metrics/model.js';
import { RedisMetricStore } from '../../src/store/metrics.js';
import { startTestApp } from '../support/app.js';
import { deletePrefix, newRedis } from '../support/redis.js';

const TOKEN = 'ingest-token-0123456789abcdef';
const OTHER = 'second-client-token-000000000';

describe('the metrics ingest API', () => {
  let app: Awaited<ReturnType<typeof startTestApp>>;
  let url = '';
  let store: RedisMetricStore;

  beforeAll(async () => {
    app = await startTestApp({ env: parseEnv({ SHIFTLEAD_API_TOKENS: `${TOKEN},${OTHER}` }), clock: { now: () => new Date('2026-11-24T09:00:00Z') } });
    url = `http://127.0.0.1:${app.port}/api/metrics`;
    store = new RedisMetricStore(app.redis, app.prefix);
  });

  afterAll(async () => {
    await app.close();
    const redis = newRedis();
    await deletePrefix(redis, app.prefix);
    redis.disconnect();
  });

  const post = async (body: unknown, token: string | undefined = TOKEN, raw?: string) => {
    const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) }, body: raw ?? JSON.stringify(body) });
    return { status: res.status, json: (await res.json()) as Record<string, unknown> };
  };
  const values = async (date: string) => (await store.read([TEAM, 'support'], [date])).filter((p) => p.source !== 'shiftlead').map((p) => [p.metric, p.department, p.source, p.value, p.count ?? null]).sort();

  it('writes a batch and answers how many; the same (metric, date, department, source) again replaces it', async () => {
    const batch = { metrics: [{ metric: 'csat', date: '2026-11-23', value: 4.6, count: 212, department: 'support', source: 'zendesk' }, { metric: 'backlog', date: '2026-11-23', value: 31 }] };
    expect(await post(batch)).toEqual({ status: 200, json: { written: 2 } });
    expect(await post({ metrics: [{ metric: 'csat', date: '2026-11-23', value: 4.4, count: 230, department: 'support', source: 'zendesk' }] }, OTHER)).toEqual({ status: 200, json: { written: 1 } });
    expect(await values('2026-11-23')).toEqual([
      ['backlog', TEAM, 'api', 31, null],
      ['csat', 'support', 'zendesk', 4.4, 230],
    ]);
  });

  it('refuses a batch with any bad item, listing every problem by index and field, and writes nothing', async () => {
    const { status, json } = await post({
      metrics: [
        { metric: 'nps', date: '2026-11-20', value: 35 },
        { metric: 'csat', date: '2026-11-20', value: 7 },
        { metric: 'backlog', date: '2026-11-20', value: -2, department: 'legal' },
        { metric: 'nps', date: '2028-01-01', value: 10 },
      ],
    });
    expect(status).toBe(400);
    expect(json).toEqual({
      error: 'invalid_metrics',
      detail: 'nothing was written: fix these items and send the batch again',
      problems: [
        { index: 1, field: 'value', message: 'csat must be a number from 1 to 5 (average rating, 1–5); got 7' },
        { index: 2, field: 'department', message: 'must be a department of the team configuration (support, billing), or left out for the whole team' },
        { index: 2, field: 'value', message: 'backlog must be a whole number from 0 to 100,000,000 (open tickets); got -2' },
        { index: 3, field: 'date', message: 'is more than a year ahead (the latest accepted is 2027-11-25)' },
      ],
    });
    expect(await values('2026-11-20')).toEqual([]);
  });

  it('answers 401 without a token or with a wrong one, and writes nothing', async () => {
    const one = { metrics: [{ metric: 'nps', date: '2026-11-19', value: 35 }] };
    const none = await post(one, '');
    expect(none.status).toBe(401);
    expect(none.json['error']).toBe('unauthorized');
    expect((await post(one, `${TOKEN}x`)).status).toBe(401);
    const basic = await fetch(url, { method: 'POST', headers: { authorization: `Basic ${Buffer.from(`x:${TOKEN}`).toString('base64')}` }, body: JSON.stringify(one) });
    expect(basic.status).toBe(401);
    expect(await values('2026-11-19')).toEqual([]);
  });

  it('answers 413 for more than 1,000 items or over 1 MB, and 400 for malformed JSON or a wrong shape', async () => {
    const many = { metrics: Array.from({ length: 1001 }, (_, i) => ({ metric: `m${i}`, date: '2026-11-18', value: i })) };
    expect(await post(many)).toMatchObject({ status: 413, json: { error: 'too_many_items', detail: '1,001 items; send at most 1,000 per request' } });
    const huge = JSON.stringify({ metrics: [{ metric: 'nps', date: '2026-11-18', value: 1, padding: 'x'.repeat(1_000_001) }] });
    expect((await post(undefined, TOKEN, huge)).status).toBe(413);
    expect(await post(undefined, TOKEN, '{"metrics": [')).toMatchObject({ status: 400, json: { error: 'invalid_json' } });
    expect(await post([{ metric: 'nps' }])).toMatchObject({ status: 400, json: { error: 'invalid_request' } });
    expect(await post({ metrics: [] })).toMatchObject({ status: 400, json: { error: 'invalid_request' } });
    expect(await values('2026-11-18')).toEqual([]);
  });
});

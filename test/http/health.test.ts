import { afterEach, describe, expect, it } from 'vitest';
import { parseEnv } from '../../src/config/env.js';
import { startTestApp } from '../support/app.js';
import { startPrivateRedis } from '../support/private-redis.js';

const TOKEN = 'metrics-token-0123456789abcdef';

describe('health, readiness and metrics', () => {
  const cleanups: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const fn of cleanups.splice(0).reverse()) await fn();
  });

  it('answers /healthz and /readyz, serves Prometheus metrics, and says 503 when Redis is gone', async () => {
    const redis = await startPrivateRedis();
    cleanups.push(redis.cleanup);
    const app = await startTestApp({ redisUrl: redis.url, env: parseEnv({ METRICS_TOKEN: TOKEN }) });
    cleanups.push(app.close);
    const base = `http://127.0.0.1:${app.port}`;

    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    const ready = await fetch(`${base}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ready' });

    const metrics = await (await fetch(`${base}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } })).text();
    for (const name of ['shiftlead_queue_depth{queue="outbox",state="waiting"}', 'shiftlead_jobs_completed_total', 'shiftlead_outbox_rate_limited_total', 'shiftlead_http_request_duration_seconds_bucket']) {
      expect(metrics).toContain(name.split('{')[0]);
    }
    expect(metrics).toContain('shiftlead_queue_depth{queue="outbox",state="waiting"} 0');

    expect((await fetch(`${base}/nope`)).status).toBe(404);
    expect((await fetch(`${base}/healthz`, { method: 'POST' })).status).toBe(405);

    await redis.stop?.();
    const down = await fetch(`${base}/readyz`);
    expect(down.status).toBe(503);
    expect(await down.json()).toEqual({ status: 'redis_unavailable' });
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    expect((await fetch(`${base}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } })).status).toBe(200);
  });
});

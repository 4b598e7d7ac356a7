/** `/healthz` (the process is alive) and `/readyz` (Redis takes writes). Metrics: metrics-endpoint.ts. */
import { checkWrites } from '../store/redis-checks.js';
import type { RedisClient } from '../store/redis.js';
import { sendJson, type HttpServer } from './server.js';

export function addHealthRoutes(http: HttpServer, deps: { redis: RedisClient; prefix: string }): void {
  http.route('GET', '/healthz', (_req, res) => sendJson(res, 200, { status: 'ok' }));

  // Ready only when a write succeeds where the store keeps its records, not merely when Redis answers a PING.
  http.route('GET', '/readyz', async (_req, res) => {
    const check = await checkWrites(deps.redis, deps.prefix);
    if (check.ok) return sendJson(res, 200, { status: 'ready' });
    sendJson(res, 503, check.reason === 'unavailable' ? { status: 'redis_unavailable' } : { status: 'redis_write_refused', reason: check.reason });
  });
}

/** `/healthz` (the process is alive) and `/readyz` (Redis answers). Metrics: metrics-endpoint.ts. */
import type { RedisClient } from '../store/redis.js';
import { sendJson, type HttpServer } from './server.js';

export function addHealthRoutes(http: HttpServer, deps: { redis: RedisClient }): void {
  http.route('GET', '/healthz', (_req, res) => sendJson(res, 200, { status: 'ok' }));

  http.route('GET', '/readyz', async (_req, res) => {
    try {
      const pong = await Promise.race([
        deps.redis.ping(),
        new Promise<never>((_, fail) => setTimeout(() => fail(new Error('timeout')), 1_000).unref()),
      ]);
      sendJson(res, pong === 'PONG' ? 200 : 503, { status: pong === 'PONG' ? 'ready' : 'redis_unavailable' });
    } catch {
      sendJson(res, 503, { status: 'redis_unavailable' });
    }
  });
}

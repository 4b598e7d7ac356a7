/** `/healthz` (the process is alive), `/readyz` (Redis answers) and `/metrics` (Prometheus). */
import type { Redis } from 'ioredis';
import type { Queues } from '../jobs/queues.js';
import { QUEUE_NAMES } from '../jobs/registry.js';
import type { Metrics } from '../metrics.js';
import { sendJson, type HttpServer } from './server.js';

const DEPTH_STATES = ['waiting', 'active', 'delayed', 'failed', 'completed'] as const;

export function addHealthRoutes(http: HttpServer, deps: { redis: Redis; queues: Queues; metrics: Metrics }): void {
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

  http.route('GET', '/metrics', async (_req, res) => {
    try {
      await Promise.all(
        QUEUE_NAMES.map(async (name) => {
          const counts = await deps.queues.get(name).getJobCounts(...DEPTH_STATES);
          for (const state of DEPTH_STATES) deps.metrics.queueDepth.set({ queue: name, state }, counts[state] ?? 0);
        }),
      );
    } catch {
      // Redis is down: serve the process metrics anyway; /readyz says why.
    }
    const body = await deps.metrics.registry.metrics();
    res.writeHead(200, { 'content-type': deps.metrics.registry.contentType });
    res.end(body);
  });
}

/** `/readyz` served for one Redis connection on its own HTTP server, asked once. */
import { addHealthRoutes } from '../../src/http/health.js';
import { HttpServer } from '../../src/http/server.js';
import { silentLogger } from '../../src/log.js';
import { createMetrics } from '../../src/metrics.js';
import type { RedisClient } from '../../src/store/redis.js';

export async function askReadyz(redis: RedisClient, prefix: string): Promise<{ status: number; body: unknown }> {
  const http = new HttpServer(silentLogger, createMetrics());
  addHealthRoutes(http, { redis, prefix });
  const port = await http.listen(0, '127.0.0.1');
  try {
    const res = await fetch(`http://127.0.0.1:${port}/readyz`);
    return { status: res.status, body: await res.json() };
  } finally {
    await http.close();
  }
}

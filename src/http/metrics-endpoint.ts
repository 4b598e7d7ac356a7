/**
 * Prometheus `/metrics`, never open to the world: on the main port only with
 * `Authorization: Bearer <METRICS_TOKEN>`, or on a separate METRICS_PORT that listens on loopback
 * unless METRICS_HOST says otherwise (a container's scraper). With neither, it is not served.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Env } from '../config/env.js';
import type { Queues } from '../jobs/queues.js';
import { QUEUE_NAMES } from '../jobs/registry.js';
import type { Logger } from '../log.js';
import type { Metrics } from '../metrics.js';
import { HttpServer, sendJson } from './server.js';

const DEPTH_STATES = ['waiting', 'active', 'delayed', 'failed', 'completed'] as const;

export interface MetricsEndpointDeps {
  /** The main HTTP server (PORT). */
  http: HttpServer;
  env: Env;
  queues: Queues;
  metrics: Metrics;
  log: Logger;
}

const digest = (text: string) => createHash('sha256').update(text).digest();

/** True when the request carries the bearer token (compared in constant time). */
function authorized(req: IncomingMessage, token: string): boolean {
  const header = req.headers.authorization ?? '';
  const match = /^Bearer\s+(.+)$/i.exec(header.trim());
  return match !== null && timingSafeEqual(digest(match[1] as string), digest(token));
}

/** Serves /metrics where the environment allows; returns what closes the metrics port, if one was opened. */
export async function serveMetrics(deps: MetricsEndpointDeps): Promise<() => Promise<void>> {
  const { env, metrics, queues, log } = deps;
  const token = env.METRICS_TOKEN;

  const handler = async (req: IncomingMessage, res: ServerResponse) => {
    if (token && !authorized(req, token)) {
      res.setHeader('www-authenticate', 'Bearer realm="shiftlead-metrics"');
      return sendJson(res, 401, { error: 'unauthorized', detail: 'send Authorization: Bearer <METRICS_TOKEN>' });
    }
    try {
      await Promise.all(
        QUEUE_NAMES.map(async (name) => {
          const counts = await queues.get(name).getJobCounts(...DEPTH_STATES);
          for (const state of DEPTH_STATES) metrics.queueDepth.set({ queue: name, state }, counts[state] ?? 0);
        }),
      );
    } catch {
      // Redis is down: serve the process metrics anyway; /readyz says why.
    }
    const body = await metrics.registry.metrics();
    res.writeHead(200, { 'content-type': metrics.registry.contentType });
    res.end(body);
  };

  if (env.METRICS_PORT !== undefined) {
    const host = env.METRICS_HOST ?? '127.0.0.1';
    const server = new HttpServer(log, metrics);
    server.route('GET', '/metrics', handler);
    const port = await server.listen(env.METRICS_PORT, host);
    log.info({ host, port }, `/metrics is served on ${host}:${port}${token ? ' (bearer token required)' : ''}`);
    return () => server.close();
  }
  if (token) {
    deps.http.route('GET', '/metrics', handler);
    log.info('/metrics is served on PORT to requests with the bearer METRICS_TOKEN');
  } else {
    log.info('/metrics is not served: set METRICS_TOKEN (bearer, on PORT) or METRICS_PORT (a private port) to scrape it');
  }
  return async () => undefined;
}

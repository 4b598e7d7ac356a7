/**
 * The one HTTP server: exact routes (health, metrics, ingest, Teams) and mounted prefixes (Slack's
 * receiver owns `/slack/*`). Every request is timed into the latency histogram.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from '../log.js';
import type { Metrics } from '../metrics.js';

export type Handler = (req: IncomingMessage, res: ServerResponse) => void | Promise<void>;

interface Route {
  method: string;
  path: string;
  handler: Handler;
}

export class BodyTooLargeError extends Error {}

/** Reads a request body up to `limit` bytes. */
export async function readBody(req: IncomingMessage, limit = 1_000_000): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) throw new BodyTooLargeError(`body over ${limit} bytes`);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  if (res.headersSent) return;
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

export class HttpServer {
  private readonly routes: Route[] = [];
  private readonly mounts: Array<{ prefix: string; handler: Handler }> = [];
  private server: Server | undefined;

  constructor(
    private readonly log: Logger,
    private readonly metrics: Metrics,
  ) {}

  /** Serves one method and exact path. */
  route(method: string, path: string, handler: Handler): void {
    this.routes.push({ method: method.toUpperCase(), path, handler });
  }

  /** Hands every request under `prefix` to `handler`. */
  mount(prefix: string, handler: Handler): void {
    this.mounts.push({ prefix, handler });
  }

  private dispatch(req: IncomingMessage, res: ServerResponse): { label: string; run?: Handler } {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    const method = (req.method ?? 'GET').toUpperCase();
    const exact = this.routes.filter((r) => r.path === path);
    const route = exact.find((r) => r.method === method);
    if (route) return { label: route.path, run: route.handler };
    if (exact.length > 0) {
      res.setHeader('allow', exact.map((r) => r.method).join(', '));
      sendJson(res, 405, { error: 'method_not_allowed' });
      return { label: path };
    }
    const mount = this.mounts.find((m) => path === m.prefix || path.startsWith(`${m.prefix}/`));
    if (mount) return { label: `${mount.prefix}/*`, run: mount.handler };
    sendJson(res, 404, { error: 'not_found' });
    return { label: 'unmatched' };
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const stop = this.metrics.httpDuration.startTimer();
    const { label, run } = this.dispatch(req, res);
    res.once('finish', () => stop({ method: req.method ?? 'GET', route: label, status: String(res.statusCode) }));
    if (!run) return;
    Promise.resolve()
      .then(() => run(req, res))
      .catch((error: unknown) => {
        if (error instanceof BodyTooLargeError) return sendJson(res, 413, { error: 'body_too_large' });
        this.log.error({ err: error, route: label }, 'request failed');
        if (!res.headersSent) sendJson(res, 500, { error: 'internal_error' });
        else res.end();
      });
  }

  /** Starts listening; resolves with the bound port (use 0 for any free port). */
  async listen(port: number, host?: string): Promise<number> {
    const server = createServer((req, res) => this.handle(req, res));
    server.keepAliveTimeout = 65_000;
    this.server = server;
    await new Promise<void>((done, fail) => {
      server.once('error', fail);
      server.listen(port, host, () => {
        server.off('error', fail);
        done();
      });
    });
    return (server.address() as AddressInfo).port;
  }

  /** Stops taking new connections and waits for open requests to finish. */
  async close(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    await new Promise<void>((done) => {
      server.close(() => done());
      server.closeIdleConnections();
    });
  }
}

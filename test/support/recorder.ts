/**
 * A tiny HTTP server that plays a chat platform for tests: it records every request and answers
 * from a script (200 by default; 429 with Retry-After, 404, 500, or "hold until the client dies").
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Recorded {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  body: string;
  json: unknown;
  at: number;
  /** True once a response was sent (a held request whose client died is not delivered). */
  answered: boolean;
}

export type Reply =
  | { status: number; body?: unknown; headers?: Record<string, string> }
  | { hold: true };

export type Script = (req: Recorded, index: number) => Reply | undefined;

export class Recorder {
  readonly requests: Recorded[] = [];
  private server: Server | undefined;
  private waiters: Array<() => void> = [];
  script: Script = () => undefined;
  /** Fallback answer when the script returns undefined. */
  answer: (req: Recorded) => Reply = () => ({ status: 200, body: { ok: true } });

  /** The base URL, once started. */
  url = '';

  async start(): Promise<string> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((done) => this.server?.listen(0, '127.0.0.1', done));
    this.url = `http://127.0.0.1:${(this.server?.address() as AddressInfo).port}`;
    return this.url;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = Buffer.concat(chunks).toString('utf8');
    let json: unknown;
    try {
      json = body ? JSON.parse(body) : undefined;
    } catch {
      json = undefined;
    }
    const record: Recorded = { method: req.method ?? 'GET', path: req.url ?? '/', headers: req.headers, body, json, at: Date.now(), answered: false };
    const index = this.requests.push(record) - 1;
    this.notify();
    const reply = this.script(record, index) ?? this.answer(record);
    if ('hold' in reply) return; // never answered; the client gives up or dies
    const text = reply.body === undefined ? '' : typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body);
    res.writeHead(reply.status, { 'content-type': 'application/json', ...reply.headers });
    res.end(text, () => {
      record.answered = true;
      this.notify();
    });
  }

  private notify(): void {
    for (const w of this.waiters.splice(0)) w();
  }

  /** Resolves when `predicate` holds for the recorded requests (polls on every new event). */
  async waitFor(predicate: (requests: Recorded[]) => boolean, timeoutMs = 15_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!predicate(this.requests)) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`recorder: condition not met in ${timeoutMs} ms (${this.requests.length} requests)`);
      await new Promise<void>((done) => {
        const timer = setTimeout(done, Math.min(left, 250));
        this.waiters.push(() => {
          clearTimeout(timer);
          done();
        });
      });
    }
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((done) => server.close(() => done()));
  }
}

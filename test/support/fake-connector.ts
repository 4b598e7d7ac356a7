/**
 * A small HTTP server that plays the Bot Connector for Teams tests: it records POST/PUT/DELETE on
 * `/v3/conversations…` and answers as Teams does (a channel post returns `<channel>;messageid=<id>`),
 * or as a test scripts it: 429 with Retry-After, 403 (blocked), 404.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ConnectorCall {
  method: string;
  path: string;
  /** The conversation id in the path, decoded. */
  conversation: string | undefined;
  activityId: string | undefined;
  body: Record<string, unknown>;
  at: number;
}

type Scripted = { status: number; headers?: Record<string, string>; body?: unknown };

export class FakeConnector {
  readonly calls: ConnectorCall[] = [];
  private server: Server | undefined;
  private counter = 1_700_000_000_000;
  private readonly scripts: Array<{ match: (c: ConnectorCall) => boolean; reply: Scripted; times: number }> = [];
  private waiters: Array<() => void> = [];
  url = '';
  /** What GET /v3/conversations/{id}/members/{user id} answers, by user id (others: 404). */
  members: Record<string, Record<string, unknown>> = {};
  /** How POST /v3/conversations answers; by default as Teams does for a channel post. */
  createAnswer: (n: string, channel: string | undefined) => Record<string, unknown> = (n, channel) => (channel ? { id: `${channel};messageid=${n}`, activityId: n } : { id: `a:1:1-chat-${n}` });

  async start(): Promise<string> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((done) => this.server?.listen(0, '127.0.0.1', done));
    this.url = `http://127.0.0.1:${(this.server?.address() as AddressInfo).port}/`;
    return this.url;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((done) => (this.server ? this.server.close(() => done()) : done()));
  }

  /** Answers matching calls with `reply`, `times` times (Infinity for always). */
  script(match: (c: ConnectorCall) => boolean, reply: Scripted, times = 1): void {
    this.scripts.push({ match, reply, times });
  }

  /** Posts of new messages (sends, replies and created conversations), newest last. */
  posts(): ConnectorCall[] {
    return this.calls.filter((c) => c.method === 'POST' && (c.activityId !== undefined || c.path.endsWith('/activities') || c.conversation === undefined));
  }

  async waitFor(predicate: (calls: ConnectorCall[]) => boolean, timeoutMs = 15_000, what = 'connector calls'): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!predicate(this.calls)) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`fake connector: ${what} not seen in ${timeoutMs} ms; calls: ${this.calls.map((c) => `${c.method} ${c.path}`).join(', ')}`);
      await new Promise<void>((done) => {
        const timer = setTimeout(done, Math.min(left, 200));
        this.waiters.push(() => {
          clearTimeout(timer);
          done();
        });
      });
    }
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    const path = (req.url ?? '').split('?')[0] ?? '';
    const m = /^\/v3\/conversations(?:\/([^/]+)(?:\/activities(?:\/([^/]+))?)?)?/.exec(path);
    const call: ConnectorCall = {
      method: req.method ?? 'GET',
      path,
      conversation: m?.[1] ? decodeURIComponent(m[1]) : undefined,
      activityId: m?.[2] ? decodeURIComponent(m[2]) : undefined,
      body: raw ? (JSON.parse(raw) as Record<string, unknown>) : {},
      at: Date.now(),
    };
    this.calls.push(call);
    for (const w of this.waiters.splice(0)) w();
    const script = this.scripts.find((s) => s.times > 0 && s.match(call));
    if (script) {
      script.times -= 1;
      res.writeHead(script.reply.status, { 'content-type': 'application/json', ...script.reply.headers });
      res.end(JSON.stringify(script.reply.body ?? { error: { code: 'Scripted', message: 'scripted answer' } }));
      return;
    }
    const member = /^\/v3\/conversations\/[^/]+\/members\/([^/]+)$/.exec(path);
    if (call.method === 'GET' && member) {
      const found = this.members[decodeURIComponent(member[1] ?? '')];
      res.writeHead(found ? 200 : 404, { 'content-type': 'application/json' });
      res.end(JSON.stringify(found ?? { error: { code: 'MemberNotFoundInConversation', message: 'Member not found' } }));
      return;
    }
    this.counter += 1;
    const id = String(this.counter);
    let body: unknown = { id };
    if (call.method === 'POST' && call.conversation === undefined) {
      const channel = (call.body['channelData'] as { channel?: { id?: string } } | undefined)?.channel?.id;
      body = this.createAnswer(id, channel);
    }
    res.writeHead(call.method === 'POST' ? 201 : 200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  }
}

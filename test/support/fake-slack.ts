/**
 * A small HTTP server that speaks enough of the Slack Web API for end-to-end tests: it records
 * every call (arguments decoded the way Slack reads them) and answers `ok`, or whatever a test
 * scripts — 429 with Retry-After, `channel_not_found`, …
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface SlackCall {
  method: string;
  args: Record<string, unknown>;
  token: string | undefined;
  at: number;
}

type Scripted = { status?: number; headers?: Record<string, string>; body: Record<string, unknown> };

function decode(value: string): unknown {
  if (/^[[{]/.test(value)) {
    try {
      return JSON.parse(value);
    } catch {
      return value;
    }
  }
  return value;
}

export class FakeSlack {
  readonly calls: SlackCall[] = [];
  private server: Server | undefined;
  /** Message timestamps (µs) from the real clock, as Slack's are: history calls filter by them (`oldest`). */
  private ts = Date.now() * 1000;
  private readonly scripts = new Map<string, Scripted[]>();
  private readonly holds = new Map<string, Promise<void>>();
  private waiters: Array<() => void> = [];
  /** What reactions.get returns as the message. */
  reactedMessage: Record<string, unknown> = { type: 'message', text: 'Customer says checkout is down', user: 'U0CARODIA', ts: '1700000000.000001' };
  teamId = 'T0TEST';
  /** What apps.connections.open answers (Socket Mode): a WebSocket URL. */
  socketUrl = '';
  /** Extra fields of the OAuth code exchange (refresh_token, expires_in for rotating tokens). */
  installExtras: Record<string, unknown> = {};
  /** chat.postMessage to these channels fails with this Slack error (`not_in_channel`, `is_archived`). */
  readonly channelErrors = new Map<string, string>();
  /** chat.postMessage calls for which this says true post the message, then answer HTTP 500 (the
   * sender cannot know it was posted). */
  postThenFail: (args: Record<string, unknown>) => boolean = () => false;
  /** A slow Slack: chat.postMessage posts at once but answers this much later (ms). */
  postDelayMs = 0;
  /** Messages posted, by channel id (a DM's is `D…`), oldest first: what conversations.history reads. */
  readonly history = new Map<string, Array<{ ts: string; thread_ts?: string; text: string; metadata?: unknown }>>();
  /** conversations.history / replies calls allowed per minute each (Tier 1 for apps outside the Marketplace). */
  historyPerMinute = 1;
  private readonly historyCalls = new Map<string, number[]>();

  async start(): Promise<string> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((done) => this.server?.listen(0, '127.0.0.1', done));
    this.base = `http://127.0.0.1:${(this.server?.address() as AddressInfo).port}`;
    return `${this.base}/api/`;
  }

  /** The Web API base URL (as `start` returned it). */
  get apiUrl(): string {
    return `${this.base}/api/`;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((done) => (this.server ? this.server.close(() => done()) : done()));
  }

  /** The next calls of `method` get these answers, in order. */
  script(method: string, ...answers: Scripted[]): void {
    this.scripts.set(method, [...(this.scripts.get(method) ?? []), ...answers]);
  }

  /** The next call of `method` is recorded but not answered until the returned function is called. */
  hold(method: string): () => void {
    let release: () => void = () => undefined;
    this.holds.set(method, new Promise<void>((done) => (release = done)));
    return () => release();
  }

  of(method: string): SlackCall[] {
    return this.calls.filter((c) => c.method === method);
  }

  async waitFor(predicate: (calls: SlackCall[]) => boolean, timeoutMs = 15_000, what = 'Slack calls'): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!predicate(this.calls)) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`fake Slack: ${what} not seen in ${timeoutMs} ms; calls: ${this.calls.map((c) => c.method).join(', ')}`);
      await new Promise<void>((done) => {
        const timer = setTimeout(done, Math.min(left, 200));
        this.waiters.push(() => {
          clearTimeout(timer);
          done();
        });
      });
    }
  }

  /** Tier 1: the second history call within a minute gets 429 with Retry-After. */
  private rateLimited(method: string): Scripted | undefined {
    if (method !== 'conversations.history' && method !== 'conversations.replies') return undefined;
    const now = Date.now();
    const recent = (this.historyCalls.get(method) ?? []).filter((t) => now - t < 60_000);
    if (recent.length >= this.historyPerMinute) {
      const retry = Math.ceil((60_000 - (now - (recent[0] as number))) / 1000);
      return { status: 429, headers: { 'retry-after': String(retry) }, body: { ok: false, error: 'ratelimited' } };
    }
    recent.push(now);
    this.historyCalls.set(method, recent);
    return undefined;
  }

  private nextTs(): string {
    this.ts += 100;
    const s = String(this.ts);
    return `${s.slice(0, 10)}.${s.slice(10)}`;
  }

  /** Bytes POSTed to upload URLs (files.getUploadURLExternal), by file id. */
  readonly uploads = new Map<string, string>();
  private base = '';
  private files = 0;

  private answer(method: string, args: Record<string, unknown>): Record<string, unknown> {
    const channel = String(args['channel'] ?? '');
    switch (method) {
      case 'conversations.open':
        return { ok: true, channel: { id: `D${String(args['users'] ?? '').slice(1)}` } };
      case 'files.getUploadURLExternal': {
        if (!Number(args['length'])) return { ok: false, error: 'missing_argument' };
        this.files += 1;
        const id = `F0FILE${this.files}`;
        return { ok: true, upload_url: `${this.base}/upload/v1/${id}`, file_id: id };
      }
      case 'files.completeUploadExternal': {
        const files = (args['files'] as Array<{ id: string; title?: string }> | undefined) ?? [];
        if (!/^[CGDZ][A-Z0-9]{8,}$/.test(String(args['channel_id'] ?? ''))) return { ok: false, error: 'invalid_arguments' };
        return { ok: true, files: files.map((f) => ({ id: f.id, title: f.title, name: f.title })) };
      }
      case 'apps.connections.open':
        return { ok: true, url: this.socketUrl };
      case 'auth.test':
        return { ok: true, user_id: 'U0BOT', bot_id: 'B0BOT', team_id: this.teamId, url: 'https://test.slack.com/' };
      case 'chat.postMessage': {
        const dm = /^[UW]/.test(channel);
        const id = dm ? `D${channel.slice(1)}` : channel;
        const ts = this.nextTs();
        const thread = args['thread_ts'] ? String(args['thread_ts']) : undefined;
        const posted = this.history.get(id) ?? [];
        posted.push({ ts, text: String(args['text'] ?? ''), ...(thread ? { thread_ts: thread } : {}), ...(args['metadata'] ? { metadata: args['metadata'] } : {}) });
        this.history.set(id, posted);
        return { ok: true, channel: id, ts, message: { text: args['text'] } };
      }
      case 'conversations.history':
      case 'conversations.replies': {
        const oldest = Number(args['oldest'] ?? 0);
        const limit = Math.min(Number(args['limit'] ?? 15), 15);
        const all = this.history.get(channel) ?? [];
        const parent = String(args['ts'] ?? '');
        const inPlace = method === 'conversations.history' ? all.filter((m) => !m.thread_ts) : all.filter((m) => m.ts === parent || m.thread_ts === parent);
        // Newest first for history; oldest first for replies (as Slack answers).
        const since = inPlace.filter((m) => Number(m.ts) > oldest);
        const ordered = method === 'conversations.history' ? [...since].reverse() : since;
        const withMetadata = args['include_all_metadata'] === true || args['include_all_metadata'] === 'true';
        const messages = ordered.slice(0, limit).map((m) => ({ type: 'message', ts: m.ts, text: m.text, ...(m.thread_ts ? { thread_ts: m.thread_ts } : {}), ...(withMetadata && m.metadata ? { metadata: m.metadata } : {}) }));
        return { ok: true, messages, has_more: ordered.length > limit };
      }
      case 'chat.update':
        return { ok: true, channel, ts: args['ts'] };
      case 'chat.postEphemeral':
        return { ok: true, message_ts: this.nextTs() };
      case 'chat.getPermalink':
        return { ok: true, channel, permalink: `https://test.slack.com/archives/${channel}/p${String(args['message_ts']).replace('.', '')}` };
      case 'views.open':
      case 'views.publish':
      case 'views.update':
        return { ok: true, view: { id: 'V0TEST', ...(args['view'] as object) } };
      case 'reactions.get':
        return { ok: true, type: 'message', channel, message: { ...this.reactedMessage, permalink: `https://test.slack.com/archives/${channel}/p${String(args['timestamp']).replace('.', '')}` } };
      case 'oauth.v2.access':
        if (args['grant_type'] === 'refresh_token') {
          return { ok: true, access_token: `xoxb-refreshed-${this.calls.length}`, refresh_token: `xoxe-1-next-${this.calls.length}`, expires_in: 43_200, token_type: 'bot' };
        }
        return {
          ok: true,
          app_id: 'A0SHIFTLEAD',
          authed_user: { id: 'U0ANALIMA' },
          scope: 'chat:write,chat:write.public,commands,reactions:read',
          token_type: 'bot',
          access_token: 'xoxb-installed',
          bot_user_id: 'U0BOT',
          team: { id: this.teamId, name: 'Test' },
          enterprise: null,
          is_enterprise_install: false,
          ...this.installExtras,
        };
      default:
        return { ok: true };
    }
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    if ((req.url ?? '').startsWith('/upload/v1/')) {
      // The upload URL: raw bytes in, "OK - <length>" out (as Slack's file servers answer).
      const id = (req.url ?? '').split('/').at(-1) ?? '';
      this.uploads.set(id, raw);
      this.calls.push({ method: 'upload', args: { id, bytes: raw.length }, token: undefined, at: Date.now() });
      for (const w of this.waiters.splice(0)) w();
      res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' });
      res.end(`OK - ${Buffer.byteLength(raw)}`);
      return;
    }
    const method = (req.url ?? '').replace(/^\/api\//, '').split('?')[0] ?? '';
    const args: Record<string, unknown> = {};
    if ((req.headers['content-type'] ?? '').includes('json')) Object.assign(args, raw ? JSON.parse(raw) : {});
    else for (const [k, v] of new URLSearchParams(raw)) args[k] = decode(v);
    const auth = req.headers.authorization;
    const call: SlackCall = { method, args, token: auth?.replace(/^Bearer /, '') ?? (args['token'] as string | undefined), at: Date.now() };
    this.calls.push(call);
    for (const w of this.waiters.splice(0)) w();
    const held = this.holds.get(method);
    if (held) {
      this.holds.delete(method);
      await held;
    }
    const refused = method === 'chat.postMessage' ? this.channelErrors.get(String(args['channel'] ?? '')) : undefined;
    const scripted = refused ? { body: { ok: false, error: refused } } : (this.scripts.get(method)?.shift() ?? this.rateLimited(method));
    let status = scripted?.status ?? 200;
    let body = scripted?.body ?? this.answer(method, args);
    if (!scripted && method === 'chat.postMessage' && this.postThenFail(args)) {
      status = 500;
      body = { ok: false, error: 'internal_error' };
    }
    // Slow: the message is posted now, the answer comes later (a client that dies meanwhile never hears).
    if (method === 'chat.postMessage' && this.postDelayMs > 0) await new Promise((r) => setTimeout(r, this.postDelayMs));
    res.writeHead(status, { 'content-type': 'application/json', ...scripted?.headers });
    res.end(JSON.stringify(body));
  }
}

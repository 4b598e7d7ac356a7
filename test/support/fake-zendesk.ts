/**
 * A local fake of the Zendesk Support API for the connector's tests, answering with payloads
 * shaped like Zendesk's documented and recorded responses (/work/notes/zendesk.md): Basic auth
 * (`email/token:api_token`), the cursor-based incremental ticket export with metric sets (both on
 * each ticket and side-loaded at the top level), satisfaction ratings with cursor pagination, the
 * search count, 10 incremental-export requests per rolling minute (then 429 + Retry-After), and
 * hooks to force a 429 or a 5xx on the next call. It records every request.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeTicket {
  id: number;
  status: 'new' | 'open' | 'pending' | 'hold' | 'solved' | 'closed' | 'deleted';
  created_at: string;
  /** Calendar minutes to the first reply; null before one. */
  replyMinutes: number | null;
  /** When it last changed: the export orders and filters by it (unix seconds). */
  generated_timestamp: number;
  satisfaction?: { id: number; score: 'good' | 'bad'; comment?: string } | null;
}

export interface FakeRating {
  id: number;
  ticket_id: number;
  score: 'good' | 'bad' | 'offered' | 'unoffered';
  created_at: string;
}

export interface ZendeskRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  authorization: string | undefined;
  at: number;
  status: number;
}

type Forced = { status: number; headers?: Record<string, string>; body: string; contentType: string };

const RATE_LIMITED_INCREMENTAL = JSON.stringify({ error: 'APIRateLimitExceeded', description: 'Number of allowed incremental export API requests per minute exceeded' });

export class FakeZendesk {
  readonly requests: ZendeskRequest[] = [];
  tickets: FakeTicket[] = [];
  ratings: FakeRating[] = [];
  email = 'admin@acme.example';
  token = '6wiIBWbGkBMo1mRDMuVwkw1EPsNkeUj95PIz2akv';
  /** The most tickets per export page (Zendesk's default and maximum are 1000). */
  maxPerPage = 1000;
  /** Incremental export requests allowed per rolling 60 s. */
  incrementalPerMinute = 10;
  /** Seconds the export keeps back (Zendesk never returns the newest minute). */
  recentWindowS = 60;
  private server: Server | undefined;
  private forced: Array<{ match: (path: string) => boolean; reply: Forced }> = [];
  private holds: Array<{ match: (r: ZendeskRequest) => boolean; release: Promise<void> }> = [];
  private waiters: Array<() => void> = [];
  base = '';

  async start(): Promise<string> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((done) => this.server?.listen(0, '127.0.0.1', done));
    this.base = `http://127.0.0.1:${(this.server?.address() as AddressInfo).port}`;
    return this.base;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((done) => (this.server ? this.server.close(() => done()) : done()));
  }

  /** The next request whose path matches gets a 429 with Retry-After (as the incremental export answers). */
  rateLimitNext(match: (path: string) => boolean, retryAfterSeconds: number): void {
    this.forced.push({ match, reply: { status: 429, headers: { 'retry-after': String(retryAfterSeconds) }, body: RATE_LIMITED_INCREMENTAL, contentType: 'application/json; charset=utf-8' } });
  }

  /** The next request whose path matches gets this status (a 503 has no documented body). */
  failNext(match: (path: string) => boolean, status: number): void {
    this.forced.push({ match, reply: { status, body: '', contentType: 'text/plain' } });
  }

  /** Requests that match wait until `release` resolves. */
  hold(match: (r: ZendeskRequest) => boolean, release: Promise<void>): void {
    this.holds.push({ match, release });
  }

  of(path: string): ZendeskRequest[] {
    return this.requests.filter((r) => r.path.startsWith(path));
  }

  async waitFor(predicate: (requests: ZendeskRequest[]) => boolean, timeoutMs = 20_000, what = 'Zendesk requests'): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!predicate(this.requests)) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`fake Zendesk: ${what} not seen in ${timeoutMs} ms; requests: ${this.requests.map((r) => `${r.status} ${r.path}?${r.query.toString()}`).join(', ')}`);
      await new Promise<void>((done) => {
        const timer = setTimeout(done, Math.min(left, 200));
        this.waiters.push(() => {
          clearTimeout(timer);
          done();
        });
      });
    }
  }

  private send(res: ServerResponse, record: ZendeskRequest, status: number, body: unknown, headers: Record<string, string> = {}, contentType = 'application/json; charset=utf-8'): void {
    record.status = status;
    const text = typeof body === 'string' ? body : JSON.stringify(body);
    res.writeHead(status, { 'content-type': contentType, 'content-length': Buffer.byteLength(text), 'x-rate-limit': '700', 'x-rate-limit-remaining': '699', ...headers });
    res.end(text);
    for (const w of this.waiters.splice(0)) w();
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    for await (const _ of req) void _;
    const url = new URL(req.url ?? '/', this.base);
    const record: ZendeskRequest = { method: req.method ?? 'GET', path: url.pathname, query: url.searchParams, authorization: req.headers.authorization, at: Date.now(), status: 0 };
    this.requests.push(record);
    const hold = this.holds.find((h) => h.match(record));
    if (hold) await hold.release;

    const expected = `Basic ${Buffer.from(`${this.email}/token:${this.token}`).toString('base64')}`;
    if (req.headers.authorization !== expected) {
      return this.send(res, record, 401, { error: "Couldn't authenticate you" }, { 'www-authenticate': 'Basic realm="Web Password"', 'cache-control': 'no-cache' });
    }
    const forced = this.forced.findIndex((f) => f.match(url.pathname));
    if (forced >= 0) {
      const reply = (this.forced.splice(forced, 1)[0] as { reply: Forced }).reply;
      return this.send(res, record, reply.status, reply.body, reply.headers, reply.contentType);
    }
    const path = url.pathname.replace(/\.json$/, '');
    if (path === '/api/v2/incremental/tickets/cursor') return this.incremental(res, record, url);
    if (path === '/api/v2/satisfaction_ratings') return this.satisfaction(res, record, url);
    if (path === '/api/v2/search/count') return this.count(res, record, url);
    return this.send(res, record, 404, { error: 'InvalidEndpoint', description: 'Not found' });
  }

  private incremental(res: ServerResponse, record: ZendeskRequest, url: URL): void {
    const recent = this.requests.filter((r) => r.path.startsWith('/api/v2/incremental/') && r.status !== 429 && r.status !== 0 && r.at > record.at - 60_000).length;
    if (recent >= this.incrementalPerMinute) {
      const oldest = this.requests.find((r) => r.path.startsWith('/api/v2/incremental/') && r.status === 200 && r.at > record.at - 60_000);
      const wait = oldest ? Math.max(1, Math.ceil((oldest.at + 60_000 - record.at) / 1000)) : 60;
      return this.send(res, record, 429, RATE_LIMITED_INCREMENTAL, { 'retry-after': String(wait) });
    }
    const cursor = url.searchParams.get('cursor');
    const start = url.searchParams.get('start_time');
    if (!cursor && !start) return this.send(res, record, 422, { error: 'InvalidValue', description: 'start_time or cursor is required' });
    const nowS = Math.floor(Date.now() / 1000);
    if (start && Number(start) > nowS - 60) return this.send(res, record, 422, { error: 'InvalidValue', description: 'Too recent start_time. Use a start_time older than 1 minute' });
    // The cursor is opaque to clients: here, the (generated_timestamp, id) of the last ticket sent.
    const position = cursor ? (JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { ts: number; id: number }) : { ts: Number(start) - 1, id: Number.MAX_SAFE_INTEGER };
    const perPage = Math.min(Number(url.searchParams.get('per_page') ?? 1000), 1000, this.maxPerPage);
    const visible = [...this.tickets]
      .filter((t) => t.generated_timestamp < nowS - this.recentWindowS)
      .filter((t) => (url.searchParams.get('exclude_deleted') === 'true' ? t.status !== 'deleted' : true))
      .sort((a, b) => a.generated_timestamp - b.generated_timestamp || a.id - b.id)
      .filter((t) => t.generated_timestamp > position.ts || (t.generated_timestamp === position.ts && t.id > position.id));
    const page = visible.slice(0, perPage);
    const last = page.at(-1);
    const after = Buffer.from(JSON.stringify(last ? { ts: last.generated_timestamp, id: last.id } : position)).toString('base64url');
    const withMetrics = (url.searchParams.get('include') ?? '').split(',').includes('metric_sets');
    const tickets = page.map((t) => ({ ...this.ticketJson(t), ...(withMetrics ? { metric_set: this.metricSet(t) } : {}) }));
    const path = url.pathname;
    this.send(res, record, 200, {
      after_cursor: after,
      after_url: `${this.base}${path}?cursor=${after}`,
      before_cursor: cursor ? cursor : null,
      before_url: cursor ? `${this.base}${path}?cursor=${cursor}` : null,
      end_of_stream: visible.length <= perPage,
      tickets,
      ...(withMetrics ? { metric_sets: page.map((t) => this.metricSet(t)) } : {}),
    });
  }

  private satisfaction(res: ServerResponse, record: ZendeskRequest, url: URL): void {
    const score = url.searchParams.get('score');
    const from = Number(url.searchParams.get('start_time') ?? 0);
    const to = Number(url.searchParams.get('end_time') ?? Number.MAX_SAFE_INTEGER);
    const size = Math.min(Number(url.searchParams.get('page[size]') ?? 100), 100);
    const after = Number(url.searchParams.get('page[after]') ?? 0);
    const matches = (r: FakeRating) =>
      score === null || score === r.score || (score === 'received' && (r.score === 'good' || r.score === 'bad')) || (score === 'offered' && r.score === 'offered');
    const all = this.ratings
      .filter(matches)
      .filter((r) => Date.parse(r.created_at) / 1000 >= from && Date.parse(r.created_at) / 1000 <= to)
      .sort((a, b) => a.id - b.id)
      .filter((r) => r.id > after);
    const page = all.slice(0, size);
    const hasMore = all.length > size;
    const afterCursor = page.at(-1) ? String(page.at(-1)?.id) : null;
    const next = hasMore ? `${this.base}/api/v2/satisfaction_ratings.json?page[size]=${size}&page[after]=${afterCursor}` : null;
    this.send(res, record, 200, {
      satisfaction_ratings: page.map((r) => ({
        id: r.id,
        url: `${this.base}/api/v2/satisfaction_ratings/${r.id}.json`,
        assignee_id: 235323,
        group_id: 98738,
        requester_id: 20978392,
        ticket_id: r.ticket_id,
        score: r.score,
        comment: r.score === 'good' ? 'Great support!' : null,
        created_at: r.created_at,
        updated_at: r.created_at,
      })),
      meta: { has_more: hasMore, after_cursor: afterCursor, before_cursor: page[0] ? String(page[0].id) : null },
      links: { next, prev: null },
    });
  }

  private count(res: ServerResponse, record: ZendeskRequest, url: URL): void {
    const query = url.searchParams.get('query') ?? '';
    if (!/type:ticket/.test(query)) return this.send(res, record, 400, { error: 'invalid', description: 'unsupported query' });
    const unsolved = new Set(['new', 'open', 'pending', 'hold']);
    const n = this.tickets.filter((t) => (/status<solved/.test(query) ? unsolved.has(t.status) : t.status !== 'deleted')).length;
    this.send(res, record, 200, { count: n });
  }

  private metricSet(t: FakeTicket) {
    const minutes = (v: number | null) => ({ calendar: v, business: v });
    const solved = t.status === 'solved' || t.status === 'closed';
    return {
      url: `${this.base}/api/v2/ticket_metrics/${t.id + 360_000_000}.json`,
      id: t.id + 360_000_000,
      ticket_id: t.id,
      created_at: t.created_at,
      updated_at: new Date(t.generated_timestamp * 1000).toISOString(),
      group_stations: 1,
      assignee_stations: 1,
      reopens: 0,
      replies: t.replyMinutes === null ? 0 : 1,
      assignee_updated_at: t.created_at,
      requester_updated_at: t.created_at,
      status_updated_at: new Date(t.generated_timestamp * 1000).toISOString(),
      initially_assigned_at: t.created_at,
      assigned_at: t.created_at,
      solved_at: solved ? new Date(t.generated_timestamp * 1000).toISOString() : null,
      latest_comment_added_at: t.created_at,
      reply_time_in_minutes: minutes(t.replyMinutes),
      first_resolution_time_in_minutes: minutes(null),
      full_resolution_time_in_minutes: minutes(null),
      agent_wait_time_in_minutes: minutes(null),
      requester_wait_time_in_minutes: minutes(null),
      on_hold_time_in_minutes: { calendar: 0, business: 0 },
    };
  }

  private ticketJson(t: FakeTicket) {
    return {
      url: `${this.base}/api/v2/tickets/${t.id}.json`,
      id: t.id,
      external_id: null,
      via: { channel: 'web', source: { from: {}, to: {}, rel: null } },
      created_at: t.created_at,
      updated_at: new Date(t.generated_timestamp * 1000).toISOString(),
      type: null,
      subject: `Ticket ${t.id}`,
      raw_subject: `Ticket ${t.id}`,
      description: 'The fire is very colorful.',
      priority: 'normal',
      status: t.status,
      recipient: 'support@company.com',
      requester_id: 20978392,
      submitter_id: 76872,
      assignee_id: 235323,
      organization_id: 509974,
      group_id: 98738,
      collaborator_ids: [],
      follower_ids: [],
      email_cc_ids: [],
      forum_topic_id: null,
      problem_id: null,
      has_incidents: false,
      is_public: true,
      due_at: null,
      tags: ['enterprise'],
      custom_fields: [{ id: 27642, value: '745' }],
      satisfaction_rating: t.satisfaction === undefined ? { score: 'unoffered' } : t.satisfaction,
      sharing_agreement_ids: [],
      custom_status_id: 1500007502322,
      fields: [{ id: 27642, value: '745' }],
      followup_ids: [],
      ticket_form_id: null,
      brand_id: 381217,
      allow_channelback: false,
      allow_attachments: true,
      from_messaging_channel: false,
      generated_timestamp: t.generated_timestamp,
    };
  }
}

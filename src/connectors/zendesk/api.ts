/**
 * The few Zendesk Support API calls the connector makes, with plain fetch, validated with zod
 * (only the fields Shiftlead reads; Zendesk adds fields over time):
 *
 * - GET /api/v2/incremental/tickets/cursor.json?start_time=|cursor=&include=metric_sets (admins)
 * - GET /api/v2/satisfaction_ratings.json?score=received&start_time&end_time&page[size] (admins, legacy CSAT)
 * - GET /api/v2/search/count.json?query=type:ticket status<solved
 *
 * Auth: Basic base64("<email>/token:<api token>"). 429 → ConnectorRateLimited(Retry-After, else
 * 60 s); 401/403/404 and other 4xx → ConnectorRefused (retrying soon cannot help); 5xx, network
 * errors and timeouts are thrown as they are (transient).
 */
import { z } from 'zod';
import { ConnectorRateLimited, ConnectorRefused } from '../../core/metrics/connector.js';

const Minutes = z.object({ calendar: z.number().nullable().optional(), business: z.number().nullable().optional() }).nullable().optional();

export const MetricSet = z.looseObject({
  ticket_id: z.number(),
  reply_time_in_minutes: Minutes,
  solved_at: z.string().nullable().optional(),
});
export type MetricSet = z.infer<typeof MetricSet>;

export const Ticket = z.looseObject({
  id: z.number(),
  status: z.string(),
  created_at: z.string(),
  metric_set: MetricSet.nullable().optional(),
});
export type Ticket = z.infer<typeof Ticket>;

export const TicketPage = z.looseObject({
  tickets: z.array(Ticket),
  /** Side-loaded metric sets: Zendesk's side-loading puts them at the top level, keyed by ticket_id. */
  metric_sets: z.array(MetricSet).optional(),
  after_cursor: z.string().nullable(),
  end_of_stream: z.boolean(),
});
export type TicketPage = z.infer<typeof TicketPage>;

export const Rating = z.looseObject({
  id: z.number(),
  score: z.string(),
  created_at: z.string(),
});

export const RatingPage = z.looseObject({
  satisfaction_ratings: z.array(Rating),
  meta: z.looseObject({ has_more: z.boolean(), after_cursor: z.string().nullable().optional() }).optional(),
});
export type RatingPage = z.infer<typeof RatingPage>;

/** search/count answers a bare number; the `{value}` object form of other count endpoints is accepted too. */
const Count = z.looseObject({ count: z.union([z.number(), z.looseObject({ value: z.number() })]) });

/** Without a Retry-After (or an unreadable one), wait a minute, as Zendesk's exporters do. */
const DEFAULT_RETRY_MS = 60_000;
const TIMEOUT_MS = 30_000;

export interface ZendeskApiOptions {
  /** https://<subdomain>.zendesk.com, or ZENDESK_API_URL. */
  baseUrl: string;
  email: string;
  token: string;
  fetch?: typeof fetch;
}

export class ZendeskApi {
  private readonly auth: string;
  private readonly base: string;

  constructor(private readonly options: ZendeskApiOptions) {
    this.auth = `Basic ${Buffer.from(`${options.email}/token:${options.token}`).toString('base64')}`;
    this.base = options.baseUrl.replace(/\/+$/, '');
  }

  private async get<T>(path: string, query: Record<string, string | number | undefined>, schema: z.ZodType<T>): Promise<T> {
    const url = new URL(`${this.base}${path}`);
    for (const [k, v] of Object.entries(query)) if (v !== undefined) url.searchParams.set(k, String(v));
    const res = await (this.options.fetch ?? fetch)(url, { headers: { authorization: this.auth, accept: 'application/json' }, signal: AbortSignal.timeout(TIMEOUT_MS) });
    const text = await res.text();
    if (res.status === 429) {
      const seconds = Number(res.headers.get('retry-after'));
      throw new ConnectorRateLimited(Number.isFinite(seconds) && seconds >= 0 ? Math.max(1_000, seconds * 1000) : DEFAULT_RETRY_MS);
    }
    if (res.status >= 500) throw new Error(`Zendesk answered ${res.status} to ${path}`);
    if (res.status === 401) throw new ConnectorRefused('Zendesk refused the credentials (401): check ZENDESK_EMAIL and ZENDESK_API_TOKEN');
    if (res.status === 403) throw new ConnectorRefused(`Zendesk refused ${path} (403): the API token must belong to a Zendesk admin`);
    if (res.status === 404) throw new ConnectorRefused(`Zendesk has no ${path} (404): check ZENDESK_SUBDOMAIN or ZENDESK_API_URL`);
    if (res.status >= 400) throw new ConnectorRefused(`Zendesk refused ${path} (${res.status}): ${text.slice(0, 200)}`);
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw new ConnectorRefused(`Zendesk answered ${path} with something that is not JSON`);
    }
    const parsed = schema.safeParse(json);
    if (!parsed.success) throw new ConnectorRefused(`Zendesk's answer to ${path} has an unexpected shape: ${parsed.error.issues.slice(0, 3).map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
    return parsed.data;
  }

  /** One page of the incremental ticket export, with metric sets: from a start time (unix s) the first time, then from a cursor. */
  tickets(from: { cursor: string } | { startTime: number }, perPage?: number): Promise<TicketPage> {
    const where = 'cursor' in from ? { cursor: from.cursor } : { start_time: from.startTime };
    return this.get('/api/v2/incremental/tickets/cursor.json', { ...where, include: 'metric_sets', per_page: perPage }, TicketPage);
  }

  /** One page of good and bad ratings created in [startTime, endTime] (unix s), cursor-paginated. */
  ratings(startTime: number, endTime: number, after?: string): Promise<RatingPage> {
    return this.get('/api/v2/satisfaction_ratings.json', { score: 'received', start_time: startTime, end_time: endTime, 'page[size]': 100, 'page[after]': after }, RatingPage);
  }

  /** Unsolved tickets now (new, open, pending, on hold). */
  async backlog(): Promise<number> {
    const { count } = await this.get('/api/v2/search/count.json', { query: 'type:ticket status<solved' }, Count);
    return typeof count === 'number' ? count : count.value;
  }
}

/**
 * Zendesk as a metric source (`zendesk`), one request per step, in three phases that repeat:
 *
 * 1. tickets — the incremental cursor export with metric sets, page by page until end_of_stream;
 *    its after_cursor is kept, so the next round asks only for tickets changed since. Each ticket
 *    gives two facts: its first reply time (calendar minutes; it counts on the day of the reply)
 *    and whether it is solved (it counts on the day it was created).
 * 2. ratings — good and bad satisfaction ratings created since the last round (ten minutes of
 *    overlap; ratings are facts by id, so the overlap counts nothing twice).
 * 3. backlog — the number of unsolved tickets now, as today's value.
 *
 * Daily values: firstResponseMinutes = the median first reply of the day's replies;
 * resolutionRate = the share of the day's new tickets that are solved now; csatGood = good /
 * (good + bad). Zendesk's CSAT is good/bad, so it is never turned into a made-up 1–5 average.
 */
import { z } from 'zod';
import type { Aggregate, Connector, Fact, StepResult } from '../../core/metrics/connector.js';
import { TEAM } from '../../core/metrics/model.js';
import { localDate } from '../../core/schedule/local-time.js';
import type { TicketPage, ZendeskApi } from './api.js';

export const ZENDESK_SOURCE = 'zendesk';
/** The first round looks this far back, for the trend and the 14-day charts. */
const BACKFILL_S = 14 * 86_400;
/** Zendesk excludes the newest minute from exports; ratings are asked for up to this long ago. */
const RATINGS_LAG_S = 90;
const RATINGS_OVERLAP_S = 600;
const SOLVED = new Set(['solved', 'closed']);

const State = z.object({
  phase: z.enum(['tickets', 'ratings', 'backlog']),
  ticketCursor: z.string().optional(),
  ticketStart: z.number(),
  ratingsFrom: z.number(),
  ratingsTo: z.number().optional(),
  ratingsAfter: z.string().optional(),
});
type State = z.infer<typeof State>;

export class ZendeskConnector implements Connector {
  readonly source = ZENDESK_SOURCE;
  readonly aggregates: readonly Aggregate[] = [
    { set: 'frt', metric: 'firstResponseMinutes', how: 'median' },
    { set: 'created', metric: 'resolutionRate', how: 'mean' },
    { set: 'csat', metric: 'csatGood', how: 'mean' },
  ];

  constructor(
    private readonly api: ZendeskApi,
    /** The organization's time zone: facts count on its local dates. */
    private readonly zone: () => string,
    /** Once caught up, the next round starts this much later. */
    private readonly roundEveryMs = 5 * 60_000,
    private readonly perPage?: number,
  ) {}

  private ticketFacts(page: TicketPage): Fact[] {
    const zone = this.zone();
    const sideLoaded = new Map((page.metric_sets ?? []).map((m) => [m.ticket_id, m]));
    return page.tickets.flatMap((t): Fact[] => {
      const id = String(t.id);
      if (t.status === 'deleted') return [{ set: 'frt', id, date: null, value: 0 }, { set: 'created', id, date: null, value: 0 }];
      const created = Date.parse(t.created_at);
      if (Number.isNaN(created)) return [];
      const reply = (t.metric_set ?? sideLoaded.get(t.id))?.reply_time_in_minutes?.calendar;
      const frt: Fact = typeof reply === 'number' ? { set: 'frt', id, date: localDate(new Date(created + reply * 60_000), zone), value: reply } : { set: 'frt', id, date: null, value: 0 };
      return [frt, { set: 'created', id, date: localDate(new Date(created), zone), value: SOLVED.has(t.status) ? 1 : 0 }];
    });
  }

  async step(raw: unknown, now: Date): Promise<StepResult> {
    const nowS = Math.floor(now.getTime() / 1000);
    const parsed = State.safeParse(raw);
    const state: State = parsed.success ? parsed.data : { phase: 'tickets', ticketStart: nowS - BACKFILL_S, ratingsFrom: nowS - BACKFILL_S };
    const done = (next: State, facts: Fact[] = [], nextInMs = 0): StepResult => ({ facts, points: [], state: next, nextInMs });

    switch (state.phase) {
      case 'tickets': {
        const page = await this.api.tickets(state.ticketCursor ? { cursor: state.ticketCursor } : { startTime: state.ticketStart }, this.perPage);
        const ticketCursor = page.after_cursor ?? state.ticketCursor;
        const next: State = { ...state, ...(ticketCursor ? { ticketCursor } : {}) };
        return done(page.end_of_stream ? { ...next, phase: 'ratings', ratingsTo: nowS - RATINGS_LAG_S } : next, this.ticketFacts(page));
      }
      case 'ratings': {
        const to = state.ratingsTo ?? nowS - RATINGS_LAG_S;
        const caughtUp = { ...state, phase: 'backlog' as const, ratingsFrom: Math.max(state.ratingsFrom, to - RATINGS_OVERLAP_S), ratingsTo: undefined, ratingsAfter: undefined };
        if (to <= state.ratingsFrom) return done(caughtUp);
        const page = await this.api.ratings(state.ratingsFrom, to, state.ratingsAfter);
        const zone = this.zone();
        const facts = page.satisfaction_ratings.map((r): Fact => {
          const good = r.score.startsWith('good');
          const counts = good || r.score.startsWith('bad');
          return { set: 'csat', id: String(r.id), date: counts ? localDate(new Date(r.created_at), zone) : null, value: good ? 1 : 0 };
        });
        const after = page.meta?.has_more ? page.meta.after_cursor : undefined;
        return done(after ? { ...state, ratingsTo: to, ratingsAfter: after } : caughtUp, facts);
      }
      case 'backlog': {
        const count = await this.api.backlog();
        const point = { metric: 'backlog', date: localDate(now, this.zone()), value: count, department: TEAM, source: this.source };
        return { facts: [], points: [point], state: { ...state, phase: 'tickets' }, nextInMs: this.roundEveryMs };
      }
    }
  }
}

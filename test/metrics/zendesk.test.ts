/**
 * The Zendesk connector in the running app against a local fake of Zendesk's API, on real Redis:
 * pagination, a 429 waited out, the cursor kept across rounds and across a restart, updated
 * tickets and overlapping rating windows counted once, and numbers checked by hand.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { parseEnv } from '../../src/config/env.js';
import { TEAM } from '../../src/core/metrics/model.js';
import { addDays, localDate, localInstant } from '../../src/core/schedule/local-time.js';
import { metricsKeys } from '../../src/store/keys.js';
import { RedisMetricStore } from '../../src/store/metrics.js';
import { eventually, startTestApp } from '../support/app.js';
import { FakeZendesk, type FakeTicket } from '../support/fake-zendesk.js';
import { deletePrefix, newRedis, uniquePrefix } from '../support/redis.js';

const ZONE = 'Europe/Lisbon';
const nowS = () => Math.floor(Date.now() / 1000);

/** Three days ago in Lisbon, and its noon. */
const D = addDays(localDate(new Date(), ZONE), -3);
const noon = localInstant(D, { hour: 12, minute: 0 }, ZONE).at.getTime();
const iso = (ms: number) => new Date(ms).toISOString();

function ticket(id: number, status: FakeTicket['status'], createdMs: number, replyMinutes: number | null, order: number): FakeTicket {
  return { id, status, created_at: iso(createdMs), replyMinutes, generated_timestamp: Math.floor(noon / 1000) + order * 60 };
}

describe('the Zendesk connector', () => {
  const cleanups: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });

  async function start(fake: FakeZendesk, prefix: string, extra: Record<string, string> = {}) {
    const env = parseEnv({ ZENDESK_API_URL: fake.base, ZENDESK_EMAIL: fake.email, ZENDESK_API_TOKEN: fake.token, ZENDESK_REQUESTS_PER_MINUTE: '600', ZENDESK_SYNC_EVERY: '2s', ...extra });
    const app = await startTestApp({ env, prefix, reconcileEveryMs: 300 });
    let closed = false;
    const close = async () => {
      if (closed) return;
      closed = true;
      await app.close();
    };
    cleanups.push(close);
    return { app, close };
  }

  async function fixture(): Promise<{ fake: FakeZendesk; prefix: string }> {
    const fake = new FakeZendesk();
    await fake.start();
    const prefix = uniquePrefix();
    cleanups.push(async () => {
      await fake.stop();
      const redis = newRedis();
      await deletePrefix(redis, prefix);
      redis.disconnect();
    });
    fake.tickets = [
      ticket(101, 'solved', noon, 10, 1),
      ticket(102, 'open', noon, 30, 2),
      ticket(103, 'pending', noon, null, 3),
      ticket(104, 'closed', noon, 50, 4),
      ticket(105, 'deleted', noon, 5, 5),
      // Created ten minutes before midnight on the day before; answered twenty minutes later, on D.
      ticket(106, 'hold', localInstant(D, { hour: 0, minute: 0 }, ZONE).at.getTime() - 10 * 60_000, 20, 6),
    ];
    fake.ratings = [
      { id: 1, ticket_id: 101, score: 'good', created_at: iso(noon + 30 * 60_000) },
      { id: 2, ticket_id: 102, score: 'bad', created_at: iso(noon + 60 * 60_000) },
      { id: 3, ticket_id: 104, score: 'good', created_at: iso(noon + 120 * 60_000) },
      { id: 4, ticket_id: 103, score: 'offered', created_at: iso(noon + 130 * 60_000) },
    ];
    return { fake, prefix };
  }

  const values = async (prefix: string, dates: string[]) => {
    const redis = newRedis();
    try {
      const read = await new RedisMetricStore(redis, prefix).read([TEAM], dates);
      return Object.fromEntries(read.filter((p) => p.source === 'zendesk').map((p) => [`${p.metric} ${p.date}`, [p.value, p.count ?? null]]));
    } finally {
      redis.disconnect();
    }
  };

  it('follows the pages, waits out a 429, and turns tickets and ratings into daily values; the next round asks only for changes', async () => {
    const { fake, prefix } = await fixture();
    fake.maxPerPage = 2;
    // The second export request is rate limited for a second.
    fake.rateLimitNext((path) => path.includes('/incremental/') && fake.of('/api/v2/incremental/').length === 2, 1);
    await start(fake, prefix);

    await fake.waitFor((r) => r.some((x) => x.path.startsWith('/api/v2/search/count') && x.status === 200), 30_000, 'the first round');
    const roundEnd = fake.requests.find((x) => x.path.startsWith('/api/v2/search/count'))?.at ?? 0;
    const exports = fake.of('/api/v2/incremental/tickets/cursor').filter((r) => r.at <= roundEnd);
    expect(exports.map((r) => r.status)).toEqual([200, 429, 200, 200]);
    expect(exports[0]?.query.get('start_time')).toMatch(/^\d+$/);
    expect(exports[0]?.query.get('include')).toBe('metric_sets');
    // The rate-limited page is asked again with the same cursor, no sooner than Retry-After.
    expect(exports[2]?.query.get('cursor')).toBe(exports[1]?.query.get('cursor'));
    expect(exports[2]?.query.get('cursor')).toBeTruthy();
    expect((exports[2]?.at ?? 0) - (exports[1]?.at ?? 0)).toBeGreaterThanOrEqual(1000);
    expect(fake.requests.every((r) => r.authorization === `Basic ${Buffer.from(`${fake.email}/token:${fake.token}`).toString('base64')}`)).toBe(true);
    const ratings = fake.of('/api/v2/satisfaction_ratings');
    expect(ratings[0]?.query.get('score')).toBe('received');

    const today = localDate(new Date(), ZONE);
    // First replies on D: 10, 30, 50 (tickets 101, 102, 104) and 20 (106, created the day before):
    // median 25 of 4. Tickets created on D: 101 and 104 solved, 102 and 103 not: 0.5 of 4. The day
    // before: 106, unsolved. Ratings: good, bad, good (the offered one does not count).
    expect(await values(prefix, [addDays(D, -1), D, today])).toEqual({
      [`firstResponseMinutes ${D}`]: [25, 4],
      [`resolutionRate ${D}`]: [0.5, 4],
      [`resolutionRate ${addDays(D, -1)}`]: [0, 1],
      [`csatGood ${D}`]: [0.6667, 3],
      [`backlog ${today}`]: [3, null],
    });

    // Ticket 102 is solved and a new bad rating comes in: the next round sees only those.
    const before = fake.requests.length;
    const t102 = fake.tickets.find((t) => t.id === 102) as FakeTicket;
    t102.status = 'solved';
    t102.generated_timestamp = nowS() - 61;
    fake.ratings.push({ id: 5, ticket_id: 102, score: 'bad', created_at: iso(Date.now() - 100_000) });
    await fake.waitFor((r) => r.slice(before).some((x) => x.path.startsWith('/api/v2/search/count') && x.status === 200), 30_000, 'the second round');
    const second = fake.requests.slice(before).filter((r) => r.path.includes('/incremental/'));
    expect(second.every((r) => r.query.get('cursor') && !r.query.has('start_time'))).toBe(true);
    const after = await values(prefix, [D, localDate(new Date(Date.now() - 100_000), ZONE)]);
    expect(after[`resolutionRate ${D}`]).toEqual([0.75, 4]);
    expect(after[`firstResponseMinutes ${D}`]).toEqual([25, 4]);
    expect(after[`csatGood ${D}`]).toEqual([0.6667, 3]);
    expect(after[`csatGood ${localDate(new Date(Date.now() - 100_000), ZONE)}`]).toEqual([0, 1]);
  });

  it('resumes from its saved cursor after a restart, counting nothing twice', async () => {
    const { fake, prefix } = await fixture();
    fake.maxPerPage = 1;
    const first = await start(fake, prefix, { ZENDESK_REQUESTS_PER_MINUTE: '40' });
    const redis = newRedis();
    cleanups.push(async () => redis.disconnect());
    const state = async () => JSON.parse((await redis.get(metricsKeys(prefix).connector('zendesk'))) ?? '{}') as { version?: number; state?: { ticketCursor?: string; phase?: string } };
    // Stop between steps, after three pages were saved.
    await eventually(async () => ((await state()).version ?? 0) >= 3, 30_000, 'three pages saved');
    await first.close();
    const saved = await state();
    expect(saved.state?.phase).toBe('tickets');
    const stoppedAt = fake.requests.length;

    await start(fake, prefix, { ZENDESK_REQUESTS_PER_MINUTE: '40' });
    await fake.waitFor((r) => r.slice(stoppedAt).some((x) => x.path.startsWith('/api/v2/search/count') && x.status === 200), 40_000, 'the round finished after the restart');
    const resumed = fake.requests.slice(stoppedAt).filter((r) => r.path.includes('/incremental/'));
    expect(resumed[0]?.query.get('cursor')).toBe(saved.state?.ticketCursor);
    expect(resumed.some((r) => r.query.has('start_time'))).toBe(false);
    const got = await values(prefix, [addDays(D, -1), D]);
    expect(got[`firstResponseMinutes ${D}`]).toEqual([25, 4]);
    expect(got[`resolutionRate ${D}`]).toEqual([0.5, 4]);
    expect(got[`resolutionRate ${addDays(D, -1)}`]).toEqual([0, 1]);
  });

  it('refused credentials are logged and retried later, never hammered', async () => {
    const { fake, prefix } = await fixture();
    await start(fake, prefix, { ZENDESK_API_TOKEN: 'not-the-admins-token' });
    await fake.waitFor((r) => r.some((x) => x.status === 401), 20_000, 'a 401');
    await new Promise((r) => setTimeout(r, 1_500));
    expect(fake.requests).toHaveLength(1);
    const redis = newRedis();
    const saved = JSON.parse((await redis.get(metricsKeys(prefix).connector('zendesk'))) ?? '{}') as { problem?: string; nextAt?: number };
    redis.disconnect();
    expect(saved.problem).toBe('Zendesk refused the credentials (401): check ZENDESK_EMAIL and ZENDESK_API_TOKEN');
    expect((saved.nextAt ?? 0) - Date.now()).toBeGreaterThan(10 * 60_000);
  });
});

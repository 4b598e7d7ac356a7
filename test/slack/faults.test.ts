/** Bad input and faults on Slack: forged requests, retries, rate limits and a Redis outage. */
import { afterEach, describe, expect, it } from 'vitest';
import { counter } from '../support/app.js';
import { messageProblems } from '../support/block-kit.js';
import { restartRedis, startPrivateRedis } from '../support/private-redis.js';
import { startSlackHarness, type SlackHarness } from '../support/slack-app.js';
import { buttonPress, eventCallback, interaction, postSigned, sign, slashCommand, viewSubmission } from '../support/slack-requests.js';

const FORM = 'application/x-www-form-urlencoded';
const JSON_TYPE = 'application/json';
const ANA = 'U0ANALIMA';
const T = 'slack-T0TEST';

describe('Slack: bad input and faults', () => {
  const cleanups: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const fn of cleanups.splice(0).reverse()) await fn();
  });

  async function harness(options: Parameters<typeof startSlackHarness>[0] = {}): Promise<SlackHarness> {
    const h = await startSlackHarness(options);
    cleanups.push(h.close);
    return h;
  }

  it('refuses forged, stale and unsigned requests with 401 and records nothing', async () => {
    const h = await harness();
    const body = slashCommand({ command: '/escalate', text: 'x', user_id: ANA });
    const forged = await postSigned(h.base, body, FORM, sign(body, undefined, 'not-the-secret'));
    const stale = await postSigned(h.base, body, FORM, sign(body, Math.floor(Date.now() / 1000) - 6 * 60));
    const unsigned = await postSigned(h.base, body, FORM, {});
    const event = eventCallback({ type: 'reaction_added', user: ANA, reaction: 'rotating_light', item: { type: 'message', channel: 'C0SUPPORT', ts: '1700000000.000001' }, event_ts: '1' }, 'Ev0FORGED');
    const forgedEvent = await postSigned(h.base, event, JSON_TYPE, sign(event, undefined, 'nope'));
    expect([forged.status, stale.status, unsigned.status, forgedEvent.status]).toEqual([401, 401, 401, 401]);
    await new Promise((r) => setTimeout(r, 300));
    expect(h.slack.calls.filter((c) => c.method !== 'auth.test')).toEqual([]);
    expect(await h.app.queues.get('events').getJobCounts()).toMatchObject({ waiting: 0, active: 0, completed: 0 });
  });

  it('acks /escalate and opens the form even when auth.test fails', async () => {
    for (const answer of [{ status: 404, body: { ok: false, error: 'unknown_method' } }, { status: 500, body: { ok: false, error: 'fatal_error' } }]) {
      const h = await harness({ beforeStart: (slack) => slack.script('auth.test', answer) });
      const ack = await postSigned(h.base, slashCommand({ command: '/escalate', text: 'Printer on fire', user_id: ANA }), FORM);
      expect(ack.status).toBe(200);
      await h.slack.waitFor((c) => c.some((x) => x.method === 'views.open'), 5_000, 'views.open');
    }
  });

  it('answers privately by DM where the bot cannot whisper in the channel', async () => {
    const h = await harness({ beforeStart: (slack) => slack.script('chat.postEphemeral', { body: { ok: false, error: 'channel_not_found' } }) });
    const res = await postSigned(h.base, interaction(buttonPress(ANA, 'escalation.acknowledge', 'ESC-404', { channel: 'G0PRIVATE', ts: '1700000000.000001' })), FORM);
    expect(res.status).toBe(200);
    await h.slack.waitFor((c) => c.some((x) => x.method === 'chat.postMessage' && x.args['channel'] === ANA), 5_000, 'a DM');
    expect(String(h.slack.of('chat.postMessage').find((c) => c.args['channel'] === ANA)?.args['text'])).toBe('There is no ESC-404 here.');
  });

  it('answers url_verification, rejects malformed bodies, and says so for unknown commands', async () => {
    const h = await harness();
    const challenge = JSON.stringify({ token: 'Jhj5dZrVaK7ZwHHjRyZWjbDl', challenge: '3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P', type: 'url_verification' });
    expect((await postSigned(h.base, challenge, JSON_TYPE)).json).toEqual({ challenge: '3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P' });
    expect((await postSigned(h.base, '{"type": "event_callback",', JSON_TYPE)).status).toBe(400);
    const unknown = await postSigned(h.base, slashCommand({ command: '/teleport', user_id: ANA }), FORM);
    expect(unknown.json).toMatchObject({ response_type: 'ephemeral', text: "Shiftlead doesn't know /teleport. Try /escalate." });
    const garbage = await postSigned(h.base, 'payload=%7Bnot-json', FORM);
    expect(garbage.status).toBeGreaterThanOrEqual(400);
  });

  it('answers other methods on its two endpoints with 405 and an Allow header', async () => {
    const h = await harness();
    for (const path of ['/slack/events', '/api/messages']) {
      for (const method of ['GET', 'PUT']) {
        const res = await fetch(`${h.base}${path}`, { method });
        expect([path, method, res.status, res.headers.get('allow')]).toEqual([path, method, 405, 'POST']);
      }
    }
  });

  it('creates one record from a reaction however often Slack retries or others react, and threads the card under the message', async () => {
    const h = await harness();
    const item = { type: 'message', channel: 'C0SUPPORT', ts: '1700000000.000001' };
    const event = (user: string) => ({ type: 'reaction_added', user, reaction: 'rotating_light', item, item_user: 'U0CARODIA', event_ts: '1700000001.000100' });
    const first = eventCallback(event(ANA), 'Ev0REACT1');
    expect((await postSigned(h.base, first, JSON_TYPE)).status).toBe(200);
    expect((await postSigned(h.base, first, JSON_TYPE, { ...sign(first), 'x-slack-retry-num': '1', 'x-slack-retry-reason': 'http_timeout' })).status).toBe(200);
    await h.slack.waitFor((c) => c.some((x) => x.method === 'chat.postMessage' && x.args['thread_ts'] === item.ts));
    // Someone else reacts too: a new event id, the same message.
    expect((await postSigned(h.base, eventCallback(event('U0BENOKAF'), 'Ev0REACT2'), JSON_TYPE)).status).toBe(200);
    await h.slack.waitFor((c) => c.some((x) => x.method === 'chat.postEphemeral' && String(x.args['text']).includes('already ESC-1')));
    // Wrong emoji, and a channel that isn't listed: ignored.
    await postSigned(h.base, eventCallback({ ...event(ANA), reaction: 'thumbsup' }, 'Ev0REACT3'), JSON_TYPE);
    await postSigned(h.base, eventCallback({ ...event(ANA), item: { ...item, channel: 'C0RANDOM' } }, 'Ev0REACT4'), JSON_TYPE);
    await new Promise((r) => setTimeout(r, 500));

    const records = await h.app.escalations['deps'].store.listOpen(T);
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({ id: 'ESC-1', severity: 'P3', department: 'support', summary: 'Customer says checkout is down', sourceCard: true, source: { conversation: 'C0SUPPORT', id: item.ts } });
    expect(h.slack.of('reactions.get')).toHaveLength(2);
    const cards = h.slack.of('chat.postMessage').filter((c) => JSON.stringify(c.args['blocks'] ?? '').includes('Acknowledge'));
    expect(cards).toHaveLength(1);
    expect(cards[0]?.args).toMatchObject({ channel: 'C0SUPPORT', thread_ts: item.ts });
    for (const c of h.slack.of('chat.postMessage')) expect(messageProblems(c.args)).toEqual([]);
  });

  it('waits out Slack 429s (Retry-After) and delivers; nothing is lost', async () => {
    const h = await harness();
    h.slack.script('chat.postMessage', { status: 429, headers: { 'retry-after': '1' }, body: { ok: false, error: 'ratelimited' } });
    await postSigned(h.base, slashCommand({ command: '/escalate', text: 'Rate limited', user_id: ANA }), FORM);
    await h.slack.waitFor((c) => c.some((x) => x.method === 'views.open'));
    const view = h.slack.of('views.open')[0]?.args['view'] as Record<string, unknown>;
    const values = {
      customer: { type: 'plain_text_input', value: 'Initech' },
      severity: { type: 'static_select', selected_option: { value: 'P2' } },
      department: { type: 'static_select', selected_option: { value: 'support' } },
      summary: { type: 'plain_text_input', value: 'Rate limited' },
    };
    const started = Date.now();
    await postSigned(h.base, interaction(viewSubmission(ANA, view, values)), FORM);
    await h.slack.waitFor((c) => c.filter((x) => x.method === 'chat.postMessage').length >= 3, 15_000);
    const posts = h.slack.of('chat.postMessage');
    const limited = posts[0] as (typeof posts)[number];
    const retried = posts.find((p, i) => i > 0 && p.args['channel'] === limited.args['channel']);
    expect(retried).toBeDefined();
    expect((retried?.at ?? 0) - limited.at).toBeGreaterThanOrEqual(1000);
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(await counter(h.app, 'shiftlead_outbox_rate_limited_total', { platform: 'slack' })).toBe(1);
    expect(await counter(h.app, 'shiftlead_jobs_failed_total')).toBe(0);
  });

  it('tells the person when Redis is down, and writes no half record', async () => {
    const redis = await startPrivateRedis(true);
    cleanups.push(redis.cleanup);
    const h = await harness({ app: { redisUrl: redis.url } });
    await postSigned(h.base, slashCommand({ command: '/escalate', text: 'During an outage', user_id: ANA }), FORM);
    await h.slack.waitFor((c) => c.some((x) => x.method === 'views.open'));
    const view = h.slack.of('views.open')[0]?.args['view'] as Record<string, unknown>;
    const values = {
      customer: { type: 'plain_text_input', value: 'Umbrella' },
      severity: { type: 'static_select', selected_option: { value: 'P1' } },
      department: { type: 'static_select', selected_option: { value: 'support' } },
      summary: { type: 'plain_text_input', value: 'During an outage' },
    };
    await redis.stop?.();
    const res = await postSigned(h.base, interaction(viewSubmission(ANA, view, values)), FORM);
    expect(res.status).toBe(200);
    expect(res.ms).toBeLessThan(3000);
    expect(res.json).toEqual({ response_action: 'errors', errors: { customer: expect.stringContaining('could not save this right now') } });
    const pressed = await postSigned(h.base, interaction(buttonPress(ANA, 'escalation.acknowledge', 'ESC-1', { channel: 'C0SUPPORT', ts: '1.2' })), FORM);
    expect(pressed.status).toBe(200);
    await h.slack.waitFor((c) => c.some((x) => x.method === 'chat.postEphemeral' && String(x.args['text']).includes('could not save this right now')));
    const list = await postSigned(h.base, slashCommand({ command: '/escalations', user_id: ANA }), FORM);
    expect((list.json as { text: string }).text).toContain('could not read escalations right now');

    // Redis comes back (with its AOF): nothing was half-written, and the next try works.
    cleanups.push(await restartRedis(redis.url, redis.dataDir));
    const store = h.app.escalations['deps'].store;
    await expect.poll(() => store.listOpen(T).then((r) => r.length).catch(() => -1), { timeout: 10_000 }).toBe(0);
    expect(await h.app.redis.get(`${h.app.prefix}:{${T}}:esc:seq`)).toBeNull();
    const again = await postSigned(h.base, interaction(viewSubmission(ANA, view, values)), FORM);
    expect(again.text).toBe('');
    expect((await store.listOpen(T)).map((e) => e.id)).toEqual(['ESC-1']);
  });
});

/** CSAT after an escalation is resolved, on Slack through the HTTP boundary: asked once per resolution, stored, shown, counted. */
import { afterEach, describe, expect, it } from 'vitest';
import { RedisAuditLog } from '../../src/store/audit.js';
import { localDate } from '../../src/core/schedule/local-time.js';
import { RedisMetricStore } from '../../src/store/metrics.js';
import { fastSlaConfig } from '../support/configs.js';
import type { SlackCall } from '../support/fake-slack.js';
import { startSlackHarness, type SlackHarness } from '../support/slack-app.js';
import { buttonPress, eventCallback, interaction, postSigned, slashCommand, viewSubmission } from '../support/slack-requests.js';

const FORM = 'application/x-www-form-urlencoded';
const T = 'slack-T0TEST';
const ANA = 'U0ANALIMA';
const BEN = 'U0BENOKAF';

describe('Slack: CSAT after an escalation is resolved', () => {
  const cleanups: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const fn of cleanups.splice(0).reverse()) await fn();
  });

  async function harness(config = fastSlaConfig()): Promise<SlackHarness> {
    const h = await startSlackHarness({ config });
    cleanups.push(async () => {
      expect(h.payloadProblems()).toEqual([]);
      await h.close();
    });
    return h;
  }

  const store = (h: SlackHarness) => h.app.escalations['deps'].store;
  const press = (h: SlackHarness, user: string, actionId: string, value: string, at: { channel: string; ts: string }) => postSigned(h.base, interaction(buttonPress(user, actionId, value, at)), FORM);
  const asks = (h: SlackHarness) => h.slack.of('chat.postMessage').filter((c) => String(c.args['text']).startsWith('How well was ESC-1 handled?'));
  const whispers = (calls: SlackCall[], user: string) => calls.filter((c) => c.method === 'chat.postEphemeral' && c.args['user'] === user).map((c) => String(c.args['text']));

  async function raise(h: SlackHarness): Promise<{ channel: string; ts: string }> {
    await postSigned(h.base, slashCommand({ command: '/escalate', text: 'Refund stuck', user_id: ANA }), FORM);
    await h.slack.waitFor((c) => c.some((x) => x.method === 'views.open'));
    const view = h.slack.of('views.open')[0]?.args['view'] as Record<string, unknown>;
    const values = {
      customer: { type: 'plain_text_input', value: 'Hooli' },
      severity: { type: 'static_select', selected_option: { value: 'P3' } },
      department: { type: 'static_select', selected_option: { value: 'support' } },
      summary: { type: 'plain_text_input', value: 'Refund stuck' },
    };
    await postSigned(h.base, interaction(viewSubmission(ANA, view, values)), FORM);
    await h.slack.waitFor((c) => c.some((x) => x.method === 'chat.getPermalink' && x.args['channel'] === 'C0SUPPORT'));
    return { channel: 'C0SUPPORT', ts: String(h.slack.of('chat.getPermalink').find((x) => x.args['channel'] === 'C0SUPPORT')?.args['message_ts']) };
  }

  async function resolve(h: SlackHarness, card: { channel: string; ts: string }, note: string, version: number): Promise<void> {
    const opened = h.slack.of('views.open').length;
    await press(h, BEN, 'escalation.resolve', 'ESC-1', card);
    await h.slack.waitFor((c) => c.filter((x) => x.method === 'views.open').length > opened);
    const view = h.slack.of('views.open').at(-1)?.args['view'] as Record<string, unknown>;
    await postSigned(h.base, interaction(viewSubmission(BEN, view, { note: { type: 'plain_text_input', value: note } })), FORM);
    await expect.poll(async () => (await store(h).get(T, 'ESC-1'))?.version, { timeout: 10_000 }).toBe(version);
  }

  it('asks the requester once per resolution, stores and shows the rating, audits it and counts it; a reopen asks again', async () => {
    const h = await harness();
    const card = await raise(h);
    await resolve(h, card, 'Refund re-issued by finance', 2);
    await h.slack.waitFor((c) => c.some((x) => x.method === 'chat.postMessage' && String(x.args['text']).startsWith('How well was ESC-1')), 15_000, 'the question');
    const [ask] = asks(h);
    expect(ask?.args['channel']).toBe(ANA);
    const blocks = JSON.stringify(ask?.args['blocks']);
    expect(blocks).toContain('Refund re-issued by finance');
    expect(blocks).toContain('"value":"ESC-1 1 4"');
    expect(blocks).toContain('Rate with a comment…');

    const dm = { channel: 'D0ANALIMA', ts: '1700000000.000200' };
    await press(h, ANA, 'csat.rate', 'ESC-1 1 4', dm);
    await h.slack.waitFor((c) => whispers(c, ANA).length > 0);
    expect(whispers(h.slack.calls, ANA)[0]).toBe('Thanks — you rated how ESC-1 was handled 4/5. Press another number to change it.');
    let record = await store(h).get(T, 'ESC-1');
    expect(record?.ratings).toEqual([{ cycle: 1, score: 4, at: expect.any(String), by: { platform: 'slack', user: ANA, personId: 'ana', name: 'Ana Lima' } }]);
    await h.slack.waitFor((c) => c.some((x) => x.method === 'chat.update' && JSON.stringify(x.args['blocks']).includes('★★★★☆ 4/5')), 15_000, 'the rating on the card');
    // A double click changes nothing; resolving twice asks nothing more.
    await press(h, ANA, 'csat.rate', 'ESC-1 1 4', dm);
    await h.slack.waitFor((c) => whispers(c, ANA).length > 1);
    expect(whispers(h.slack.calls, ANA)[1]).toBe('ESC-1 is already rated 4/5.');
    expect((await store(h).get(T, 'ESC-1'))?.version).toBe(3);
    const audit = await new RedisAuditLog(h.app.redis, h.app.prefix).recent(T, 10);
    expect(audit.find((a) => a.type === 'escalation.rated')).toMatchObject({ actor: 'ana', subject: 'ESC-1', detail: '4/5' });

    // Reopen, resolve again: a new question for the new resolution; the old one's buttons are refused.
    // Reopening asks why (a modal).
    const asked = h.slack.of('views.open').length;
    await press(h, BEN, 'escalation.reopen', 'ESC-1', card);
    await h.slack.waitFor((c) => c.filter((x) => x.method === 'views.open').length > asked);
    const reopen = h.slack.of('views.open').at(-1)?.args['view'] as Record<string, unknown>;
    await postSigned(h.base, interaction(viewSubmission(BEN, reopen, { reason: { type: 'plain_text_input', value: 'The refund bounced' } })), FORM);
    await expect.poll(async () => (await store(h).get(T, 'ESC-1'))?.status, { timeout: 10_000 }).toBe('reopened');
    await resolve(h, card, 'Refund finally landed', 5);
    await h.slack.waitFor((c) => c.filter((x) => x.method === 'chat.postMessage' && String(x.args['text']).startsWith('How well was ESC-1')).length === 2, 15_000, 'the second question');
    expect(JSON.stringify(asks(h)[1]?.args['blocks'])).toContain('"value":"ESC-1 2 5"');
    await press(h, ANA, 'csat.rate', 'ESC-1 1 5', dm);
    await h.slack.waitFor((c) => whispers(c, ANA).length > 2);
    expect(whispers(h.slack.calls, ANA)[2]).toBe('ESC-1 was reopened after that resolution; you will be asked again when it is resolved.');

    // The comment form (a modal on Slack): a rating with a comment for the second resolution.
    const opened = h.slack.of('views.open').length;
    await press(h, ANA, 'csat.comment', 'ESC-1 2', dm);
    await h.slack.waitFor((c) => c.filter((x) => x.method === 'views.open').length > opened);
    const view = h.slack.of('views.open').at(-1)?.args['view'] as Record<string, unknown>;
    expect(view).toMatchObject({ callback_id: 'csat.comment', private_metadata: expect.stringContaining('ESC-1 2') });
    const bad = await postSigned(h.base, interaction(viewSubmission(ANA, view, { rating: { type: 'static_select', selected_option: { value: '7' } } })), FORM);
    expect(bad.json).toEqual({ response_action: 'errors', errors: { rating: 'Pick a rating from 1 to 5.' } });
    await postSigned(h.base, interaction(viewSubmission(ANA, view, { rating: { type: 'static_select', selected_option: { value: '2' } }, comment: { type: 'plain_text_input', value: 'Took two tries' } })), FORM);
    await expect.poll(async () => (await store(h).get(T, 'ESC-1'))?.ratings?.length, { timeout: 10_000 }).toBe(2);
    record = await store(h).get(T, 'ESC-1');
    expect(record?.ratings?.[1]).toMatchObject({ cycle: 2, score: 2, comment: 'Took two tries' });
    await h.slack.waitFor((c) => c.some((x) => x.method === 'chat.update' && JSON.stringify(x.args['blocks']).includes('Took two tries')), 15_000, 'the comment on the card');

    // Both ratings count in the day's csat of the escalations source: (4 + 2) / 2, from 2 ratings.
    const date = localDate(new Date(record?.ratings?.[1]?.at as string), h.app.settings.config.organization.timezone);
    const points = await new RedisMetricStore(h.app.redis, h.app.prefix).read(['support'], [date]);
    expect(points.filter((p) => p.metric === 'csat').map((p) => [p.source, p.value, p.count])).toEqual([['escalations', 3, 2]]);
    expect(asks(h)).toHaveLength(2);
  });

  it('asks in the message’s thread for an escalation raised in a customer channel, and not at all when off', async () => {
    const config = fastSlaConfig(2, (y) => y.replace('customerChannels: []', 'customerChannels: [C0SUPPORT]'));
    const h = await harness(config);
    const item = { type: 'message', channel: 'C0SUPPORT', ts: '1700000000.000001' };
    await postSigned(h.base, eventCallback({ type: 'reaction_added', user: ANA, reaction: 'rotating_light', item, item_user: 'U0CUSTOMER', event_ts: '1700000001.000100' }, 'Ev0CSAT1'), 'application/json');
    await expect.poll(async () => (await store(h).get(T, 'ESC-1'))?.version, { timeout: 10_000 }).toBe(1);
    await press(h, BEN, 'escalation.resolve', 'ESC-1', item);
    await h.slack.waitFor((c) => c.some((x) => x.method === 'views.open'));
    const view = h.slack.of('views.open').at(-1)?.args['view'] as Record<string, unknown>;
    await postSigned(h.base, interaction(viewSubmission(BEN, view, { note: { type: 'plain_text_input', value: 'Internal: refunded via the admin tool' } })), FORM);
    await h.slack.waitFor((c) => c.some((x) => String(x.args['text']).startsWith('How well was ESC-1')), 15_000, 'the question');
    const [ask] = asks(h);
    expect(ask?.args).toMatchObject({ channel: 'C0SUPPORT', thread_ts: item.ts });
    // The customer does not see the internal resolution note.
    expect(JSON.stringify(ask?.args['blocks'])).not.toContain('admin tool');

    const off = await harness(fastSlaConfig(2, (y) => y.replace('      afterResolve: requester ', '      afterResolve: off       ')));
    const card = await raise(off);
    await resolve(off, card, 'Done', 2);
    await new Promise((r) => setTimeout(r, 800));
    expect(asks(off)).toEqual([]);
  });
});

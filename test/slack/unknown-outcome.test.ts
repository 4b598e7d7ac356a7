/**
 * Slack deliveries whose outcome is unknown (the post reached Slack, the answer never came back):
 * every post carries its delivery key in message metadata, and the retry looks for it in the
 * channel's recent messages (one Tier 1 history call, shared) and adopts it instead of posting a
 * twin. When the lookup cannot tell, it posts and counts the possible duplicate in /metrics.
 */
import { describe, expect, it } from 'vitest';
import type { Delivery } from '../../src/chat/delivery.js';
import { QueueOutbox } from '../../src/jobs/outbox/outbox.js';
import { counter, eventually, waitForJob } from '../support/app.js';
import { slackHarnessPerTest, type SlackHarness } from '../support/slack-app.js';
import { press, raise, TENANT, USERS } from '../support/slack-flows.js';

const isCard = (args: Record<string, unknown>) => args['channel'] === 'C0SUPPORT' && !args['thread_ts'];

describe('Slack: deliveries with an unknown outcome', () => {
  let h: SlackHarness;
  slackHarnessPerTest((harness) => (h = harness));

  const cardsShown = () => (h.slack.history.get('C0SUPPORT') ?? []).filter((m) => !m.thread_ts);
  const dmsShown = () => h.slack.history.get(`D${USERS.ana.slice(1)}`) ?? [];
  const metric = (name: string, labels: Record<string, string> = {}) => counter(h.app, `shiftlead_outbox_${name}_total`, labels);

  it('tags every post (card, thread line, DM) with its delivery key in message metadata', async () => {
    const card = await raise(h);
    await press(h, USERS.ben, 'escalation.acknowledge', card);
    await h.slack.waitFor((c) => c.some((x) => x.method === 'chat.postMessage' && x.args['thread_ts'] === card.ts), 10_000, 'the thread line');
    await h.slack.waitFor((c) => c.some((x) => x.method === 'chat.postMessage' && x.args['channel'] === USERS.ana), 10_000, 'the DM');
    const posts = h.slack.of('chat.postMessage');
    expect(posts.length).toBeGreaterThanOrEqual(3);
    for (const p of posts) expect(p.args['metadata']).toMatchObject({ event_type: 'shiftlead_delivery', event_payload: { key: expect.stringMatching(/^[A-Za-z0-9._-]+$/) } });
    const keys = posts.map((p) => (p.args['metadata'] as { event_payload: { key: string } }).event_payload.key);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('adopts a card that reached Slack though its answer was lost: one card, one DM linking to it', async () => {
    let failed = 0;
    h.slack.postThenFail = (args) => isCard(args) && failed++ === 0;
    const card = await raise(h);
    await h.slack.waitFor(() => dmsShown().length >= 1, 10_000, 'the confirmation');
    expect(cardsShown()).toHaveLength(1);
    expect(card.ts).toBe(cardsShown()[0]?.ts);
    expect(h.slack.of('chat.postMessage').filter((c) => isCard(c.args))).toHaveLength(1);
    expect(h.slack.of('conversations.history')).toHaveLength(1);
    expect(h.slack.of('conversations.history')[0]?.args).toMatchObject({ channel: 'C0SUPPORT', limit: '15', include_all_metadata: 'true' });
    expect(dmsShown()).toHaveLength(1);
    expect(dmsShown()[0]?.text).toContain(`/archives/C0SUPPORT/p${card.ts.replace('.', '')}`);
    expect(await metric('unknown_outcomes')).toBe(1);
    expect(await metric('adopted')).toBe(1);
    expect(await metric('possible_duplicates')).toBe(0);
  });

  it('adopts a DM the same way (conversations.open for its channel, then its history)', async () => {
    let failed = 0;
    h.slack.postThenFail = (args) => args['channel'] === USERS.ana && failed++ === 0;
    await raise(h);
    await h.slack.waitFor(() => h.slack.of('conversations.history').length >= 1, 15_000, 'the lookup');
    await eventually(async () => (await metric('adopted')) === 1, 10_000, 'the adoption');
    expect(dmsShown()).toHaveLength(1);
    expect(h.slack.of('conversations.history')[0]?.args['channel']).toBe(`D${USERS.ana.slice(1)}`);
  });

  it('looks up two interrupted posts in one channel with one history call', async () => {
    const outbox = new QueueOutbox(h.app.queues);
    const post = (key: string): Delivery => ({ key, tenant: TENANT, platform: 'slack', target: { kind: 'conversation', conversation: 'C0SUPPORT' }, message: { text: key, blocks: [{ type: 'section', text: key }] } });
    const failing = new Set(['note-1', 'note-2']);
    h.slack.postThenFail = (args) => failing.delete(String(args['text']));
    await outbox.enqueue([post('note-1'), post('note-2')]);
    await waitForJob(h.app.queues.get('outbox'), 'note-1', ['completed'], 20_000);
    await waitForJob(h.app.queues.get('outbox'), 'note-2', ['completed'], 20_000);
    expect(cardsShown().map((m) => m.text)).toEqual(['note-1', 'note-2']);
    expect(h.slack.of('conversations.history')).toHaveLength(1);
    expect(await metric('adopted')).toBe(2);
  });

  it('posts anyway, and counts a possible duplicate, when Slack refuses the lookup (Tier 1 spent)', async () => {
    h.slack.historyPerMinute = 0;
    let failed = 0;
    h.slack.postThenFail = (args) => isCard(args) && failed++ === 0;
    await raise(h);
    await h.slack.waitFor(() => dmsShown().length >= 1, 10_000, 'the confirmation');
    // The honest outcome: the first post was there, and a second one was posted.
    expect(cardsShown()).toHaveLength(2);
    expect(await metric('possible_duplicates', { reason: 'lookup_failed' })).toBe(1);
    expect(await metric('adopted')).toBe(0);
    const metrics = await h.app.metrics.registry.metrics();
    expect(metrics).toMatch(/shiftlead_outbox_possible_duplicates_total\{platform="slack",reason="lookup_failed"\} 1/);
  });
});

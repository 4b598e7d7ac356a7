/**
 * Activities Teams delivers twice (the same activity id) run once: a dialog submission, an
 * @mention command, a card button. Through the HTTP boundary, real Redis.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CARD_KEY } from '../../src/core/escalations/card.js';
import { RedisAuditLog } from '../../src/store/audit.js';
import { cardsIn } from '../support/adaptive-cards.js';
import { counter, deliveredRef } from '../support/app.js';
import type { ConnectorCall } from '../support/fake-connector.js';
import { startTeamsHarness, type TeamsHarness } from '../support/teams-app.js';
import { ANA, BEN, cardAction, channelMention, invoke, TENANT_ID } from '../support/teams-activities.js';

const T = `teams-${TENANT_ID}`;
const settle = () => new Promise((r) => setTimeout(r, 600));

describe('Teams: duplicate activities', () => {
  let h: TeamsHarness;
  beforeEach(async () => {
    h = await startTeamsHarness();
    await h.meet(ANA);
  });
  afterEach(async () => {
    expect(h.cardProblems()).toEqual([]);
    await h.close();
  });

  const prompts = () => h.connector.calls.filter((x) => JSON.stringify(x.body).includes('task/fetch'));
  const cardPosts = () => h.connector.calls.filter((x) => x.method === 'POST' && x.conversation === undefined);

  /** The escalation dialog's submit data, from an @mention and its prompt's button. */
  async function dialogData(): Promise<Record<string, unknown>> {
    const before = prompts().length;
    await h.send(channelMention(h.serviceUrl, ANA, 'escalate Checkout fails for Acme'));
    await h.connector.waitFor(() => prompts().length > before);
    const prompt = prompts().at(-1) as ConnectorCall;
    const button = (cardsIn(prompt.body)[0]?.['actions'] as Array<{ data: Record<string, unknown> }>)[0] as { data: Record<string, unknown> };
    const fetched = await h.send(invoke(h.serviceUrl, ANA, 'task/fetch', { data: button.data, context: { theme: 'default' } }));
    const dialog = fetched.json as { task: { value: { card: { content: { actions: Array<{ data: Record<string, unknown> }> } } } } };
    return dialog.task.value.card.content.actions[0]?.data ?? {};
  }

  it('records a dialog submission delivered twice once: one record, one card', async () => {
    const data = await dialogData();
    const activity = invoke(h.serviceUrl, ANA, 'task/submit', { data: { ...data, customer: 'Acme', severity: 'P3', department: 'support', summary: 'Checkout fails' }, context: { theme: 'default' } });
    const both = await Promise.all([h.send(activity), h.send(activity)]);
    expect(both.map((r) => r.status)).toEqual([200, 200]);
    await deliveredRef(h.app, T, CARD_KEY('ESC-1'));
    expect((await h.send(activity)).status).toBe(200);
    await settle();
    expect((await h.app.escalations['deps'].store.listOpen(T)).map((e) => e.id)).toEqual(['ESC-1']);
    expect(cardPosts()).toHaveLength(1);
  });

  it('answers an @mention command delivered twice once', async () => {
    const activity = channelMention(h.serviceUrl, ANA, 'escalate Checkout fails for Acme');
    await h.send(activity);
    await h.connector.waitFor(() => prompts().length === 1);
    await h.send(activity);
    await settle();
    expect(prompts()).toHaveLength(1);
  });

  it('posts a card once per attempt; after an attempt whose outcome is unknown it posts again and counts it (Teams has no history to look in)', async () => {
    // The first post of the card gets no usable answer (it may or may not be in the channel).
    h.connector.script((c) => c.method === 'POST' && c.conversation === undefined, { status: 502 });
    const data = await dialogData();
    await h.send(invoke(h.serviceUrl, ANA, 'task/submit', { data: { ...data, customer: 'Acme', severity: 'P3', department: 'support', summary: 'Checkout fails' }, context: { theme: 'default' } }));
    await deliveredRef(h.app, T, CARD_KEY('ESC-1'), 20_000);
    expect(cardPosts()).toHaveLength(2);
    // The second post was the outbox's retry (the connector client does not re-send on its own), and it was counted.
    expect(await counter(h.app, 'shiftlead_jobs_retried_total', { queue: 'outbox' })).toBe(1);
    expect(await counter(h.app, 'shiftlead_outbox_unknown_outcomes_total', { platform: 'teams' })).toBe(1);
    expect(await counter(h.app, 'shiftlead_outbox_possible_duplicates_total', { platform: 'teams', reason: 'no_history' })).toBe(1);
  });

  it('changes a card once for a button press delivered twice', async () => {
    const data = await dialogData();
    await h.send(invoke(h.serviceUrl, ANA, 'task/submit', { data: { ...data, customer: 'Acme', severity: 'P3', department: 'support', summary: 'Checkout fails' }, context: { theme: 'default' } }));
    const card = await deliveredRef(h.app, T, CARD_KEY('ESC-1'));
    const press = cardAction(h.serviceUrl, BEN, 'escalation.acknowledge', { value: 'ESC-1' }, card);
    const first = await h.send(press);
    expect(JSON.stringify(first.json)).toContain('Acknowledged');
    const repeat = await h.send(press);
    expect(repeat.status).toBe(200);
    // Not "already acknowledged by Ben Okafor": the repeat is the same press.
    expect(JSON.stringify(repeat.json)).not.toContain('already');
    await h.connector.waitFor((c) => c.some((x) => x.method === 'PUT' && x.activityId === card.id));
    await settle();
    expect(h.connector.calls.filter((x) => x.method === 'PUT')).toHaveLength(1);
    const audit = await new RedisAuditLog(h.app.redis, h.app.prefix).recent(T, 20);
    expect(audit.filter((e) => e.type === 'escalation.acknowledged')).toHaveLength(1);
  });
});

/** The newer escalation features through Teams' door: notes, snooze, edit from the card's forms, history. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CARD_KEY } from '../../src/core/escalations/card.js';
import { cardsIn } from '../support/adaptive-cards.js';
import { deliveredRef } from '../support/app.js';
import { startTeamsHarness, type TeamsHarness } from '../support/teams-app.js';
import { ANA, BEN, cardAction, CARO, channelMention, TENANT_ID } from '../support/teams-activities.js';

const T = `teams-${TENANT_ID}`;

describe('Teams: notes, snoozes, edits and history', () => {
  let h: TeamsHarness;
  beforeEach(async () => {
    h = await startTeamsHarness();
    await h.meet(ANA);
    const actor = { platform: 'teams' as const, tenant: T, user: ANA.aadObjectId };
    await h.app.escalations.create(actor, { customer: 'Acme', severity: 'P3', department: 'support', summary: 'Checkout fails' }, {});
  });
  afterEach(async () => {
    expect(h.cardProblems()).toEqual([]);
    await h.close();
  });

  const send = (activity: unknown) => h.send(activity);
  const posted = (text: string) => h.connector.calls.some((c) => c.method === 'POST' && JSON.stringify(c.body).includes(text));

  it('shows every button on the card, with its form; notes by mention and by the card; snoozes and edits from the card', async () => {
    const card = await deliveredRef(h.app, T, CARD_KEY('ESC-1'));
    const created = h.connector.calls.find((c) => c.method === 'POST' && c.conversation === undefined);
    const actions = (cardsIn(created?.body)[0]?.['actions'] ?? []) as Array<{ type: string; title: string }>;
    expect(actions.map((a) => [a.type, a.title])).toEqual([
      ['Action.Execute', 'Acknowledge'],
      ['Action.ShowCard', 'Assign…'],
      ['Action.ShowCard', 'Resolve…'],
      ['Action.ShowCard', 'Add note…'],
      ['Action.ShowCard', 'Edit…'],
      ['Action.ShowCard', 'Snooze…'],
    ]);
    const edit = (cardsIn(created?.body)[0]?.['actions'] as Array<{ title: string; card: { body: Array<{ id: string; value?: string }> } }>).find((a) => a.title === 'Edit…');
    expect(edit?.card.body.find((i) => i.id === 'customer')?.value).toBe('Acme');
    expect(edit?.card.body.find((i) => i.id === 'severity')?.value).toBe('P3');

    await send(channelMention(h.serviceUrl, CARO, 'escalate note ESC-1 Customer sent a HAR file'));
    await h.connector.waitFor(() => posted('Added your note to ESC-1'));
    await h.connector.waitFor(() => posted('added a note') && posted('Customer sent a HAR file'));
    const note = await send(cardAction(h.serviceUrl, BEN, 'escalation.note', { value: 'ESC-1', text: 'Asked engineering' }, card));
    expect(note.json).toMatchObject({ statusCode: 200, type: 'application/vnd.microsoft.card.adaptive' });

    const refused = await send(cardAction(h.serviceUrl, CARO, 'escalation.snooze', { value: 'ESC-1', duration: '1h' }, card));
    expect(refused.json).toEqual({ statusCode: 200, type: 'application/vnd.microsoft.activity.message', value: "Only leads and managers can snooze ESC-1's reminders." });
    const snoozed = await send(cardAction(h.serviceUrl, BEN, 'escalation.snooze', { value: 'ESC-1', duration: '1h' }, card));
    expect(JSON.stringify(snoozed.json)).toContain('snoozed until');

    const edited = await send(cardAction(h.serviceUrl, ANA, 'escalation.edit', { value: 'ESC-1', customer: 'Acme Corp', severity: 'P3', department: 'support', summary: 'Checkout fails' }, card));
    expect(JSON.stringify(edited.json)).toContain('Acme Corp');
    const record = await h.app.escalations['deps'].store.get(T, 'ESC-1');
    expect(record?.history.map((e) => e.type)).toEqual(['created', 'noted', 'noted', 'snoozed', 'edited']);
  });

  it('answers "escalations resolved" and "escalate show ESC-1" privately', async () => {
    const list = await send(channelMention(h.serviceUrl, BEN, 'escalations resolved'));
    expect(list.status).toBe(200);
    await h.connector.waitFor(() => posted('Resolved escalations: none.'));
    await send(channelMention(h.serviceUrl, BEN, 'escalate show ESC-1'));
    await h.connector.waitFor(() => posted('Timeline'));
  });
});

/** Escalations in Teams through the HTTP boundary: Activity JSON in, Bot Connector calls out. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cardsIn } from '../support/adaptive-cards.js';
import { CARD_KEY } from '../../src/core/escalations/card.js';
import { deliveredRef } from '../support/app.js';
import type { ConnectorCall } from '../support/fake-connector.js';
import { startTeamsHarness, type TeamsHarness } from '../support/teams-app.js';
import { ANA, BEN, cardAction, CARO, channelMention, invoke, SUPPORT, TENANT_ID } from '../support/teams-activities.js';

const T = `teams-${TENANT_ID}`;

describe('Teams: escalations end to end', () => {
  let h: TeamsHarness;
  const responses: unknown[] = [];
  beforeEach(async () => {
    h = await startTeamsHarness();
    await h.meet(ANA);
  });
  afterEach(async () => {
    // Every card Shiftlead sent or answered with is valid for Teams.
    expect(h.cardProblems()).toEqual([]);
    responses.length = 0;
    await h.close();
  });

  /** Where the outbox posted the record's card, once it has. */
  const cardRef = () => deliveredRef(h.app, T, CARD_KEY('ESC-1'));

  const send = async (activity: unknown) => {
    const res = await h.send(activity);
    responses.push(res.json);
    return res;
  };

  async function submitThroughDialog(values: Record<string, string>): Promise<void> {
    await send(channelMention(h.serviceUrl, ANA, 'escalate Checkout fails for Acme'));
    await h.connector.waitFor((c) => c.some((x) => JSON.stringify(x.body).includes('task/fetch')));
    const prompt = h.connector.calls.find((x) => JSON.stringify(x.body).includes('task/fetch')) as ConnectorCall;
    const button = (cardsIn(prompt.body)[0]?.['actions'] as Array<{ data: Record<string, unknown> }>)[0] as { data: Record<string, unknown> };
    const fetched = await send(invoke(h.serviceUrl, ANA, 'task/fetch', { data: button.data, context: { theme: 'default' } }));
    expect(fetched.status).toBe(200);
    const dialog = fetched.json as { task: { type: string; value: { title: string; card: { content: { body: Array<Record<string, unknown>>; actions: Array<{ data: Record<string, unknown> }> } } } } };
    expect(dialog.task.type).toBe('continue');
    const body = dialog.task.value.card.content.body;
    expect(body.find((e) => e['id'] === 'summary')).toMatchObject({ type: 'Input.Text', value: 'Checkout fails for Acme' });
    expect(body.find((e) => e['id'] === 'severity')).toMatchObject({ type: 'Input.ChoiceSet' });
    const submitData = dialog.task.value.card.content.actions[0]?.data ?? {};
    const submitted = await send(invoke(h.serviceUrl, ANA, 'task/submit', { data: { ...submitData, ...values }, context: { theme: 'default' } }));
    expect(submitted.status).toBe(200);
  }

  it('escalates by mention: a dialog, then the record, posted to the department channel, and a DM to the requester', async () => {
    await submitThroughDialog({ customer: 'Acme Corp', severity: 'P2', department: 'support', summary: 'Checkout fails for Acme', ticket: 'https://help.example.com/t/1' });
    await h.connector.waitFor((c) => c.some((x) => x.method === 'POST' && x.conversation === undefined));
    const created = h.connector.calls.find((x) => x.method === 'POST' && x.conversation === undefined) as ConnectorCall;
    expect(created.body).toMatchObject({ isGroup: true, channelData: { channel: { id: SUPPORT } }, tenantId: TENANT_ID });
    expect(JSON.stringify(created.body)).toContain('ESC-1');
    await h.connector.waitFor((c) => c.some((x) => x.conversation === `a:1personal-${ANA.aadObjectId}` && JSON.stringify(x.body).includes('Escalation ESC-1')));
    const record = await h.app.escalations['deps'].store.get(T, 'ESC-1');
    expect(record).toMatchObject({ platform: 'teams', channel: SUPPORT, requester: { user: ANA.aadObjectId, personId: 'ana' }, customer: 'Acme Corp' });
  });

  it('answers an invalid dialog with the problems and keeps the answers; nothing is recorded', async () => {
    await submitThroughDialog({ customer: '', severity: 'P9', department: 'support', summary: 'Checkout fails for Acme', ticket: 'ftp://nope' });
    const last = responses.at(-1) as { task: { type: string; value: { card: { content: { body: Array<Record<string, unknown>> } } } } };
    expect(last.task.type).toBe('continue');
    const text = JSON.stringify(last.task.value.card.content.body);
    expect(text).toContain('Customer or account is required.');
    expect(text).toContain('Unknown severity \\"P9\\"');
    expect(text).toContain('Ticket link must be a web address');
    expect(last.task.value.card.content.body.find((e) => e['id'] === 'summary')).toMatchObject({ value: 'Checkout fails for Acme' });
    expect(await h.app.escalations['deps'].store.listOpen(T)).toEqual([]);
  });

  it('escalates a message from its … menu (message extension), prefilled from the message', async () => {
    const messagePayload = {
      id: '1611060744833',
      createdDateTime: new Date().toISOString(),
      body: { contentType: 'html', content: '<p>Refund stuck for <b>order 991</b></p><p>Third call this week.</p>' },
      from: { user: { id: CARO.aadObjectId, displayName: 'Carolina Díaz', userIdentityType: 'aadUser' } },
      linkToMessage: 'https://teams.microsoft.com/l/message/19:general@thread.tacv2/1611060744833',
    };
    const fetched = await send(invoke(h.serviceUrl, BEN, 'composeExtension/fetchTask', { commandId: 'escalate', commandContext: 'message', messagePayload, context: { theme: 'default' } }));
    expect(fetched.status).toBe(200);
    const dialog = fetched.json as { task: { value: { card: { content: { body: Array<Record<string, unknown>>; actions: Array<{ data: Record<string, unknown> }> } } } } };
    const body = dialog.task.value.card.content.body;
    expect(body.find((e) => e['id'] === 'summary')).toMatchObject({ value: 'Refund stuck for order 991' });
    expect(String(body.find((e) => e['id'] === 'details')?.['value'])).toContain('Third call this week.');
    const data = { ...dialog.task.value.card.content.actions[0]?.data, customer: 'Hooli', severity: 'P3', department: 'support', summary: 'Refund stuck for order 991' };
    const submitted = await send(invoke(h.serviceUrl, BEN, 'composeExtension/submitAction', { commandId: 'escalate', commandContext: 'message', data, messagePayload, context: { theme: 'default' } }));
    expect(submitted.status).toBe(200);
    await h.connector.waitFor((c) => c.some((x) => x.method === 'POST' && x.conversation === undefined));
    const record = await h.app.escalations['deps'].store.get(T, 'ESC-1');
    expect(record).toMatchObject({ requester: { personId: 'ben' }, source: { id: '1611060744833', link: messagePayload.linkToMessage } });
    const created = h.connector.calls.find((x) => x.method === 'POST' && x.conversation === undefined);
    expect(JSON.stringify(created?.body)).toContain(messagePayload.linkToMessage);
  });

  it('acknowledges from the card: the clicker gets the new card, everyone gets updateActivity, and the thread a line; a second press changes nothing', async () => {
    await submitThroughDialog({ customer: 'Acme', severity: 'P3', department: 'support', summary: 'Checkout fails for Acme' });
    await h.connector.waitFor((c) => c.some((x) => x.method === 'POST' && x.conversation === undefined));
    const created = h.connector.calls.find((x) => x.method === 'POST' && x.conversation === undefined) as ConnectorCall;
    // The fake answered "<channel>;messageid=<id>", as Teams does; the card's id is that message id.
    const record = await h.app.escalations['deps'].store.get(T, 'ESC-1');
    expect(record).toBeDefined();
    const card = await cardRef();
    expect(card.conversation).toBe(`${SUPPORT};messageid=${card.id}`);
    expect(created.body['activity']).toBeDefined();

    const first = await send(cardAction(h.serviceUrl, BEN, 'escalation.acknowledge', { value: 'ESC-1' }, card));
    expect(first.status).toBe(200);
    expect(first.json).toMatchObject({ statusCode: 200, type: 'application/vnd.microsoft.card.adaptive' });
    expect(JSON.stringify(first.json)).toContain('Acknowledged');
    await h.connector.waitFor((c) => c.some((x) => x.method === 'PUT' && x.activityId === card.id));
    await h.connector.waitFor((c) => c.some((x) => x.method === 'POST' && x.conversation === card.conversation && JSON.stringify(x.body).includes('acknowledged ESC-1')));
    const second = await send(cardAction(h.serviceUrl, CARO, 'escalation.acknowledge', { value: 'ESC-1' }, card));
    expect(second.json).toEqual({ statusCode: 200, type: 'application/vnd.microsoft.activity.message', value: 'ESC-1 was already acknowledged by Ben Okafor.' });
    await new Promise((r) => setTimeout(r, 500));
    expect(h.connector.calls.filter((x) => x.method === 'PUT')).toHaveLength(1);
    expect(h.connector.calls.filter((x) => JSON.stringify(x.body).includes('acknowledged ESC-1.'))).toHaveLength(1);
  });

  it('knows a person the roster lists only by email: Teams is asked once who the user is', async () => {
    const DEV = { id: '29:1dev-teams-user-id', name: 'Dev Patel', aadObjectId: '0c9d8e7f-6a5b-4c3d-8e2f-1a0b9c8d7e6f' };
    h.connector.members[DEV.id] = { id: DEV.id, name: DEV.name, aadObjectId: DEV.aadObjectId, email: 'Dev@Acme.example', userPrincipalName: 'dev@acme.example', tenantId: TENANT_ID };
    const fetched = await send(invoke(h.serviceUrl, DEV, 'composeExtension/fetchTask', { commandId: 'escalate', commandContext: 'compose', context: { theme: 'default' } }));
    const dialog = fetched.json as { task: { value: { card: { content: { actions: Array<{ data: Record<string, unknown> }> } } } } };
    const data = { ...dialog.task.value.card.content.actions[0]?.data, customer: 'Initech', severity: 'P4', department: 'billing', summary: 'Invoice shows the wrong VAT' };
    expect((await send(invoke(h.serviceUrl, DEV, 'composeExtension/submitAction', { commandId: 'escalate', commandContext: 'compose', data, context: { theme: 'default' } }))).status).toBe(200);
    await expect.poll(async () => (await h.app.escalations['deps'].store.get(T, 'ESC-1'))?.requester, { timeout: 10_000 }).toEqual({ platform: 'teams', user: DEV.aadObjectId, personId: 'dev', name: 'Dev Patel' });
    expect(h.connector.calls.filter((c) => c.method === 'GET' && c.path.endsWith(`/members/${encodeURIComponent(DEV.id)}`))).toHaveLength(1);
  });

  it('takes the new message’s id from the connector’s activityId, whatever the conversation id looks like', async () => {
    // The shape the Bot Framework docs show for POST /v3/conversations.
    h.connector.createAnswer = (n) => ({ id: `a:new-${n}`, activityId: `1:new-${n}` });
    await submitThroughDialog({ customer: 'Acme', severity: 'P3', department: 'support', summary: 'Checkout fails for Acme' });
    const card = await cardRef();
    expect(card.id).toMatch(/^1:new-\d+$/);
    expect(card.conversation).toBe(`${SUPPORT};messageid=${card.id}`);
    await send(cardAction(h.serviceUrl, BEN, 'escalation.acknowledge', { value: 'ESC-1' }, card));
    await h.connector.waitFor((c) => c.some((x) => x.method === 'PUT' && x.activityId === card.id));
    await h.connector.waitFor((c) => c.some((x) => x.method === 'POST' && x.conversation === card.conversation && JSON.stringify(x.body).includes('acknowledged ESC-1')));
  });

  it('re-notifies in the record’s thread with mentions of the people on duty', async () => {
    await submitThroughDialog({ customer: 'Acme', severity: 'P1', department: 'support', summary: 'Checkout fails for Acme' });
    await h.connector.waitFor((c) => c.some((x) => JSON.stringify(x.body).includes('(reminder 1)')), 15_000, 'a reminder');
    const reminder = h.connector.calls.find((x) => JSON.stringify(x.body).includes('(reminder 1)')) as ConnectorCall;
    expect(reminder.method).toBe('POST');
    expect(reminder.conversation).toMatch(/^19:support@thread\.tacv2;messageid=\d+$/);
    const [content] = cardsIn(reminder.body);
    expect((content?.['msteams'] as { entities: unknown[] }).entities).toEqual([
      { type: 'mention', text: '<at>Ben Okafor</at>', mentioned: { id: BEN.aadObjectId, name: 'Ben Okafor' } },
      { type: 'mention', text: '<at>Carolina Díaz</at>', mentioned: { id: CARO.aadObjectId, name: 'Carolina Díaz' } },
    ]);
  });
});

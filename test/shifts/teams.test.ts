/** Shifts on Teams: Activity JSON in, Bot Connector calls out, on real Redis, with the app's clock set to a chosen Monday. */
import { afterEach, describe, expect, it } from 'vitest';
import { cardProblems, cardsIn } from '../support/adaptive-cards.js';
import { clockAt } from '../support/clock.js';
import type { ConnectorCall } from '../support/fake-connector.js';
import { shiftConfig } from '../support/shift-config.js';
import { startTeamsHarness, type TeamsHarness } from '../support/teams-app.js';
import { ANA, BEN, botAddedToTeam, cardAction, CARO, channelMention, installedForUser, invoke, personalMessage, SUPPORT } from '../support/teams-activities.js';

const dm = (user: typeof ANA) => `a:1personal-${user.aadObjectId}`;
const body = (c: ConnectorCall | undefined) => JSON.stringify(c?.body ?? {});

describe('shifts on Teams', () => {
  let h: TeamsHarness;
  const responses: unknown[] = [];
  afterEach(async () => {
    for (const card of [...h.connector.calls.flatMap((c) => cardsIn(c.body)), ...responses.flatMap((r) => cardsIn(r))]) expect(cardProblems(card)).toEqual([]);
    responses.length = 0;
    await h.close();
  });

  async function start(at: string, installed: Array<typeof ANA> = [ANA, BEN, CARO], config = shiftConfig()) {
    h = await startTeamsHarness({ config, app: { clock: clockAt(new Date(at)) } });
    expect((await send(botAddedToTeam(h.serviceUrl, ANA))).status).toBe(200);
    for (const user of installed) expect((await send(installedForUser(h.serviceUrl, user))).status).toBe(200);
  }
  const send = async (activity: unknown) => {
    const res = await h.send(activity);
    responses.push(res.json);
    return res;
  };
  const to = (conversation: string) => h.connector.calls.filter((c) => c.method === 'POST' && c.conversation === conversation);
  const channelPosts = () => h.connector.calls.filter((c) => c.method === 'POST' && c.conversation === undefined);

  it('`shift` answers with who is on now and your next shifts', async () => {
    await start('2027-03-01T07:00:00Z');
    await send(personalMessage(h.serviceUrl, BEN, 'shift'));
    await h.connector.waitFor(() => to(dm(BEN)).some((c) => body(c).includes('On shift now')));
    const reply = body(to(dm(BEN)).find((c) => body(c).includes('On shift now')));
    expect(reply).toContain('Ben Okafor (Early, until 15:00)');
    expect(reply).toContain('Your next shifts');
  });

  it('cover: asked with a mention, taken with the card button; the clicker sees the new card, everyone else an edit', async () => {
    await start('2027-03-01T07:00:00Z');
    await send(channelMention(h.serviceUrl, BEN, 'shift cover early tomorrow'));
    await h.connector.waitFor(() => channelPosts().some((c) => body(c).includes('needs cover')));
    const posted = channelPosts().find((c) => body(c).includes('needs cover'));
    expect(posted?.body).toMatchObject({ channelData: { channel: { id: SUPPORT } } });
    const id = /"value":"(C-\d+)"/.exec(body(posted))?.[1] ?? '';
    const thread = { conversation: `${SUPPORT};messageid=1`, id: '1' };
    const take = await send(cardAction(h.serviceUrl, CARO, 'shift.cover.take', { value: id }, thread));
    expect(take.status).toBe(200);
    expect(JSON.stringify(take.json)).toContain('is covering');
    const again = await send(cardAction(h.serviceUrl, CARO, 'shift.cover.take', { value: id }, thread));
    expect(JSON.stringify(again.json)).toContain('already took this shift');
    await h.connector.waitFor((c) => c.some((x) => x.method === 'PUT'));
    await h.connector.waitFor(() => to(dm(BEN)).some((c) => body(c).includes('will cover your')) && to(dm(ANA)).some((c) => body(c).includes('will cover Ben Okafor')));
    expect(h.connector.calls.filter((x) => x.method === 'PUT')).toHaveLength(1);
  });

  it('handoff through the dialog; the incoming person acknowledges from the card, once', async () => {
    await start('2027-03-01T13:40:00Z');
    await send(channelMention(h.serviceUrl, BEN, 'handoff'));
    await h.connector.waitFor((c) => c.some((x) => body(x).includes('task/fetch')));
    const prompt = h.connector.calls.find((x) => body(x).includes('task/fetch')) as ConnectorCall;
    const button = (cardsIn(prompt.body)[0]?.['actions'] as Array<{ data: Record<string, unknown> }>)[0] as { data: Record<string, unknown> };
    const fetched = await send(invoke(h.serviceUrl, BEN, 'task/fetch', { data: button.data, context: { theme: 'default' } }));
    const dialog = fetched.json as { task: { value: { card: { content: { body: Array<Record<string, unknown>>; actions: Array<{ data: Record<string, unknown> }> } } } } };
    expect(dialog.task.value.card.content.body.find((e) => e['id'] === 'department')).toMatchObject({ type: 'Input.ChoiceSet', value: 'support' });
    const submitData = dialog.task.value.card.content.actions[0]?.data ?? {};
    // Empty notes: the dialog comes back with the problem; nothing is written.
    const empty = await send(invoke(h.serviceUrl, BEN, 'task/submit', { data: { ...submitData, department: 'support', notes: '  ' }, context: { theme: 'default' } }));
    expect(JSON.stringify(empty.json)).toContain('Write a few notes for the next shift.');
    // Teams merges the submit action's data with the inputs' values.
    const submitted = await send(invoke(h.serviceUrl, BEN, 'task/submit', { data: { ...submitData, department: 'support', notes: 'Queue is clear.', watchlist: 'Acme' }, context: { theme: 'default' } }));
    expect(JSON.stringify(submitted.json)).toContain('Handoff HO-1 is posted in Frontline support and sent to Carolina Díaz');
    await h.connector.waitFor(() => channelPosts().some((c) => body(c).includes('Handoff HO-1')) && to(dm(CARO)).some((c) => body(c).includes('Handoff HO-1')));
    const thread = { conversation: `${SUPPORT};messageid=1`, id: '1' };
    const acks = await Promise.all([send(cardAction(h.serviceUrl, CARO, 'handoff.ack', { value: 'HO-1' }, thread)), send(cardAction(h.serviceUrl, CARO, 'handoff.ack', { value: 'HO-1' }, thread))]);
    const answered = acks.map((a) => JSON.stringify(a.json));
    expect(answered.filter((a) => a.includes('Acknowledged by'))).toHaveLength(1);
    expect(answered.filter((a) => a.includes('was already acknowledged'))).toHaveLength(1);
    await h.connector.waitFor((c) => c.filter((x) => x.method === 'PUT').length >= 2);
    await new Promise((r) => setTimeout(r, 300));
    const edits = h.connector.calls.filter((x) => x.method === 'PUT');
    expect(edits).toHaveLength(2);
    for (const e of edits) expect(body(e)).toContain('Acknowledged by');
  });

  it('a shift a minute ahead produces its reminder DM', async () => {
    await start('2027-03-01T04:59:58Z');
    await h.connector.waitFor(() => to(dm(BEN)).some((c) => body(c).includes('starts at 07:00 your time')), 15_000, 'the reminder');
  });

  it('a reminder to someone who cannot get DMs is a mention in the channel, and the managers are told once how to fix it', async () => {
    // Ben never installed Shiftlead, and Teams has no chat with him.
    await start('2027-03-01T04:59:58Z', [ANA, CARO]);
    await h.connector.waitFor(() => channelPosts().some((c) => body(c).includes('Shiftlead could not DM you')), 15_000, 'the mention');
    await h.connector.waitFor(() => to(dm(ANA)).some((c) => body(c).includes('cannot send DMs to Ben Okafor on Microsoft Teams')), 15_000, 'the note to Ana');
    const mention = channelPosts().find((c) => body(c).includes('Shiftlead could not DM you'));
    expect(mention?.body).toMatchObject({ channelData: { channel: { id: SUPPORT } } });
    expect(body(mention)).toContain('<at>Ben Okafor</at>');
    expect(to(dm(ANA)).filter((c) => body(c).includes('cannot send DMs'))).toHaveLength(1);
  });
});

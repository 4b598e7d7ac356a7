/** Quick polls on Teams through the HTTP boundary: mentions, Action.Execute votes, the Action.Submit fallback, closing. */
import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { POLL_KEY } from '../../src/core/polls/poll-messages.js';
import { RedisPollStore } from '../../src/store/polls.js';
import { cardsIn } from '../support/adaptive-cards.js';
import { deliveredRef } from '../support/app.js';
import type { ConnectorCall } from '../support/fake-connector.js';
import { startTeamsHarness, type TeamsHarness } from '../support/teams-app.js';
import { ANA, BEN, botAddedToTeam, cardAction, CARO, channelMention, GENERAL, installedForUser, invoke, TENANT_ID } from '../support/teams-activities.js';

const T = `teams-${TENANT_ID}`;
const dmOf = (user: typeof ANA) => `a:1personal-${user.aadObjectId}`;

describe('Teams: quick polls', () => {
  let h: TeamsHarness;
  beforeEach(async () => {
    h = await startTeamsHarness();
    await h.send(botAddedToTeam(h.serviceUrl, ANA));
    for (const user of [ANA, BEN, CARO]) await h.send(installedForUser(h.serviceUrl, user));
  });
  afterEach(async () => {
    expect(h.cardProblems()).toEqual([]);
    await h.close();
  });

  const send = (activity: unknown) => h.send(activity);
  const inChannel = (c: ConnectorCall) => c.method === 'POST' && (c.conversation === undefined || c.conversation.startsWith(GENERAL));
  const text = (c: ConnectorCall) => JSON.stringify(c.body);

  it('posts a poll from a mention as a card with one action set per row, votes by Action.Execute privately, closes for everyone', async () => {
    await send(channelMention(h.serviceUrl, ANA, 'poll "Which day for the offsite?" Monday | Tuesday | Wednesday | Thursday | Friday | Saturday'));
    const card = await deliveredRef(h.app, T, POLL_KEY('POLL-1'));
    const created = h.connector.calls.find((c) => c.method === 'POST' && c.conversation === undefined) as ConnectorCall;
    const [content] = cardsIn(created.body);
    // Six options and Close: two rows of options (5 + 1) and a row for Close, never more than six actions in one set.
    const sets = (content?.['body'] as Array<Record<string, unknown>>).filter((e) => e['type'] === 'ActionSet') as Array<{ actions: Array<Record<string, unknown>> }>;
    expect(sets.map((s) => s.actions.length)).toEqual([5, 1, 1]);
    expect(sets[0]?.actions[0]).toMatchObject({ type: 'Action.Execute', verb: 'poll.vote', data: { value: 'POLL-1 1' }, fallback: { type: 'Action.Submit', data: { verb: 'poll.vote', value: 'POLL-1 1' } } });

    const voted = await send(cardAction(h.serviceUrl, BEN, 'poll.vote', { value: 'POLL-1 2' }, card));
    expect(voted.json).toEqual({ statusCode: 200, type: 'application/vnd.microsoft.activity.message', value: 'You voted **Tuesday** — press another to change it.' });
    const again = await send(cardAction(h.serviceUrl, BEN, 'poll.vote', { value: 'POLL-1 2' }, card));
    expect(again.json).toMatchObject({ value: 'You voted **Tuesday** — press another to change it.' });
    await send(cardAction(h.serviceUrl, CARO, 'poll.vote', { value: 'POLL-1 5' }, card));
    expect((await new RedisPollStore(h.app.redis, h.app.prefix).get(T, 'POLL-1'))?.counts).toEqual([0, 1, 0, 0, 1, 0]);

    const refused = await send(cardAction(h.serviceUrl, CARO, 'poll.close', { value: 'POLL-1' }, card));
    expect(refused.json).toMatchObject({ value: "Only the poll's creator, a lead or a manager can close POLL-1." });
    const closed = await send(cardAction(h.serviceUrl, ANA, 'poll.close', { value: 'POLL-1' }, card));
    expect(closed.json).toMatchObject({ value: 'Closed POLL-1; the final results are on the poll.' });
    await h.connector.waitFor((c) => c.some((x) => x.method === 'PUT' && x.activityId === card.id && text(x).includes('closed')), 15_000, 'the closed card');
    const final = h.connector.calls.filter((x) => x.method === 'PUT' && x.activityId === card.id).at(-1) as ConnectorCall;
    expect(text(final)).not.toContain('Action.Execute');
    await h.connector.waitFor((c) => c.some((x) => x.method === 'POST' && x.conversation === card.conversation && text(x).includes('POLL-1 closed')), 15_000, 'the result line');
    expect(text(h.connector.calls.find((x) => x.conversation === card.conversation && text(x).includes('POLL-1 closed')) as ConnectorCall)).toContain('tied with 1 vote each');
  });

  it('answers an Action.Submit vote (clients without Universal Actions) and a bad /poll by DM, never in the channel', async () => {
    await send(channelMention(h.serviceUrl, CARO, 'poll "Lunch?" pizza'));
    await h.connector.waitFor((c) => c.some((x) => x.conversation === dmOf(CARO) && text(x).includes('this one has 1')), 15_000, 'a private answer');
    expect(h.connector.calls.filter(inChannel)).toEqual([]);

    await send(channelMention(h.serviceUrl, ANA, 'poll "Lunch?" pizza | sushi'));
    const card = await deliveredRef(h.app, T, POLL_KEY('POLL-1'));
    const before = h.connector.calls.filter(inChannel).length;
    // Teams merges the action's data with the card's inputs into the message's value.
    const submit = { ...channelMention(h.serviceUrl, BEN, ''), id: randomUUID(), text: undefined, entities: [], replyToId: card.id, value: { verb: 'poll.vote', value: 'POLL-1 1' } };
    expect((await send(submit)).status).toBe(200);
    await h.connector.waitFor((c) => c.some((x) => x.conversation === dmOf(BEN) && text(x).includes('You voted')), 15_000, 'the vote confirmed by DM');
    expect(h.connector.calls.filter(inChannel).length).toBe(before);
    expect((await new RedisPollStore(h.app.redis, h.app.prefix).get(T, 'POLL-1'))?.counts).toEqual([1, 0]);
    const stale = await send(invoke(h.serviceUrl, BEN, 'adaptiveCard/action', { action: { type: 'Action.Execute', verb: 'poll.vote', data: { value: 'POLL-9 1' } }, trigger: 'manual' }));
    expect(stale.json).toMatchObject({ value: 'There is no poll POLL-9 here.' });
  });
});

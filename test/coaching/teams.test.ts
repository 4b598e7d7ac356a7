/** Coaching on Teams: Activity JSON in, Bot Connector calls out, on real Redis, with the app's clock set to a chosen Monday. */
import { afterEach, describe, expect, it } from 'vitest';
import { cardProblems, cardsIn } from '../support/adaptive-cards.js';
import { clockAt, type MovableClock } from '../support/clock.js';
import type { ConnectorCall } from '../support/fake-connector.js';
import { shiftConfig } from '../support/shift-config.js';
import { startTeamsHarness, type TeamsHarness } from '../support/teams-app.js';
import { ANA, BEN, botAddedToTeam, cardAction, CARO, channelMention, channelMentionOf, installedForUser, personalMessage, TENANT_ID } from '../support/teams-activities.js';
import { evaluateSignals, ratedEscalation, type Who } from './fixtures.js';

const dm = (user: typeof ANA) => `a:1personal-${user.aadObjectId}`;
const body = (c: ConnectorCall | undefined) => JSON.stringify(c?.body ?? {});
const TENANT = `teams-${TENANT_ID}`;
const who = (user: typeof ANA, personId: string): Who => ({ platform: 'teams', tenant: TENANT, user: user.aadObjectId, personId, name: user.name });

describe('coaching on Teams', () => {
  let h: TeamsHarness;
  let clock: MovableClock;
  const responses: unknown[] = [];
  afterEach(async () => {
    for (const card of [...h.connector.calls.flatMap((c) => cardsIn(c.body)), ...responses.flatMap((r) => cardsIn(r))]) expect(cardProblems(card)).toEqual([]);
    responses.length = 0;
    await h.close();
  });

  async function start(at: string, installed: Array<typeof ANA> = [ANA, BEN, CARO]) {
    clock = clockAt(new Date(at));
    h = await startTeamsHarness({ config: shiftConfig(), app: { clock } });
    expect((await send(botAddedToTeam(h.serviceUrl, ANA))).status).toBe(200);
    for (const user of installed) expect((await send(installedForUser(h.serviceUrl, user))).status).toBe(200);
  }
  const send = async (activity: unknown) => {
    const res = await h.send(activity);
    responses.push(res.json);
    return res;
  };
  const to = (conversation: string) => h.connector.calls.filter((c) => c.method === 'POST' && c.conversation === conversation);
  const said = async (user: typeof ANA, text: string, expect: string) => {
    await send(personalMessage(h.serviceUrl, user, text));
    await h.connector.waitFor(() => to(dm(user)).some((c) => body(c).includes(expect)), 15_000, expect);
    return body(to(dm(user)).filter((c) => body(c).includes(expect)).at(-1));
  };
  const press = (user: typeof ANA, verb: string, data: Record<string, unknown>) => send(cardAction(h.serviceUrl, user, verb, data, { conversation: dm(user), id: '1' }));

  it('`nudge` from a manager reaches someone on shift; Thanks updates the card; Reply goes to the sender only', async () => {
    await start('2027-03-01T09:00:00Z');
    expect(await said(CARO, 'nudge ben Nice work', 'Only leads and managers')).toContain('Only leads and managers can send nudges');
    expect(await said(ANA, 'nudge ben Great handling of the Acme outage.', 'on its way')).toContain('Your note to Ben Okafor is on its way');
    await h.connector.waitFor(() => to(dm(BEN)).some((c) => body(c).includes('A note from Ana Lima')));
    const card = to(dm(BEN)).find((c) => body(c).includes('A note from Ana Lima'));
    expect(body(card)).toContain('Great handling of the Acme outage.');
    // Reply is a show-card with its field right on the card.
    expect(body(card)).toContain('Action.ShowCard');
    const thanks = await press(BEN, 'coaching.thanks', { value: 'N-1' });
    expect(JSON.stringify(thanks.json)).toContain('You said thanks');
    expect(JSON.stringify(thanks.json)).not.toContain('coaching.thanks');
    await h.connector.waitFor(() => to(dm(ANA)).some((c) => body(c).includes('Ben Okafor said thanks')));
    const reply = await press(BEN, 'coaching.reply', { value: 'N-1', reply: 'Thank you — it was a team effort.' });
    expect(reply.status).toBe(200);
    await h.connector.waitFor(() => to(dm(ANA)).some((c) => body(c).includes('Ben Okafor replied')));
    expect(h.connector.calls.filter((c) => body(c).includes('it was a team effort')).map((c) => c.conversation)).toEqual([dm(ANA)]);
    expect(await said(ANA, 'nudge list', 'Your nudges')).toContain('acknowledged (replied)');
    // `@Shiftlead nudge …` in a channel: the answer comes privately, the channel sees nothing.
    await send(channelMention(h.serviceUrl, ANA, 'nudge ben Thanks for the handoff notes.'));
    await h.connector.waitFor(() => to(dm(BEN)).some((c) => body(c).includes('Thanks for the handoff notes.')) && to(dm(ANA)).filter((c) => body(c).includes('on its way')).length === 2);
    expect(h.connector.calls.filter((c) => c.conversation !== dm(BEN) && body(c).includes('handoff notes'))).toEqual([]);
    // The person @mentioned, as Teams sends it (a second mention entity): the same.
    await send(channelMentionOf(h.serviceUrl, ANA, 'nudge', BEN, 'And for covering lunch.'));
    await h.connector.waitFor(() => to(dm(BEN)).some((c) => body(c).includes('And for covering lunch.')));
    expect(body(to(dm(BEN)).find((c) => body(c).includes('And for covering lunch.')))).not.toContain('Ben Okafor And');
  });

  it('bad input, and a person the app is not installed for: the sender is told how to fix it', async () => {
    await start('2027-03-01T15:00:00Z', [ANA, BEN]);
    expect(await said(ANA, 'nudge dev Well done', 'has no Teams id')).toContain('Add a `teams:` line with their Microsoft Entra object id');
    expect(await said(ANA, 'nudge caro', 'Write what the note says')).toContain('Nothing was sent');
    expect(await said(ANA, 'nudge caro Thanks for today.', 'on its way')).toContain('Carolina Díaz');
    await h.connector.waitFor(() => to(dm(ANA)).some((c) => body(c).includes('could not be delivered')));
    expect(body(to(dm(ANA)).find((c) => body(c).includes('could not be delivered')))).toContain('ask your Teams admin to install Shiftlead for Carolina Díaz');
    expect(await said(CARO, 'nudges off', 'Done')).toContain('no nudges suggested from signals will reach you');
  });

  it('a signal becomes a suggestion card for the leads; Send from the card delivers the DM', async () => {
    await start('2027-03-01T15:00:00Z');
    await ratedEscalation(h.app, who(ANA, 'ana'), who(CARO, 'caro'), 2);
    expect(await evaluateSignals(h.app, clock.now())).toBe('fired');
    await h.connector.waitFor(() => to(dm(BEN)).some((c) => body(c).includes('Suggested nudge for Carolina Díaz')));
    const sent = await press(BEN, 'coaching.suggest.send', { value: 'S-1' });
    expect(JSON.stringify(sent.json)).toContain('Sent to Carolina Díaz by Ben Okafor');
    await h.connector.waitFor(() => to(dm(CARO)).some((c) => body(c).includes('A note from Ben Okafor')));
    expect(body(to(dm(CARO)).find((c) => body(c).includes('A note from Ben Okafor')))).toContain('was rated 2/5');
  });
});

/** The team pulse on Teams through the HTTP boundary: the DM card with its inputs, answers by Action.Execute. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cardsIn } from '../support/adaptive-cards.js';
import { exampleConfig } from '../support/app.js';
import { clockAt } from '../support/clock.js';
import type { ConnectorCall } from '../support/fake-connector.js';
import { startTeamsHarness, type TeamsHarness } from '../support/teams-app.js';
import { ANA, BEN, CARO, installedForUser, invoke, personalMessage } from '../support/teams-activities.js';

const dmOf = (user: typeof ANA) => `a:1personal-${user.aadObjectId}`;

describe('Teams: the team pulse', () => {
  let h: TeamsHarness;
  beforeEach(async () => {
    // 15:00 UTC: nobody on Teams is in quiet hours.
    h = await startTeamsHarness({ config: exampleConfig(), app: { clock: clockAt(new Date('2027-01-13T15:00:00Z')) } });
    for (const user of [ANA, BEN, CARO]) await h.send(installedForUser(h.serviceUrl, user));
  });
  afterEach(async () => {
    expect(h.cardProblems()).toEqual([]);
    await h.close();
  });

  const send = (activity: unknown) => h.send(activity);
  const text = (c: ConnectorCall) => JSON.stringify(c.body);

  it('DMs the questions as a card with inputs; answers come back by Action.Execute and are checked', async () => {
    await send(personalMessage(h.serviceUrl, ANA, 'pulse now team-pulse'));
    await h.connector.waitFor((c) => [ANA, BEN, CARO].every((u) => c.some((x) => x.conversation === dmOf(u) && text(x).includes('short questions'))), 15_000, 'the DMs');
    expect(h.connector.calls.some((x) => x.conversation === dmOf(ANA) && text(x).includes('Started a round of Team pulse'))).toBe(true);
    const dm = h.connector.calls.find((x) => x.conversation === dmOf(BEN) && text(x).includes('short questions')) as ConnectorCall;
    const [card] = cardsIn(dm.body);
    const show = (card?.['actions'] as Array<Record<string, unknown>>)[0] as { type: string; card: { body: Array<Record<string, unknown>>; actions: Array<{ verb: string; data: { value: string } }> } };
    expect(show.type).toBe('Action.ShowCard');
    expect(show.card.body.map((i) => [i['id'], i['type']])).toEqual([
      ['q1', 'Input.ChoiceSet'],
      ['q2', 'Input.ChoiceSet'],
      ['q3', 'Input.Text'],
    ]);
    const round = show.card.actions[0]?.data.value as string;
    expect(show.card.actions[0]?.verb).toBe('pulse.answer');

    const answer = (user: typeof ANA, data: Record<string, string>) => send(invoke(h.serviceUrl, user, 'adaptiveCard/action', { action: { type: 'Action.Execute', verb: 'pulse.answer', data: { value: round, ...data } }, trigger: 'manual' }, { conversationType: 'personal', id: dmOf(user) }, {}));
    expect((await answer(BEN, { q1: '12', q2: '4' })).json).toMatchObject({ value: expect.stringContaining('Not saved: How likely are you to recommend working on this team to a friend? — Pick a whole number from 0 to 10.') });
    expect((await answer(BEN, { q1: '9', q2: '4', q3: 'more demos' })).json).toMatchObject({ value: expect.stringContaining('Thanks — your answer is saved, anonymously.') });
    expect((await answer(BEN, { q1: '8', q2: '4' })).json).toMatchObject({ value: expect.stringContaining('Your answer is updated, anonymously.') });
  });
});

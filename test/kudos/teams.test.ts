/** Kudos on Teams: Activity JSON in (a mention of the person), Bot Connector calls out, on real Redis. */
import { afterEach, describe, expect, it } from 'vitest';
import { cardProblems, cardsIn } from '../support/adaptive-cards.js';
import { exampleConfig } from '../support/app.js';
import { clockAt } from '../support/clock.js';
import type { ConnectorCall } from '../support/fake-connector.js';
import { startTeamsHarness, type TeamsHarness } from '../support/teams-app.js';
import { ANA, BEN, botAddedToTeam, channelMentionOf, GENERAL, installedForUser, personalMessage } from '../support/teams-activities.js';
import { RedisKudosStore } from '../../src/store/kudos.js';

const dm = (user: typeof ANA) => `a:1personal-${user.aadObjectId}`;
const body = (c: ConnectorCall | undefined) => JSON.stringify(c?.body ?? {});

/** "@Shiftlead kudos @Ben Okafor …" in a channel: Teams sends both mentions as entities. */
const kudosMention = (serviceUrl: string, from: typeof ANA, person: typeof ANA, words: string) => channelMentionOf(serviceUrl, from, 'kudos', person, words);

describe('kudos on Teams', () => {
  let h: TeamsHarness;
  afterEach(async () => {
    for (const card of h.connector.calls.flatMap((c) => cardsIn(c.body))) expect(cardProblems(card)).toEqual([]);
    await h.close();
  });

  async function start() {
    h = await startTeamsHarness({ config: exampleConfig(), app: { clock: clockAt(new Date('2027-03-29T10:00:00Z')) } });
    expect((await h.send(botAddedToTeam(h.serviceUrl, ANA))).status).toBe(200);
    for (const user of [ANA, BEN]) expect((await h.send(installedForUser(h.serviceUrl, user))).status).toBe(200);
  }
  const to = (conversation: string) => h.connector.calls.filter((c) => c.method === 'POST' && c.conversation === conversation);
  const channelPosts = () => h.connector.calls.filter((c) => c.method === 'POST' && c.conversation === undefined);

  it('posts the thank-you in the channel with a real mention, DMs the person and answers the giver privately', async () => {
    await start();
    expect((await h.send(kudosMention(h.serviceUrl, ANA, BEN, 'for the calm Acme call'))).status).toBe(200);
    await h.connector.waitFor(() => channelPosts().some((c) => body(c).includes('Kudos')) && to(dm(BEN)).some((c) => body(c).includes('gave you kudos')) && to(dm(ANA)).some((c) => body(c).includes('posted here')));
    const post = channelPosts().find((c) => body(c).includes('Kudos'));
    expect(post?.body).toMatchObject({ channelData: { channel: { id: GENERAL } } });
    expect(body(post)).toContain('<at>Ben Okafor</at> from <at>Ana Lima</at>: for the calm Acme call');
    expect(body(to(dm(BEN))[0])).toContain('Ana Lima gave you kudos: “for the calm Acme call”');
    expect(await new RedisKudosStore(h.app.redis, h.app.prefix).received('ben', new Date('2027-03-29T00:00:00Z'), new Date('2027-03-30T00:00:00Z'))).toBe(1);
  });

  it('an activity delivered twice (Teams retried it) counts once', async () => {
    await start();
    const activity = kudosMention(h.serviceUrl, ANA, BEN, 'for the rota');
    await Promise.all([h.send(activity), h.send(activity)]);
    // The repeat (same activity id) runs nothing and answers nothing: one private answer.
    await h.connector.waitFor(() => to(dm(ANA)).length === 1 && to(dm(BEN)).length === 1);
    await new Promise((r) => setTimeout(r, 300));
    expect(to(dm(ANA))).toHaveLength(1);
    expect(channelPosts().filter((c) => body(c).includes('Kudos'))).toHaveLength(1);
    expect(to(dm(BEN))).toHaveLength(1);
  });

  it('when the person cannot get DMs (Shiftlead not installed for them), the thank-you is still posted and the giver is told how to fix it', async () => {
    h = await startTeamsHarness({ config: exampleConfig(), app: { clock: clockAt(new Date('2027-03-29T10:00:00Z')) } });
    expect((await h.send(botAddedToTeam(h.serviceUrl, ANA))).status).toBe(200);
    expect((await h.send(installedForUser(h.serviceUrl, ANA))).status).toBe(200);
    await h.send(kudosMention(h.serviceUrl, ANA, BEN, 'for the rota'));
    await h.connector.waitFor(() => to(dm(ANA)).some((c) => body(c).includes('could not DM them')), 15_000, 'the notice');
    expect(body(to(dm(ANA)).find((c) => body(c).includes('could not DM them')))).toContain('install Shiftlead for them (Teams admin center');
    expect(channelPosts().filter((c) => body(c).includes('Kudos'))).toHaveLength(1);
  });

  it('bad input: yourself, nobody, someone without a Teams id, no text, the 1:1 chat without kudos.channel — a private answer, nothing posted', async () => {
    await start();
    await h.send(personalMessage(h.serviceUrl, ANA, 'kudos ana for me'));
    await h.send(personalMessage(h.serviceUrl, ANA, 'kudos nobody for things'));
    await h.send(personalMessage(h.serviceUrl, ANA, 'kudos dev for the night shift'));
    await h.send(personalMessage(h.serviceUrl, ANA, 'kudos ben'));
    await h.send(personalMessage(h.serviceUrl, ANA, 'kudos ben for the rota'));
    await h.connector.waitFor(() => to(dm(ANA)).length === 5);
    const answers = to(dm(ANA)).map(body);
    expect(answers[0]).toContain('You cannot give yourself kudos');
    expect(answers[1]).toContain('No one called \\"nobody\\" in the roster');
    expect(answers[2]).toContain('Dev Patel has no Microsoft Teams id in Shiftlead');
    expect(answers[2]).toContain('teams: <their Microsoft Entra object id>');
    expect(answers[3]).toContain('Say what the kudos is for');
    // The 1:1 chat with Shiftlead is not a channel: a public thank-you has nowhere to go.
    expect(answers[4]).toContain('Kudos are a public thank-you: give them in a channel, or ask a manager to set kudos.channel');
    expect(channelPosts()).toEqual([]);
    expect(to(dm(BEN))).toEqual([]);
  });
});

/**
 * Kudos on Slack, through signed slash commands against a stand-in Web API, on real Redis, with
 * the app's clock set to a chosen moment (Monday 2027-03-29 10:00 UTC: Ana in Lisbon is at 11:00).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { clockAt, type MovableClock } from '../support/clock.js';
import { exampleConfig } from '../support/app.js';
import { messageProblems } from '../support/block-kit.js';
import { postSigned, slashCommand } from '../support/slack-requests.js';
import { startSlackHarness, type SlackHarness } from '../support/slack-app.js';
import type { SlackCall } from '../support/fake-slack.js';
import { RedisKudosStore } from '../../src/store/kudos.js';
import { orgKeys } from '../../src/store/keys.js';

const FORM = 'application/x-www-form-urlencoded';
const ANA = 'U0ANALIMA';
const BEN = 'U0BENOKAF';
const STRANGER = 'U0STRANGE';
const text = (c: SlackCall | undefined) => `${String(c?.args['text'] ?? '')}\n${JSON.stringify(c?.args['blocks'] ?? [])}`;

describe('kudos on Slack', () => {
  let h: SlackHarness;
  let clock: MovableClock;
  afterEach(async () => {
    expect(h.payloadProblems()).toEqual([]);
    await h.close();
  });

  async function start(at = '2027-03-29T10:00:00Z') {
    clock = clockAt(new Date(at));
    h = await startSlackHarness({ config: exampleConfig(), app: { clock } });
    await h.slack.waitFor((c) => c.some((x) => x.method === 'auth.test'));
  }
  const kudos = async (user: string, line: string, channel = 'C0GENERAL') => {
    const res = await postSigned(h.base, slashCommand({ command: '/kudos', text: line, user_id: user, channel_id: channel }), FORM);
    expect(res.status).toBe(200);
    const ack = res.json as { text?: string; blocks?: unknown[] };
    expect(messageProblems(ack as Record<string, unknown>)).toEqual([]);
    return ack.text ?? '';
  };
  const posts = (channel: string) => h.slack.of('chat.postMessage').filter((c) => c.args['channel'] === channel);
  const received = (person: string) => new RedisKudosStore(h.app.redis, h.app.prefix).received(person, new Date('2027-03-22T00:00:00Z'), new Date('2027-04-05T00:00:00Z'));

  it('posts a public thank-you in the channel, DMs the person, counts it and audits it', async () => {
    await start();
    const answer = await kudos(ANA, `<@${BEN}|ben> for untangling the Acme refund`);
    expect(answer).toBe('🎉 Kudos to Ben Okafor posted here; sent to them by DM. You have given 1 of 5 today.');
    await h.slack.waitFor(() => posts('C0GENERAL').length === 1 && posts(BEN).length === 1);
    expect(text(posts('C0GENERAL')[0])).toContain(`🎉 *Kudos* to <@${BEN}> from <@${ANA}>: for untangling the Acme refund`);
    expect(text(posts(BEN)[0])).toContain('Ana Lima gave you kudos: “for untangling the Acme refund”');
    expect(await received('ben')).toBe(1);
    const audit = await h.app.redis.xrange(orgKeys(h.app.prefix).audit, '-', '+');
    expect(audit.map(([, f]) => f.join(' '))).toEqual([expect.stringMatching(/^actor ana at \S+ type kudos\.given subject K-1 to ben detail slack C0GENERAL$/)]);
  });

  it('names people by id or name too, and posts in kudos.channel when it is configured', async () => {
    const config = exampleConfig();
    config.kudos.channel = { slack: 'C0KUDOS' };
    clock = clockAt(new Date('2027-03-29T10:00:00Z'));
    h = await startSlackHarness({ config, app: { clock } });
    expect(await kudos(BEN, 'Carolina Díaz for the calm handoff')).toContain('Kudos to Carolina Díaz posted in the kudos channel');
    expect(await kudos(BEN, '@ana for covering Friday')).toContain('Kudos to Ana Lima posted in the kudos channel');
    await h.slack.waitFor(() => posts('C0KUDOS').length === 2);
    expect(posts('C0GENERAL')).toEqual([]);
    expect(text(posts('C0KUDOS')[0])).toContain(': for the calm handoff');
  });

  it('in a channel Shiftlead is not in, the giver is told why nothing appeared', async () => {
    await start();
    h.slack.channelErrors.set('G0PRIVATE', 'not_in_channel');
    expect(await kudos(ANA, 'ben for the handoff', 'G0PRIVATE')).toContain('Kudos to Ben Okafor posted here');
    await h.slack.waitFor(() => posts(ANA).some((c) => text(c).includes('could not post your thank-you to Ben Okafor in that channel')) && posts(BEN).length === 1);
  });

  it('bad input gets a clear private answer and posts nothing', async () => {
    await start();
    expect(await kudos(ANA, `<@${ANA}> for being me`)).toContain('You cannot give yourself kudos');
    expect(await kudos(ANA, 'nobody for anything')).toContain('No one called "nobody" in the roster');
    expect(await kudos(ANA, `<@U0NOBODY1> for anything`)).toContain('No one called "&lt;@U0NOBODY1&gt;" in the roster');
    expect(await kudos(ANA, 'dev for the night shift')).toContain('Dev Patel has no Slack id in Shiftlead\'s team configuration');
    expect(await kudos(ANA, 'ben')).toContain('Say what the kudos is for: /kudos ben for …');
    expect(await kudos(ANA, '')).toContain('Give kudos with */kudos &lt;person&gt; &lt;what for&gt;*');
    expect(await kudos(ANA, `ben ${'x'.repeat(501)}`)).toContain('That is 501 characters; kudos are short (at most 500)');
    expect(await kudos(STRANGER, 'ben for help')).toContain("You are not in Shiftlead's roster yet");
    expect(await kudos(ANA, 'ben for help', 'D0ANADM')).toContain('Kudos are a public thank-you: give them in a channel');
    await new Promise((r) => setTimeout(r, 300));
    expect(h.slack.of('chat.postMessage')).toEqual([]);
    expect(await received('ben')).toBe(0);
  });

  it('five a day per giver (their own day): the sixth is refused, even when they arrive at once; the next day they can again', async () => {
    await start('2027-03-29T22:30:00Z'); // 23:30 in Lisbon
    const answers = await Promise.all(['one', 'two', 'three', 'four', 'five', 'six', 'seven'].map((n) => kudos(ANA, `ben for reason ${n}`)));
    expect(answers.filter((a) => a.includes('posted here'))).toHaveLength(5);
    expect(answers.filter((a) => a.includes('You have given 5 kudos today, the most one person can give in a day (5)'))).toHaveLength(2);
    expect(await kudos(ANA, 'ben for reason eight')).toContain('the most one person can give in a day');
    // Another giver has their own five.
    expect(await kudos(BEN, 'ana for the rota')).toContain('You have given 1 of 5 today');
    // 00:30 in Lisbon: a new day for Ana.
    clock.set(new Date('2027-03-29T23:30:00Z'));
    expect(await kudos(ANA, 'ben for reason nine')).toContain('You have given 1 of 5 today');
    // Ben (Lagos) is in his quiet hours: the thank-yous are posted, the DMs wait for 08:00 his time.
    await h.slack.waitFor(() => posts('C0GENERAL').length === 7);
    expect(answers[0]).toContain('their DM waits until their quiet hours end (08:00 their time)');
    expect(posts(BEN)).toEqual([]);
    expect(await received('ben')).toBe(6);
  });

  it('a DM to someone in their quiet hours waits until they end; the thank-you is posted at once', async () => {
    await start('2027-03-29T05:00:00Z');
    // 06:59:58.5 UTC: 07:59:58.5 in Lagos, where Ben's quiet hours (20:00–08:00) end in 1.5 seconds.
    clock.set(new Date('2027-03-29T06:59:58.500Z'));
    expect(await kudos(ANA, 'ben for the early start')).toContain('posted here; their DM waits until their quiet hours end (08:00 their time)');
    await h.slack.waitFor(() => posts('C0GENERAL').length === 1);
    await h.slack.waitFor(() => posts(BEN).length === 1, 15_000, 'the held DM');
    expect(clock.now().getTime()).toBeGreaterThanOrEqual(Date.parse('2027-03-29T07:00:00Z'));
    expect(h.slack.calls.indexOf(posts('C0GENERAL')[0] as SlackCall)).toBeLessThan(h.slack.calls.indexOf(posts(BEN)[0] as SlackCall));
    expect(text(posts(BEN)[0])).toContain('Ana Lima gave you kudos: “for the early start”');
  });

  it('a request delivered twice counts once and posts once', async () => {
    await start();
    const body = slashCommand({ command: '/kudos', text: `<@${BEN}|ben> for the Acme call`, user_id: ANA, channel_id: 'C0GENERAL' });
    const [first, second] = await Promise.all([postSigned(h.base, body, FORM), postSigned(h.base, body, FORM)]);
    // The repeat (same trigger_id) is acknowledged with nothing: the request ledger ran it once.
    const answers = [first, second].map((r) => (r.json as { text?: string } | undefined)?.text ?? '').sort();
    expect(answers[0]).toBe('');
    expect(answers[1]).toMatch(/^🎉 Kudos to Ben Okafor posted here.*You have given 1 of 5 today/s);
    await h.slack.waitFor(() => posts('C0GENERAL').length === 1 && posts(BEN).length === 1);
    await new Promise((r) => setTimeout(r, 300));
    expect(posts('C0GENERAL')).toHaveLength(1);
    expect(await received('ben')).toBe(1);
    // The same words a few minutes later are a new kudos.
    clock.set(new Date('2027-03-29T10:05:00Z'));
    expect(await kudos(ANA, `<@${BEN}|ben> for the Acme call`)).toContain('You have given 2 of 5 today');
  });
});

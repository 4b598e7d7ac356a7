/** Quick polls on Slack through the HTTP boundary: signed /poll and /csat, button presses, closing, the CSAT metric. */
import { afterEach, describe, expect, it } from 'vitest';
import { localDate } from '../../src/core/schedule/local-time.js';
import { RedisMetricStore } from '../../src/store/metrics.js';
import { RedisPollStore } from '../../src/store/polls.js';
import type { SlackCall } from '../support/fake-slack.js';
import { restartRedis, startPrivateRedis } from '../support/private-redis.js';
import { startSlackHarness, type SlackHarness } from '../support/slack-app.js';
import { buttonPress, interaction, postSigned, slashCommand } from '../support/slack-requests.js';

const FORM = 'application/x-www-form-urlencoded';
const T = 'slack-T0TEST';
const ANA = 'U0ANALIMA'; // manager, creates the polls
const CARO = 'U0CARODIA'; // agent
const BEN = 'U0BENOKAF'; // lead
const CHANNEL = 'C0SUPPORT'; // the support department's channel

describe('Slack: quick polls', () => {
  const cleanups: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const fn of cleanups.splice(0).reverse()) await fn();
  });

  async function harness(options: Parameters<typeof startSlackHarness>[0] = {}): Promise<SlackHarness> {
    const h = await startSlackHarness(options);
    cleanups.push(async () => {
      expect(h.payloadProblems()).toEqual([]);
      await h.close();
    });
    return h;
  }

  const command = (h: SlackHarness, name: string, text: string, user = ANA, channel = CHANNEL) => postSigned(h.base, slashCommand({ command: name, text, user_id: user, channel_id: channel }), FORM);

  /** Posts a poll and returns where it landed. */
  async function posted(h: SlackHarness, name: string, text: string): Promise<{ channel: string; ts: string; call: SlackCall }> {
    const res = await command(h, name, text);
    expect(res.status).toBe(200);
    expect(res.text).toBe('');
    await h.slack.waitFor((c) => c.some((x) => x.method === 'chat.getPermalink'), 15_000, 'the poll');
    const call = h.slack.of('chat.postMessage').find((c) => c.args['channel'] === CHANNEL) as SlackCall;
    return { channel: CHANNEL, ts: String(h.slack.of('chat.getPermalink')[0]?.args['message_ts']), call };
  }

  const press = (h: SlackHarness, user: string, actionId: string, value: string, at: { channel: string; ts: string }) => postSigned(h.base, interaction(buttonPress(user, actionId, value, at)), FORM);
  const whispers = (h: SlackHarness, user: string) => h.slack.of('chat.postEphemeral').filter((c) => c.args['user'] === user).map((c) => String(c.args['text']));
  const blocksOf = (call: SlackCall | undefined) => JSON.stringify(call?.args['blocks'] ?? []);

  it('answers bad input privately and posts nothing; a good /poll is posted with its buttons', async () => {
    const h = await harness();
    const refused = async (text: string) => ((await command(h, '/poll', text)).json as { response_type: string; text: string });
    expect(await refused('"Lunch?" pizza')).toMatchObject({ response_type: 'ephemeral', text: expect.stringContaining('needs 2 to 10 options separated by |; this one has 1') });
    expect((await refused(`"Lunch?" ${Array.from({ length: 11 }, (_, i) => `o${i}`).join(' | ')}`)).text).toContain('this one has 11');
    expect((await refused('"" pizza | sushi')).text).toContain('The poll needs a question');
    expect((await refused(`"${'q'.repeat(301)}" a | b`)).text).toContain('the most is 300');
    expect((await refused('"Lunch?" a | b --closes')).text).toContain('--closes needs a time');
    expect((await refused(`"Lunch?" a | ${'o'.repeat(76)}`)).text).toContain('Option 2 is 76 characters; the most is 75');
    expect((await refused('"Lunch?" a | b --closes 31d')).text).toContain('at most 30 days');
    expect((await refused('"Lunch?" a | b --closes 2020-01-01 09:00')).text).toContain('has already passed');
    await new Promise((r) => setTimeout(r, 300));
    expect(h.slack.of('chat.postMessage')).toEqual([]);

    const poll = await posted(h, '/poll', '"Where shall we eat on Friday?" pizza | sushi | tacos --anonymous');
    expect(poll.call.args['text']).toBe('Poll: Where shall we eat on Friday? (0 responses)');
    const blocks = blocksOf(poll.call);
    for (const label of ['pizza', 'sushi', 'tacos', 'Close poll', 'POLL-1', 'not even its creator']) expect(blocks).toContain(label);

    // The largest poll allowed stays within Block Kit's limits (checked after each test).
    const options = Array.from({ length: 10 }, (_, i) => `${i} ${'o'.repeat(73)}`).join(' | ');
    expect((await command(h, '/poll', `"${'q'.repeat(299)}?" ${options}`)).text).toBe('');
    await h.slack.waitFor((c) => c.filter((x) => x.method === 'chat.postMessage').length === 2, 15_000, 'the largest poll');
    expect(blocksOf(h.slack.of('chat.postMessage')[1])).toContain('"value":"POLL-2 10"');
  });

  it('counts 50 people voting at once exactly once each, and updates the summary a handful of times', async () => {
    const h = await harness();
    const poll = await posted(h, '/csat', '');
    expect(blocksOf(poll.call)).toContain('5 · Very satisfied');
    const voters = Array.from({ length: 50 }, (_, i) => `U0VOTER${String(i).padStart(2, '0')}`);
    const results = await Promise.all(voters.map((u, i) => press(h, u, 'poll.vote', `POLL-1 ${(i % 5) + 1}`, poll)));
    expect(results.every((r) => r.status === 200)).toBe(true);
    // A double click (and a retried delivery) count once; pressing another changes the vote.
    await Promise.all([press(h, voters[0] as string, 'poll.vote', 'POLL-1 1', poll), press(h, voters[0] as string, 'poll.vote', 'POLL-1 1', poll)]);
    await press(h, voters[1] as string, 'poll.vote', 'POLL-1 5', poll);

    const store = new RedisPollStore(h.app.redis, h.app.prefix);
    const state = await store.get(T, 'POLL-1');
    expect(state?.counts).toEqual([10, 9, 10, 10, 11]);
    await h.slack.waitFor((c) => c.filter((x) => x.method === 'chat.postEphemeral').length >= 53, 15_000, 'every voter told');
    expect(whispers(h, voters[2] as string)).toEqual(['You voted 3 (Neutral) — press another to change it.']);
    expect(whispers(h, voters[1] as string)).toEqual(['You voted 2 (Dissatisfied) — press another to change it.', 'You voted 5 (Very satisfied) — press another to change it.']);

    // The summary catches up with every vote (the changed one included) within a few coalesced updates.
    await h.slack.waitFor((c) => c.some((x) => x.method === 'chat.update' && blocksOf(x).includes('*50 responses* · average *3.1* / 5')), 30_000, 'the summary with all 50 votes');
    const updates = h.slack.of('chat.update');
    expect(updates.length).toBeGreaterThanOrEqual(1);
    expect(updates.length).toBeLessThanOrEqual(4);
    const last = updates.find((x) => blocksOf(x).includes('*50 responses* · average *3.1* / 5')) as SlackCall;
    // (10×1 + 9×2 + 10×3 + 10×4 + 11×5) / 50 = 3.06
    expect(last.args).toMatchObject({ channel: CHANNEL, ts: poll.ts });
    // Counts only: no voter appears on the message.
    for (const u of voters) expect(updates.some((x) => blocksOf(x).includes(u))).toBe(false);
  });

  it('closes with Close poll (creator, leads, managers only): final results, one line in the thread, later votes refused, CSAT recorded', async () => {
    const h = await harness();
    const poll = await posted(h, '/csat', 'How did the onboarding call go?');
    await Promise.all([press(h, CARO, 'poll.vote', 'POLL-1 4', poll), press(h, 'U0CUSTOMER1', 'poll.vote', 'POLL-1 5', poll), press(h, 'U0CUSTOMER2', 'poll.vote', 'POLL-1 3', poll)]);
    await press(h, CARO, 'poll.close', 'POLL-1', poll);
    await h.slack.waitFor((c) => whispersIn(c, CARO).some((t) => t.includes('Only the poll')));
    await press(h, BEN, 'poll.close', 'POLL-1', poll);
    await h.slack.waitFor((c) => c.some((x) => x.method === 'chat.postMessage' && x.args['thread_ts'] === poll.ts), 15_000, 'the result line');
    const line = h.slack.of('chat.postMessage').find((x) => x.args['thread_ts'] === poll.ts);
    expect(line?.args['text']).toBe('⭐ POLL-1 closed: average *4.0* / 5 from 3 responses.');
    await h.slack.waitFor((c) => c.some((x) => x.method === 'chat.update' && blocksOf(x).includes('closed')));
    const final = h.slack.of('chat.update').find((x) => blocksOf(x).includes('closed')) as SlackCall;
    expect(blocksOf(final)).not.toContain('"actions"');
    expect(blocksOf(final)).toContain('by <@U0BENOKAF>');

    await press(h, 'U0LATECOMER', 'poll.vote', 'POLL-1 1', poll);
    await h.slack.waitFor((c) => whispersIn(c, 'U0LATECOMER').length > 0);
    expect(whispers(h, 'U0LATECOMER')).toEqual(['POLL-1 is closed; votes are no longer counted. Thanks anyway!']);
    expect((await new RedisPollStore(h.app.redis, h.app.prefix).get(T, 'POLL-1'))?.counts).toEqual([0, 0, 1, 1, 1]);
    // The result is the day's csat of the poll source for the channel's department: 4 from 3 votes.
    expect(await pollCsat(h)).toEqual([['support', 4, 3]]);
    // Pressing Close again, or the timer firing later, changes nothing.
    await press(h, ANA, 'poll.close', 'POLL-1', poll);
    await h.slack.waitFor((c) => whispersIn(c, ANA).some((t) => t.includes('already closed')));
    expect(h.slack.of('chat.postMessage').filter((x) => x.args['thread_ts'] === poll.ts)).toHaveLength(1);
  });

  /** The csat values the poll source recorded today (the organization's date), by department. */
  const pollCsat = async (h: Awaited<ReturnType<typeof harness>>) => {
    const today = localDate(new Date(), h.app.settings.config.organization.timezone);
    const points = await new RedisMetricStore(h.app.redis, h.app.prefix).read(['support'], [today]);
    return points.filter((p) => p.metric === 'csat' && p.source === 'poll').map((p) => [p.department, p.value, p.count]);
  };

  const whispersIn = (calls: SlackCall[], user: string) => calls.filter((c) => c.method === 'chat.postEphemeral' && c.args['user'] === user).map((c) => String(c.args['text']));

  it('closes by its timer at --closes, with the winner in the thread', async () => {
    const h = await harness();
    const poll = await posted(h, '/poll', '"Tea or coffee?" tea | coffee --closes 3s');
    await Promise.all([press(h, CARO, 'poll.vote', 'POLL-1 2', poll), press(h, BEN, 'poll.vote', 'POLL-1 2', poll), press(h, ANA, 'poll.vote', 'POLL-1 1', poll)]);
    await h.slack.waitFor((c) => c.some((x) => x.method === 'chat.postMessage' && x.args['thread_ts'] === poll.ts), 15_000, 'the result line');
    expect(h.slack.of('chat.postMessage').find((x) => x.args['thread_ts'] === poll.ts)?.args['text']).toBe('📊 POLL-1 closed: *coffee* won with 2 votes of 3 (67%).');
    // A choice poll is not a CSAT: no metric.
    expect(await pollCsat(h)).toEqual([]);
  });

  it('tells a voter to retry when Redis is down, and counts nothing half', async () => {
    const redis = await startPrivateRedis(true);
    cleanups.push(redis.cleanup);
    const h = await harness({ app: { redisUrl: redis.url } });
    const poll = await posted(h, '/poll', '"Lunch?" pizza | sushi');
    await press(h, CARO, 'poll.vote', 'POLL-1 1', poll);
    await h.slack.waitFor((c) => whispersIn(c, CARO).length === 1);
    await redis.stop?.();
    expect((await press(h, BEN, 'poll.vote', 'POLL-1 2', poll)).status).toBe(200);
    await h.slack.waitFor((c) => whispersIn(c, BEN).length > 0);
    expect(whispers(h, BEN)).toEqual(['Shiftlead could not count your vote right now (its database is unreachable). Nothing was counted — please press again in a minute.']);
    cleanups.push(await restartRedis(redis.url, redis.dataDir));
    const store = new RedisPollStore(h.app.redis, h.app.prefix);
    await expect.poll(() => store.get(T, 'POLL-1').then((s) => s?.counts).catch(() => undefined), { timeout: 10_000 }).toEqual([1, 0]);
    await press(h, BEN, 'poll.vote', 'POLL-1 2', poll);
    await h.slack.waitFor((c) => whispersIn(c, BEN).length === 2);
    expect(whispers(h, BEN)[1]).toBe('You voted *sushi* — press another to change it.');
    expect((await store.get(T, 'POLL-1'))?.counts).toEqual([1, 1]);
  });
});

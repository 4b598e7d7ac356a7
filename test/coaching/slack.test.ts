/**
 * Coaching on Slack, through signed requests against a stand-in Web API, on real Redis, with the
 * app's clock set to a chosen week (Monday 2027-03-01; Lisbon is on UTC then). Shifts: Ben works
 * Early (06:00–14:00), Caro Late (14:00–22:00); quiet hours are 20:00–08:00 in each person's zone.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { messageProblems, viewProblems } from '../support/block-kit.js';
import { clockAt, type MovableClock } from '../support/clock.js';
import type { SlackCall } from '../support/fake-slack.js';
import { shiftConfig } from '../support/shift-config.js';
import { buttonPress, interaction, postSigned, slashCommand, viewSubmission } from '../support/slack-requests.js';
import { startSlackHarness, type SlackHarness } from '../support/slack-app.js';
import { RedisCoachingStore } from '../../src/store/coaching.js';
import { evaluateSignals, ratedEscalation, type Who } from './fixtures.js';

const FORM = 'application/x-www-form-urlencoded';
const ANA = 'U0ANALIMA';
const BEN = 'U0BENOKAF';
const CARO = 'U0CARODIA';
const TENANT = 'slack-T0TEST';
const who = (user: string, personId: string, name: string): Who => ({ platform: 'slack', tenant: TENANT, user, personId, name });
const ana = who(ANA, 'ana', 'Ana Lima');
const caro = who(CARO, 'caro', 'Carolina Díaz');

const text = (c: SlackCall | undefined) => `${String(c?.args['text'] ?? '')}\n${JSON.stringify(c?.args['blocks'] ?? [])}`;

describe('coaching on Slack', () => {
  let h: SlackHarness;
  let clock: MovableClock;
  afterEach(async () => {
    // Every Block Kit payload Shiftlead sent is within Slack's documented limits.
    for (const call of h?.slack.calls ?? []) {
      if (['chat.postMessage', 'chat.update', 'chat.postEphemeral'].includes(call.method)) expect(messageProblems(call.args), call.method).toEqual([]);
      if (call.method === 'views.open') expect(viewProblems(call.args['view'] as Record<string, unknown>)).toEqual([]);
    }
    await h?.close();
  });

  async function start(at: string) {
    clock = clockAt(new Date(at));
    h = await startSlackHarness({ config: shiftConfig(), app: { clock } });
    await h.slack.waitFor((c) => c.some((x) => x.method === 'auth.test'));
  }
  /** The private answer to a command (in the ack). */
  const answer = async (user: string, line: string) => {
    const [name = '', ...rest] = line.split(' ');
    const res = await postSigned(h.base, slashCommand({ command: name, text: rest.join(' '), user_id: user, channel_id: 'C0GENERAL' }), FORM);
    expect(res.status).toBe(200);
    const ack = res.json as { text?: string; blocks?: unknown[] } | undefined;
    if (ack) expect(messageProblems(ack as Record<string, unknown>)).toEqual([]);
    return `${ack?.text ?? ''}\n${JSON.stringify(ack?.blocks ?? [])}`;
  };
  const dmsTo = (user: string) => h.slack.of('chat.postMessage').filter((c) => c.args['channel'] === user);
  const press = (user: string, actionId: string, value: string) => postSigned(h.base, interaction(buttonPress(user, actionId, value, { channel: `D${user.slice(1)}`, ts: '1700000000.000100' })), FORM);
  const buttonValue = (c: SlackCall | undefined, actionId: string) => new RegExp(`"action_id":"${actionId.replace(/\./g, '\\.')}"[^}]*\\},"value":"([^"]+)"`).exec(JSON.stringify(c?.args['blocks']))?.[1] ?? '';
  const submitForm = async (user: string, callbackId: string, values: Record<string, Record<string, unknown>>) => {
    await h.slack.waitFor(() => h.slack.of('views.open').some((c) => (c.args['view'] as Record<string, unknown>)['callback_id'] === callbackId));
    const view = h.slack.of('views.open').filter((c) => (c.args['view'] as Record<string, unknown>)['callback_id'] === callbackId).at(-1)?.args['view'] as Record<string, unknown>;
    return postSigned(h.base, interaction(viewSubmission(user, view, values)), FORM);
  };

  it('a nudge to someone on shift arrives now; Thanks and Reply go back to the sender only; /nudge list shows it', async () => {
    await start('2027-03-01T09:00:00Z');
    const sent = await answer(ANA, '/nudge ben Great handling of the Acme outage this morning.');
    expect(sent).toContain('Your note to Ben Okafor is on its way (they are on shift)');
    await h.slack.waitFor(() => dmsTo(BEN).some((c) => text(c).includes('A note from Ana Lima')));
    const dm = dmsTo(BEN).find((c) => text(c).includes('A note from Ana Lima'));
    expect(text(dm)).toContain('Great handling of the Acme outage this morning.');
    expect(text(dm)).toContain('Private between you and Ana Lima');
    // Someone else's press changes nothing.
    expect((await press(CARO, 'coaching.thanks', 'N-1')).status).toBe(200);
    await h.slack.waitFor(() => h.slack.of('chat.postEphemeral').some((c) => String(c.args['text']).includes('This note is not for you')));
    await press(BEN, 'coaching.thanks', buttonValue(dm, 'coaching.thanks'));
    await h.slack.waitFor(() => dmsTo(ANA).some((c) => text(c).includes('Ben Okafor said thanks for your note')));
    // The DM is replaced in place: Thanks is gone, Reply stays.
    await h.slack.waitFor(() => h.slack.of('chat.update').some((c) => text(c).includes('You said thanks')));
    expect(JSON.stringify(h.slack.of('chat.update').at(-1)?.args['blocks'])).not.toContain('coaching.thanks');
    await press(BEN, 'coaching.reply', 'N-1');
    // An empty reply is refused in the modal; nothing is sent.
    const empty = await submitForm(BEN, 'coaching.reply', { reply: { type: 'plain_text_input', value: '  ' } });
    expect(JSON.stringify(empty.json)).toContain('Write a reply');
    const res = await submitForm(BEN, 'coaching.reply', { reply: { type: 'plain_text_input', value: 'Thank you, it was a team effort.' } });
    expect(res.status).toBe(200);
    await h.slack.waitFor(() => dmsTo(ANA).some((c) => text(c).includes('Ben Okafor replied')));
    expect(text(dmsTo(ANA).find((c) => text(c).includes('Ben Okafor replied')))).toContain('it was a team effort');
    // Slack may deliver the same submission twice: it reaches Ana once.
    await submitForm(BEN, 'coaching.reply', { reply: { type: 'plain_text_input', value: 'Thank you, it was a team effort.' } });
    await new Promise((r) => setTimeout(r, 1500));
    expect(dmsTo(ANA).filter((c) => text(c).includes('Ben Okafor replied'))).toHaveLength(1);
    expect(h.slack.of('chat.postMessage').filter((c) => text(c).includes('team effort')).map((c) => c.args['channel'])).toEqual([ANA]);
    const list = await answer(ANA, '/nudge list');
    expect(list).toContain('Ben Okafor');
    expect(list).toContain('delivered · acknowledged (replied)');
    // The audit trail names who, whom and when, never the text.
    const audit = JSON.stringify(await h.app.redis.xrange(`${h.app.prefix}:{org}:audit`, '-', '+'));
    expect(audit).toContain('nudge.sent');
    expect(audit).toContain('to ben');
    expect(audit).not.toContain('Acme outage');
    expect(audit).not.toContain('team effort');
  }, 30_000);

  it('held: off shift until the shift starts, in quiet hours until they end; the sender is told when', async () => {
    // 07:59:54 Lisbon: Ana (no shift) is in quiet hours for a few more seconds; Caro's Late starts at 14:00.
    await start('2027-03-01T07:59:54Z');
    const quiet = await answer(BEN, '/nudge ana The Q1 rota is ready for review.');
    expect(quiet).toMatch(/it is quiet hours for Ana Lima; this arrives at 08:00 Ana Lima’s time \(Europe\/Lisbon\), in \ds\./);
    const off = await answer(ANA, '/nudge caro Thanks for covering yesterday.');
    expect(off).toMatch(/Carolina Díaz is off shift; this arrives at 09:00 Carolina Díaz’s time \(America\/Bogota\), when their Late shift starts, in 6h( \d+s)?\./);
    expect(dmsTo(ANA).filter((c) => text(c).includes('A note from'))).toEqual([]);
    const timer = await h.app.queues.get('timers').getJob('v1-nudge-N-2-p1');
    expect(timer?.opts.delay).toBeGreaterThan(6 * 3600_000 - 10_000);
    await h.slack.waitFor(() => dmsTo(ANA).some((c) => text(c).includes('A note from Ben Okafor (lead)')), 15_000, 'the held nudge at 08:00');
    expect(dmsTo(CARO)).toEqual([]);
    expect(await answer(ANA, '/nudge list')).toContain('held until Mon 1 Mar, 14:00');
  }, 30_000);

  it('bad input gets a clear private answer and sends nothing', async () => {
    await start('2027-03-01T09:00:00Z');
    expect(await answer(CARO, '/nudge ben Nice work')).toContain('Only leads and managers can send nudges');
    expect(await answer('U0STRANGE', '/nudge ben Nice work')).toContain("You are not in Shiftlead's roster");
    expect(await answer(ANA, '/nudge nobody hello')).toContain('No one called \\"nobody\\" in the roster');
    expect(await answer(ANA, '/nudge dev Well done')).toContain('Dev Patel has no Slack id in the roster');
    expect(await answer(ANA, '/nudge caro')).toContain('Write what the note says');
    expect(await answer(ANA, `/nudge caro ${'x'.repeat(1001)}`)).toContain('Your note is 1,001 characters; the most is 1,000');
    expect(await answer(ANA, '/nudge ana hi me')).toContain('You cannot nudge yourself');
    await new Promise((r) => setTimeout(r, 300));
    expect(h.slack.of('chat.postMessage')).toEqual([]);
    expect(await h.app.redis.exists(`${h.app.prefix}:{org}:nudges`)).toBe(0);
  }, 30_000);

  it('a DM that cannot be delivered tells the sender how to fix it, once', async () => {
    await start('2027-03-01T15:00:00Z');
    h.slack.channelErrors.set(CARO, 'messages_tab_disabled');
    expect(await answer(ANA, '/nudge caro Thanks for today.')).toContain('on its way');
    await h.slack.waitFor(() => dmsTo(ANA).some((c) => text(c).includes('could not be delivered')));
    expect(text(dmsTo(ANA).find((c) => text(c).includes('could not be delivered')))).toContain('It will not be retried');
    expect(await answer(ANA, '/nudge list')).toContain('not delivered');
    expect(dmsTo(CARO)).toHaveLength(1);
  }, 30_000);

  it('a signal becomes a suggestion to the leads; Send delivers the DM; the others see it decided', async () => {
    await start('2027-03-01T15:00:00Z');
    const id = await ratedEscalation(h.app, ana, caro, 2);
    expect(await evaluateSignals(h.app, clock.now())).toBe('fired');
    await h.slack.waitFor(() => dmsTo(BEN).some((c) => text(c).includes('Suggested nudge for Carolina Díaz')) && dmsTo(ANA).some((c) => text(c).includes('Suggested nudge for Carolina Díaz')));
    const card = dmsTo(BEN).find((c) => text(c).includes('Suggested nudge'));
    expect(text(card)).toContain(`${id}*`);
    expect(text(card)).toContain('was rated *2/5* by Ana Lima');
    expect(text(card)).toContain('Nothing reaches Carolina Díaz unless you choose Send');
    // Nothing reached Caro yet.
    expect(dmsTo(CARO)).toEqual([]);
    // An agent cannot decide; a second evaluation suggests nothing new.
    await press(CARO, 'coaching.suggest.send', 'S-1');
    await evaluateSignals(h.app, clock.now());
    await press(BEN, 'coaching.suggest.send', buttonValue(card, 'coaching.suggest.send'));
    await h.slack.waitFor(() => dmsTo(CARO).some((c) => text(c).includes('A note from Ben Okafor')));
    expect(text(dmsTo(CARO)[0])).toContain(`how ${id} was handled was rated 2/5`);
    await h.slack.waitFor(() => h.slack.of('chat.update').filter((c) => text(c).includes('Sent to Carolina Díaz by Ben Okafor')).length === 2);
    await press(ANA, 'coaching.suggest.send', 'S-1');
    await h.slack.waitFor(() => h.slack.of('chat.postEphemeral').some((c) => String(c.args['text']).includes('Ben Okafor already sent this nudge')));
    expect(h.slack.of('chat.postEphemeral').some((c) => String(c.args['text']).includes('Only leads and managers decide'))).toBe(true);
    expect(dmsTo(BEN).filter((c) => text(c).includes('Suggested nudge'))).toHaveLength(1);
    expect(dmsTo(CARO)).toHaveLength(1);
  }, 30_000);

  it('the caps: four signals in a week make three suggestions and one folded; opting out stops them', async () => {
    await start('2027-03-01T15:00:00Z');
    const store = new RedisCoachingStore(h.app.redis, h.app.prefix);
    const cards = () => dmsTo(ANA).filter((c) => text(c).includes('Suggested nudge for Carolina Díaz'));
    for (const [day, at] of ['2027-03-01T15:00:00Z', '2027-03-02T15:00:00Z', '2027-03-03T15:00:00Z', '2027-03-04T15:00:00Z'].entries()) {
      clock.set(new Date(at));
      await ratedEscalation(h.app, ana, caro, 1, `Refund never arrived (${day + 1})`);
      await evaluateSignals(h.app, clock.now());
    }
    // Ana's DMs are paced (one a second per conversation) behind the CSAT questions she is asked.
    await h.slack.waitFor(() => cards().length === 3, 40_000, 'three suggestion cards');
    const week = [new Date('2027-03-01T05:00:00Z'), new Date('2027-03-08T05:00:00Z')] as const;
    const folded = await store.foldedSignals('caro', ...week);
    expect(folded).toEqual([{ rule: 'lowRating', at: expect.stringMatching(/^2027-03-04T15:00/) as string, detail: 'ESC-4 was rated 1/5' }]);
    // Edit & send: the edited text is what Caro gets; Dismiss sends nothing.
    await press(ANA, 'coaching.suggest.edit', 'S-2');
    await h.slack.waitFor(() => h.slack.of('views.open').length > 0, 30_000);
    // The form starts from the drafted text.
    expect(JSON.stringify(h.slack.of('views.open')[0]?.args['view'])).toContain('how ESC-2 was handled was rated 1/5');
    await submitForm(ANA, 'coaching.suggest.edit', { text: { type: 'plain_text_input', value: 'Let’s look at ESC-2 together on Friday.' } });
    await h.slack.waitFor(() => dmsTo(CARO).some((c) => text(c).includes('look at ESC-2 together')), 30_000);
    await press(ANA, 'coaching.suggest.dismiss', 'S-3');
    await h.slack.waitFor(() => h.slack.of('chat.update').some((c) => text(c).includes('Dismissed by Ana Lima')), 30_000);
    // Opted out: Send is refused at once, and the next week's signals suggest nothing.
    expect(await answer(CARO, '/nudges off')).toContain('no nudges suggested from signals will reach you');
    expect(JSON.stringify(await h.app.redis.xrange(`${h.app.prefix}:{org}:audit`, '-', '+'))).toContain('coaching.opted-out');
    await press(ANA, 'coaching.suggest.send', 'S-1');
    await h.slack.waitFor(() => h.slack.of('chat.postEphemeral').some((c) => String(c.args['text']).includes('has turned suggested nudges off')), 30_000);
    clock.set(new Date('2027-03-08T15:00:00Z'));
    await ratedEscalation(h.app, ana, caro, 1, 'Wrong invoice');
    await evaluateSignals(h.app, clock.now());
    await new Promise((r) => setTimeout(r, 500));
    expect(cards()).toHaveLength(3);
    expect(dmsTo(CARO).filter((c) => text(c).includes('A note from'))).toHaveLength(1);
    // Nudges written by hand still arrive; the weekly summary can count them.
    await answer(ANA, '/nudge caro Thanks for staying late.');
    await h.slack.waitFor(() => dmsTo(CARO).filter((c) => text(c).includes('A note from')).length === 2, 30_000);
    expect(await store.nudgesSent('org', 'caro', new Date('2027-03-01T00:00:00Z'), new Date('2027-03-15T00:00:00Z'))).toBe(2);
  }, 90_000);
});

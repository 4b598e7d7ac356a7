/**
 * Shiftlead on a Sentinel-managed primary (a primary, a replica and three Sentinels, started here
 * from redis-server), with the primary killed in the middle of an escalation: the Sentinels
 * promote the replica, Shiftlead follows, and the escalation goes on — its SLA timer, planned
 * before the failover, fires after it; acknowledge and resolve work through the HTTP boundary.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fastSlaConfig } from '../support/configs.js';
import { startPrivateSentinel, redisServerInstalled, type PrivateSentinel } from '../support/redis-topologies.js';
import { startSlackHarness, type SlackHarness } from '../support/slack-app.js';
import { nextView, press, raise, stored, submit, text, threadLines, USERS } from '../support/slack-flows.js';
import { redisAnswers } from '../../src/store/redis.js';
import { eventually } from '../support/app.js';

describe.skipIf(!redisServerInstalled)('on a Sentinel-managed primary', () => {
  let sentinel: PrivateSentinel;
  beforeAll(async () => {
    sentinel = await startPrivateSentinel();
  }, 60_000);
  afterAll(async () => {
    await sentinel?.stop();
  });

  it('carries an escalation across a failover: the SLA timer planned before it fires after it, then ack and resolve', async () => {
    let h: SlackHarness | undefined;
    try {
      // The probe the outage reporter and start-up use asks the Sentinels, then the primary.
      expect(await redisAnswers(sentinel.target)).toBe(true);
      expect(await redisAnswers({ ...sentinel.target, name: 'no-such-primary' })).toBe(false);
      // P1 must be acknowledged within 6 s: the primary is killed well before that.
      h = await startSlackHarness({ config: fastSlaConfig(6), app: { redisTarget: sentinel.target } });
      const harness = h;
      const card = await raise(h, { severity: 'P1' });
      const reminders = () => threadLines(harness, card).filter((t) => t.includes('(reminder'));

      // Every write so far is on the replica, then the primary dies (SIGKILL).
      await sentinel.replicaCaughtUp();
      expect(reminders()).toEqual([]);
      const killedAt = Date.now();
      const failover = await sentinel.killPrimary();
      expect(failover.to).not.toBe(failover.from);
      await eventually(async () => (await fetch(`${h?.base}/readyz`)).status === 200, 30_000, 'ready again after the failover');
      const readyAfterMs = Date.now() - killedAt;

      // The SLA timer, planned on the old primary, fires on the new one.
      await h.slack.waitFor(() => reminders().some((t) => t.includes('(reminder 1)')), 30_000, 'the first SLA reminder, after the failover');
      const reminderAfterMs = Date.now() - killedAt;
      const lateMs = Date.now() - (Date.parse((await stored(h))?.createdAt ?? '') + 6_000);

      await press(h, USERS.ben, 'escalation.acknowledge', card);
      await h.slack.waitFor(() => threadLines(harness, card).some((t) => t.includes('acknowledged ESC-1')), 15_000, 'the acknowledgement line');
      const opened = h.slack.of('views.open').length;
      await press(h, USERS.ben, 'escalation.resolve', card);
      const view = await nextView(h, opened);
      expect((await submit(h, USERS.ben, view, { note: text('Reset the SSO link.') })).text).toBe('');
      await h.slack.waitFor(() => threadLines(harness, card).some((t) => t.includes('resolved ESC-1')), 15_000, 'the resolution line');

      expect((await stored(h))?.status).toBe('resolved');
      expect(h.slack.of('chat.postMessage').filter((c) => c.args['channel'] === card.channel && c.args['thread_ts'] === undefined)).toHaveLength(1);
      expect(threadLines(h, card).filter((t) => t.includes('(reminder 1)'))).toHaveLength(1);
      expect(threadLines(h, card).filter((t) => t.includes('acknowledged ESC-1'))).toHaveLength(1);
      expect(threadLines(h, card).filter((t) => t.includes('resolved ESC-1'))).toHaveLength(1);
      if (process.env['SHIFTLEAD_TEST_TIMINGS']) process.stdout.write(`sentinel failover: promoted in ${failover.ms} ms, /readyz 200 again ${readyAfterMs} ms after the kill, reminder ${reminderAfterMs} ms after (≤ ${lateMs} ms past its deadline), resolved ${Date.now() - killedAt} ms after\n`);
    } finally {
      await h?.close();
    }
  });
});

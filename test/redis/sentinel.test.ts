/**
 * Shiftlead on a Sentinel-managed primary (a primary, two replicas and three Sentinels, started
 * here from redis-server), with two failovers in the middle of an escalation: the primary killed
 * (the Sentinels promote a replica; the SLA timer planned before fires after), then a planned
 * switch (SENTINEL FAILOVER: the primary, alive, becomes a replica) between acknowledge and
 * resolve. Shiftlead follows both; every step goes through the HTTP boundary.
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

  it('carries an escalation across a killed primary and a planned switch: the SLA timer planned before fires after, ack and resolve go on', async () => {
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
      await sentinel.replicasCaughtUp();
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
      // A planned switch: the primary stays up as a replica (writes there would answer READONLY).
      const switched = await sentinel.switchPrimary();
      const switchedAt = Date.now();
      // Shiftlead leaves the old primary when the Sentinels announce the switch, before Sentinel
      // demotes it: no write of Shiftlead's lands there to be lost.
      const ours = (names: string[]) => names.filter((n) => n.startsWith('shiftlead-') && n !== 'shiftlead-probe');
      await eventually(async () => ours(await sentinel.clientNames(switched.from)).length === 0, 15_000, 'no Shiftlead connection left on the old primary');
      const movedAfterMs = Date.now() - switchedAt + switched.ms;
      const needed = ['shiftlead-store', 'shiftlead-queue', 'shiftlead-worker', 'shiftlead-schedules'];
      await eventually(async () => {
        const there = ours(await sentinel.clientNames(switched.to));
        return needed.every((n) => there.includes(n));
      }, 15_000, 'Shiftlead connected to the new primary');
      expect(ours(await sentinel.clientNames(switched.from))).toEqual([]);
      await eventually(async () => (await fetch(`${h?.base}/readyz`)).status === 200, 30_000, 'ready after the switch');

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
      if (process.env['SHIFTLEAD_TEST_TIMINGS']) process.stdout.write(`sentinel failover: promoted in ${failover.ms} ms, /readyz 200 again ${readyAfterMs} ms after the kill, reminder ${reminderAfterMs} ms after (≤ ${lateMs} ms past its deadline), resolved ${Date.now() - killedAt} ms after; planned switch ${switched.ms} ms, Shiftlead off the old primary ≤ ${movedAfterMs} ms after the command\n`);
    } finally {
      await h?.close();
    }
  });
});

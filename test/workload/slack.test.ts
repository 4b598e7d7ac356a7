/**
 * The weekly workload summary on Slack: planned for 08:00 London time on the Monday after a week
 * with the spring clock change, fired by the schedule engine, delivered as bulk DMs to the
 * department's managers, within Block Kit's limits.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { clockAt } from '../support/clock.js';
import { newRedis, uniquePrefix } from '../support/redis.js';
import { startSlackHarness, type SlackHarness } from '../support/slack-app.js';
import type { SlackCall } from '../support/fake-slack.js';
import { globalKeys } from '../../src/store/keys.js';
import { RedisCoachingStore } from '../../src/store/coaching.js';
import { armSummary, DUE, OCCURRENCE, seedWeek, workloadConfig } from './fixture.js';

const ANA = 'U0ANALIMA';
const text = (c: SlackCall | undefined) => `${String(c?.args['text'] ?? '')}\n${JSON.stringify(c?.args['blocks'] ?? [])}`;

describe('the weekly workload summary on Slack', () => {
  let h: SlackHarness;
  afterEach(async () => {
    expect(h.payloadProblems()).toEqual([]);
    await h.close();
  });

  it('fires at 08:00 London time and DMs the managers each department’s week: hours, late runs, escalations, kudos and flags', async () => {
    const prefix = uniquePrefix();
    const redis = newRedis();
    await seedWeek(redis, prefix);
    // The coaching feature's records of the week: a nudge that reached Ben, and a signal about him folded over the cap.
    const coaching = new RedisCoachingStore(redis, prefix);
    await coaching.markSent('ben', 'N-1', new Date('2027-03-24T09:00:00Z'));
    await coaching.fold('ben', { rule: 'missedAcknowledge', at: '2027-03-25T10:00:00.000Z', detail: 'ESC-4 not acknowledged by 10:15', key: 'sig-1' }, { actor: 'shiftlead', at: '2027-03-25T10:00:00.000Z', type: 'coaching.folded', subject: 'ben' });
    redis.disconnect();
    const clock = clockAt(new Date(Date.parse(DUE) - 3600_000));
    h = await startSlackHarness({ config: workloadConfig(false), app: { clock, prefix } });
    await h.slack.waitFor((c) => c.some((x) => x.method === 'auth.test'));
    await armSummary(h.app, clock);
    // Planned for the right local minute: 08:00 BST is 07:00 UTC (not 08:00 UTC, as it was before the change).
    const planned = await h.app.redis.hget(globalKeys(prefix).scheduleIndex, OCCURRENCE);
    expect(JSON.parse(planned ?? '{}')).toMatchObject({ at: Date.parse(DUE) });
    const dms = () => h.slack.of('chat.postMessage').filter((c) => c.args['channel'] === ANA);
    await h.slack.waitFor(() => dms().length === 2, 15_000, 'two summaries (support and billing)');
    expect(clock.now().getTime()).toBeGreaterThanOrEqual(Date.parse(DUE));
    const support = text(dms().find((c) => text(c).includes('Frontline support')));
    expect(support).toContain('Workload · Frontline support · Mon 22 Mar – Sun 28 Mar');
    expect(support).toContain('⚠️ 2 people flagged: Ana Lima, Ben Okafor.');
    expect(support).toContain('*Ben Okafor*\\n⚠️ 7 late shifts in a row (more than 3) · ⚠️ 55 h on shift (more than 45 h) · ⚠️ 5 escalations owned, more than twice the team median (1)');
    expect(support).toContain('7 shifts, 55 h · 7 late (7 overnight), longest run 7 in a row · 2 weekend shifts · escalations: 5 owned, 2 breached · 0 kudos received · 1 nudge sent to them');
    expect(support).toContain('Not sent (over the cap): missedAcknowledge (2027-03-25): ESC-4 not acknowledged by 10:15');
    expect(support).toContain('*Ana Lima*\\n⚠️ 4 late shifts in a row (more than 3)\\n4 shifts, 34 h · 4 late, longest run 4 in a row');
    expect(support).toContain('*Carolina Díaz*\\n5 shifts, 40 h · no late shifts · 0 weekend shifts · escalations: 1 owned, 0 breached · 2 kudos received');
    expect(support.match(/Not sent \(over the cap\)/g)).toHaveLength(1);
    // Nobody is ranked: people come in the order of their names.
    expect(support.indexOf('*Ana Lima*')).toBeLessThan(support.indexOf('*Ben Okafor*'));
    expect(support.indexOf('*Ben Okafor*')).toBeLessThan(support.indexOf('*Carolina Díaz*'));
    const billing = text(dms().find((c) => text(c).includes('Workload · Billing')));
    expect(billing).toContain('*Dev Patel*\\n0 shifts, 0 h');
    // Bulk traffic: it never holds up an escalation card.
    expect((await h.app.queues.get('outbox').getJob('org.workload.support.20270329.ana.1'))?.data).toMatchObject({ priority: 'bulk' });
  }, 30_000);
});

/** The weekly workload summary on Teams: fired by the schedule, a DM card to the manager, validated. */
import { afterEach, describe, expect, it } from 'vitest';
import { cardProblems, cardsIn } from '../support/adaptive-cards.js';
import { clockAt } from '../support/clock.js';
import type { ConnectorCall } from '../support/fake-connector.js';
import { newRedis, uniquePrefix } from '../support/redis.js';
import { startTeamsHarness, type TeamsHarness } from '../support/teams-app.js';
import { ANA, installedForUser } from '../support/teams-activities.js';
import { armSummary, DUE, seedWeek, workloadConfig } from './fixture.js';

const body = (c: ConnectorCall | undefined) => JSON.stringify(c?.body ?? {});

describe('the weekly workload summary on Teams', () => {
  let h: TeamsHarness;
  afterEach(async () => {
    await h.close();
  });

  it('DMs the manager a valid card per department at 08:00 London time', async () => {
    const prefix = uniquePrefix();
    const redis = newRedis();
    await seedWeek(redis, prefix);
    redis.disconnect();
    const clock = clockAt(new Date(Date.parse(DUE) - 3600_000));
    h = await startTeamsHarness({ config: workloadConfig(false), app: { clock, prefix } });
    expect((await h.send(installedForUser(h.serviceUrl, ANA))).status).toBe(200);
    await armSummary(h.app, clock);
    const dms = () => h.connector.calls.filter((c) => c.method === 'POST' && c.conversation === `a:1personal-${ANA.aadObjectId}`);
    await h.connector.waitFor(() => dms().length === 2, 15_000, 'two summaries');
    for (const card of dms().flatMap((c) => cardsIn(c.body))) expect(cardProblems(card)).toEqual([]);
    const support = body(dms().find((c) => body(c).includes('Frontline support')));
    expect(support).toContain('Workload · Frontline support · Mon 22 Mar – Sun 28 Mar');
    expect(support).toContain('⚠️ 7 late shifts in a row (more than 3) · ⚠️ 55 h on shift (more than 45 h) · ⚠️ 5 escalations owned, more than twice the team median (1)');
    expect(support).toContain('5 shifts, 40 h · no late shifts · 0 weekend shifts · escalations: 1 owned, 0 breached · 2 kudos received');
  }, 30_000);
});

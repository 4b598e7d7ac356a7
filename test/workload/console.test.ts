/** The weekly workload summary in the console: fired by the schedule, printed as the manager's DM. */
import { describe, expect, it } from 'vitest';
import { clockAt } from '../support/clock.js';
import { consoleAppPerTest } from '../support/console-lines.js';
import { newRedis, uniquePrefix } from '../support/redis.js';
import { armSummary, DUE, seedWeek, workloadConfig } from './fixture.js';

describe('the weekly workload summary in the console', () => {
  const start = consoleAppPerTest();

  it('prints the DM to the manager with each person’s week', async () => {
    const prefix = uniquePrefix();
    const redis = newRedis();
    await seedWeek(redis, prefix);
    redis.disconnect();
    const clock = clockAt(new Date(Date.parse(DUE) - 3600_000));
    const { app, terminal: t } = await start({ prefix, config: workloadConfig(false), clock });
    await armSummary(app, clock);
    const printed = await t.printed(/DM to Ana Lima[\s\S]*Workload · Frontline support[\s\S]*Carolina Díaz\n│ 5 shifts, 40 h[^\n]*2 kudos received/);
    expect(printed).toContain('│ Ben Okafor\n│ ⚠️ 7 late shifts in a row (more than 3) · ⚠️ 55 h on shift (more than 45 h)');
    expect(printed).toContain('│ 7 shifts, 55 h · 7 late (7 overnight), longest run 7 in a row · 2 weekend shifts · escalations: 5 owned, 2 breached · 0 kudos received · 0 nudges sent to them');
  }, 30_000);
});

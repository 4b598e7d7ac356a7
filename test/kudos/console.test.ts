/** Kudos in the console: typed at the REPL of a running app. */
import { describe, expect, it } from 'vitest';
import { exampleConfig } from '../support/app.js';
import { clockAt } from '../support/clock.js';
import { consoleAppPerTest } from '../support/console-lines.js';

describe('kudos in the console', () => {
  const start = consoleAppPerTest();

  it('posts the thank-you, DMs the person, and refuses yourself and the sixth of the day', async () => {
    const { terminal: t } = await start({ config: exampleConfig(), clock: clockAt(new Date('2027-03-29T10:00:00Z')) });
    expect(await t.type('as ana /kudos dev for the night shift handover', 'posted here')).toContain('Kudos to Dev Patel posted here; sent to them by DM. You have given 1 of 5 today.');
    await t.printed(/Kudos to @Dev Patel from @Ana Lima: for the night shift handover/);
    await t.printed(/DM to Dev Patel[\s\S]*Ana Lima gave you kudos: “for the night shift handover”/);
    expect(await t.type('as ana /kudos ana for me', 'yourself')).toContain('You cannot give yourself kudos');
    for (const n of [2, 3, 4, 5]) await t.type(`as ana /kudos ben for thing ${n}`, `You have given ${n} of 5 today`);
    expect(await t.type('as ana /kudos ben for thing 6', 'the most one person can give')).toContain('You have given 5 kudos today');
  }, 30_000);
});

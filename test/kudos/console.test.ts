/** Kudos in the console: typed at the REPL of a running app. */
import { afterEach, describe, expect, it } from 'vitest';
import { exampleConfig, startTestApp } from '../support/app.js';
import { clockAt } from '../support/clock.js';
import { ConsoleLines } from '../support/console-lines.js';
import { deletePrefix, newRedis } from '../support/redis.js';

describe('kudos in the console', () => {
  let app: Awaited<ReturnType<typeof startTestApp>> | undefined;
  afterEach(async () => {
    if (!app) return;
    await app.close();
    const redis = newRedis();
    await deletePrefix(redis, app.prefix);
    redis.disconnect();
  });

  it('posts the thank-you, DMs the person, and refuses yourself and the sixth of the day', async () => {
    const t = new ConsoleLines();
    app = await startTestApp({ config: exampleConfig(), clock: clockAt(new Date('2027-03-29T10:00:00Z')), console: { input: t.input, output: t.output, onExit: () => undefined } });
    expect(await t.type('as ana /kudos dev for the night shift handover', 'posted here')).toContain('Kudos to Dev Patel posted here; sent to them by DM. You have given 1 of 5 today.');
    await t.printed(/Kudos to @Dev Patel from @Ana Lima: for the night shift handover/);
    await t.printed(/DM to Dev Patel[\s\S]*Ana Lima gave you kudos: “for the night shift handover”/);
    expect(await t.type('as ana /kudos ana for me', 'yourself')).toContain('You cannot give yourself kudos');
    for (const n of [2, 3, 4, 5]) await t.type(`as ana /kudos ben for thing ${n}`, `You have given ${n} of 5 today`);
    expect(await t.type('as ana /kudos ben for thing 6', 'the most one person can give')).toContain('You have given 5 kudos today');
  }, 30_000);
});

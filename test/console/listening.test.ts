/** The console runs a poll and a pulse round, typed line by line into the REPL of a running app. */
import { afterEach, describe, expect, it } from 'vitest';
import { exampleConfig, startTestApp } from '../support/app.js';
import { clockAt } from '../support/clock.js';
import { ConsoleLines } from '../support/console-lines.js';
import { deletePrefix, newRedis } from '../support/redis.js';

describe('console: polls and the team pulse', () => {
  const cleanups: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const fn of cleanups.splice(0).reverse()) await fn();
  });

  async function console(at?: string): Promise<ConsoleLines> {
    const terminal = new ConsoleLines();
    const app = await startTestApp({ config: exampleConfig(), clock: clockAt(at ? new Date(at) : new Date()), console: { input: terminal.input, output: terminal.output, onExit: () => undefined } });
    cleanups.push(async () => {
      await app.close();
      const redis = newRedis();
      await deletePrefix(redis, app.prefix);
      redis.disconnect();
    });
    await terminal.waitFor('Type help');
    return terminal;
  }

  it('runs a poll: posted, voted on, updated, closed with its result', async () => {
    const c = await console();
    expect(await c.type('help', 'press <button>')).toContain('/poll');
    expect(await c.type('/poll "Lunch?" pizza', 'ana>')).toContain('A poll needs 2 to 10 options');
    const posted = await c.type('/poll "Where shall we eat?" pizza | sushi', 'press m');
    expect(posted).toContain('■ 📊 Where shall we eat?');
    // Options are named by their label, other buttons by their action; their places work too.
    expect(posted).toContain('[pizza] pizza  [sushi] sushi');
    expect(posted).toContain('[close] Close poll');
    const poll = c.latest('Where shall we eat?').message;
    expect(await c.type(`press ${poll} 1`, 'You voted')).toContain('You voted pizza — press another to change it.');
    await c.type(`as ben press ${poll} 2`, 'You voted sushi');
    expect(await c.waitFor(/\(updated\)[^┌]*2 responses/, 15_000)).toMatch(/pizza {2}█+ 1 \(50%\)/);
    const closed = await c.type(`press ${poll} 3`, 'POLL-1 closed');
    expect(closed).toContain('Closed POLL-1; the final results are on the poll.');
    expect(closed).toContain('📊 POLL-1 closed: pizza and sushi tied with 1 vote each, of 2.');
    // The closed poll has no buttons any more.
    expect(await c.type(`as caro press ${poll} 1`, 'no buttons')).toContain(`Message ${poll} has no buttons.`);
  });

  it('runs a pulse round: DMs, answers field by field (out of range refused), results for the manager', async () => {
    // 15:00 UTC: everyone but dev (20:30 in Kolkata) is outside quiet hours.
    const c = await console('2027-01-13T15:00:00Z');
    expect(await c.type('/pulse now team-pulse', 'Started a round')).toContain('4 people asked (1 in their quiet hours will be asked when those end)');
    await c.waitFor('DM to Carolina Díaz');
    for (const [who, enps, rating, text] of [
      ['ben', '9', '4', 'more demos'],
      ['caro', '6', '3', ''],
      ['ana', '10', '5', 'keep the rota'],
    ] as const) {
      const dm = c.latest(`DM to ${who === 'ana' ? 'Ana Lima' : who === 'ben' ? 'Ben Okafor' : 'Carolina Díaz'}`).message;
      expect(await c.type(`as ${who} press ${dm} 1`, '(highest)')).toContain('0 (lowest) · 1 · 2');
      if (who === 'ben') expect(await c.type('11', 'Type 0–10.')).toContain('Type 0–10.');
      await c.type(enps, '5 (highest)');
      await c.type(rating, 'Anything you would like');
      expect(await c.type(text, 'anonymously')).toContain('your answer is saved, anonymously');
    }
    expect(await c.type('as caro /pulse', 'managers')).toContain('Only managers see pulse results.');
    const results = await c.type('as ana /pulse close team-pulse', 'eNPS');
    expect(results).toContain('Closed the round of Team pulse');
    expect(results).toContain('DM to Ana Lima');
    expect(results).toContain('eNPS +33');
    expect(results).toContain('Response rate: 3 of 4 asked (75%).');
    expect(results).toMatch(/• keep the rota\n│ • more demos/);
  });
});

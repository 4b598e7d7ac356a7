import { afterEach, describe, expect, it } from 'vitest';
import { ConsoleDriver } from '../support/console-driver.js';
import { exited, runTs } from '../support/processes.js';
import { deletePrefix, newRedis, redisUrl, uniquePrefix } from '../support/redis.js';

describe('console mode (npm start with no credentials)', () => {
  const prefixes: string[] = [];
  const drivers: ConsoleDriver[] = [];

  afterEach(async () => {
    for (const d of drivers.splice(0)) {
      d.child.kill('SIGKILL');
      await exited(d.child);
    }
    const redis = newRedis();
    for (const p of prefixes.splice(0)) await deletePrefix(redis, p);
    redis.disconnect();
  });

  function env(): Record<string, string> {
    const prefix = uniquePrefix();
    prefixes.push(prefix);
    return { REDIS_URL: redisUrl(), SHIFTLEAD_PREFIX: prefix, PORT: '0', SHIFTLEAD_CONFIG: 'shiftlead.example.yaml' };
  }

  it('shows help, answers an unknown command helpfully, switches users, and exits 0 on quit', async () => {
    const console = await ConsoleDriver.start(env());
    drivers.push(console);
    expect(console.out).toContain('You are Ana Lima (ana)');

    const help = await console.type('help', 'quit');
    expect(help).toContain('What you can do:');
    expect(help).toMatch(/press <n>/);
    expect(help).toMatch(/as <person>/);

    expect(await console.type('dance', 'Unknown command')).toContain('Unknown command "dance". Type help to see what you can do');
    expect(await console.type('/frobnicate now', 'There is no')).toContain('There is no /frobnicate command.');
    expect(await console.type('as zed', 'No one')).toContain('No one called "zed" in the roster. People: ana, ben, caro, dev.');
    expect(await console.type('as ben', 'You are now')).toContain('You are now Ben Okafor (ben).');
    expect(await console.type('press 1', 'No message')).toContain('No message with buttons yet.');

    console.child.stdin?.write('quit\n');
    expect(await exited(console.child)).toBe(0);
  });

  it('runs an escalation: the form field by field, the card in its channel, buttons, the list', async () => {
    const console = await ConsoleDriver.start(env());
    drivers.push(console);
    await console.type('/escalate Printer on fire', 'Customer or account');
    await console.type('', 'Customer or account is required.');
    await console.type('Acme Corp', 'Ticket link');
    await console.type('not-a-url', 'Severity');
    await console.type('9', 'Pick 1–4.');
    await console.type('1', 'Department');
    await console.type('2', 'Summary [Printer on fire]');
    await console.type('', 'Details');
    const invalid = await console.type('It is really on fire', 'Please fix');
    expect(invalid).toContain('Ticket link: Ticket link must be a web address');
    const card = await console.type('https://help.example.com/t/1', 'DM to Ana Lima');
    expect(card).toMatch(/┌ #billing · m\d+/);
    expect(card).toContain('ESC-1 · P1 · Critical');
    expect(card).toContain('[1] Acknowledge  [2] Assign…  [3] Resolve');
    expect(card).toContain('Escalation ESC-1 (P1 · Critical) for Acme Corp is posted to Billing');

    expect(await console.type('as dev press 1', 'acknowledged ESC-1')).toContain('Status: 🟡 Acknowledged');
    const resolve = await console.type('press 2', 'Resolution note');
    expect(resolve).toContain('— Resolve ESC-1 —');
    expect(await console.type('Power-cycled it', 'resolved ESC-1')).toContain('🟢 @Dev Patel resolved ESC-1: Power-cycled it');
    expect(await console.type('/escalations', 'Open escalations')).toContain('Open escalations: none.');
  });

  it('exits 0 on SIGTERM after closing its connections', async () => {
    const console = await ConsoleDriver.start(env());
    drivers.push(console);
    console.child.kill('SIGTERM');
    expect(await exited(console.child)).toBe(0);
  });

  it('refuses to start with bad settings, one line per problem', async () => {
    const child = await runTs('src/main.ts', { ...env(), PORT: 'eighty', SLACK_BOT_TOKEN: 'nope' });
    let err = '';
    child.stderr?.on('data', (c: Buffer) => (err += c.toString()));
    expect(await exited(child)).toBe(1);
    expect(err).toContain('PORT: must be a port number');
    expect(err).toContain('SLACK_BOT_TOKEN: must be a bot token (xoxb-…)');
    expect(err).toContain('SLACK_SIGNING_SECRET: is required to verify requests from Slack');
  });

  it('refuses to start with a broken team configuration, naming path and line', async () => {
    const child = await runTs('src/main.ts', { ...env(), SHIFTLEAD_CONFIG: 'test/fixtures/bad-timezone.yaml' });
    let err = '';
    child.stderr?.on('data', (c: Buffer) => (err += c.toString()));
    expect(await exited(child)).toBe(1);
    expect(err).toContain('people[0].timezone: "Europe/Berln" is not an IANA time zone (e.g. Europe/Berlin) (line 6)');
  });
});

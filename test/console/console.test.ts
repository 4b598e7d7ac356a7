import { readFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DateTime } from 'luxon';
import { afterEach, describe, expect, it } from 'vitest';
import { tenantKeys } from '../../src/store/keys.js';
import { ConsoleDriver } from '../support/console-driver.js';
import { exited, ROOT, runTs } from '../support/processes.js';
import { deletePrefix, newRedis, redisUrl, uniquePrefix } from '../support/redis.js';

// Each test starts the real process (TypeScript compiled on the fly): slow on a busy machine.
describe('console mode (npm start with no credentials)', { timeout: 120_000 }, () => {
  const prefixes: string[] = [];
  const drivers: ConsoleDriver[] = [];
  const dirs: string[] = [];

  afterEach(async () => {
    for (const d of drivers.splice(0)) {
      d.child.kill('SIGKILL');
      await exited(d.child);
    }
    const redis = newRedis();
    for (const p of prefixes.splice(0)) await deletePrefix(redis, p);
    redis.disconnect();
    for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
  });

  function env(prefix = uniquePrefix()): Record<string, string> {
    prefixes.push(prefix);
    // The machine's own zone is nobody's: every time shown must be the reader's.
    return { REDIS_URL: redisUrl(), SHIFTLEAD_PREFIX: prefix, PORT: '0', SHIFTLEAD_CONFIG: 'shiftlead.example.yaml', TZ: 'Asia/Tokyo' };
  }

  async function start(variables: Record<string, string>): Promise<ConsoleDriver> {
    const console = await ConsoleDriver.start(variables);
    drivers.push(console);
    return console;
  }

  it('shows help, answers an unknown command helpfully, says who you are and can be, switches users, and exits 0 on quit', async () => {
    const console = await start(env());
    expect(console.out).toContain('You are Ana Lima (ana)');

    const help = await console.type('help', 'quit');
    expect(help).toContain('What you can do:');
    expect(help).toMatch(/press <m4\|ESC-3> <button>/);
    expect(help).toMatch(/as <person> <command> +run one command as someone/);
    expect(help).toMatch(/as <person> +become them until you switch again/);

    expect(await console.type('dance', 'Unknown command')).toContain('Unknown command "dance". Type help to see what you can do');
    expect(await console.type('/frobnicate now', 'There is no')).toContain('There is no /frobnicate command.');
    const who = await console.type('as', 'You can be');
    expect(who).toContain('You are ana (Ana Lima, manager, Europe/Lisbon).');
    expect(who).toContain('ben (Ben Okafor, lead, Africa/Lagos); caro (Carolina Díaz, agent, America/Bogota)');
    expect(await console.type('as zed', 'No one')).toContain('No one called "zed" in the roster. People: ana, ben, caro, dev.');
    // A command after the name runs once as them; the prompt stays yours.
    const once = await console.type('as "Ben Okafor" whoami', 'ana> ');
    expect(once).toContain('You are ben (Ben Okafor, lead, Africa/Lagos).');
    expect(await console.type('whoami', 'You are')).toContain('You are ana (Ana Lima');
    expect(await console.type('as ben', 'You are now')).toContain('You are now Ben Okafor (ben); your commands run as ben until you switch again.');
    expect(await console.type('press 1', 'No message')).toContain('No message with buttons yet.');

    console.child.stdin?.write('quit\n');
    expect(await exited(console.child)).toBe(0);
  });

  it('checks each answer as it is typed: a ticket link at once, an unknown severity with the ones that exist', async () => {
    const console = await start(env());
    await console.type('/escalate Printer on fire', 'Customer or account');
    await console.type('', 'Customer or account is required.');
    await console.type('Acme Corp', 'Ticket link');
    expect(await console.type('not-a-url', 'Ticket link must be')).toContain('Ticket link must be a web address starting with https:// (or http://).');
    await console.type('https://help.example.com/t/1', 'Severity [P3 · Normal]');
    expect(await console.type('P9', 'There is no')).toContain('There is no severity "P9". Pick one of: 1) P1 · Critical, 2) P2 · High, 3) P3 · Normal, 4) P4 · Low (its number or its name).');
    await console.type('1', 'Department');
    await console.type('2', 'Summary [Printer on fire]');
    await console.type('', 'Details');
    const card = await console.type('It is really on fire', 'DM to Ana Lima');
    expect(card).toMatch(/┌ #billing · m\d+/);
    expect(card).toContain('ESC-1 · P1 · Critical');
    expect(card).toContain('[acknowledge] Acknowledge  [assign] Assign…  [resolve] Resolve…  [note] Add note…  [edit] Edit…  [snooze] Snooze…');
    expect(card).toMatch(/└ press m\d+ <button>: acknowledge, assign, resolve, note, edit, snooze/);
    expect(card).toContain('Escalation ESC-1 (P1 · Critical) for Acme Corp is posted to Billing');

    // One-off: Dev acknowledges; Ana, still at the prompt, resolves.
    expect(await console.type('as dev press ack', 'acknowledged ESC-1')).toContain('Status: 🟡 Acknowledged');
    const resolve = await console.type('press resolve', 'Resolution note');
    expect(resolve).toContain('— Resolve ESC-1 —');
    expect(await console.type('Power-cycled it', 'resolved ESC-1')).toContain('🟢 @Ana Lima resolved ESC-1: Power-cycled it');
    expect(await console.type('/escalations', 'Open escalations')).toContain('Open escalations: none.');
  });

  it('keeps message ids and button names stable across changes and restarts, refuses before asking, and shows times in the reader’s zone', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'shiftlead-console-'));
    dirs.push(dir);
    const config = join(dir, 'shiftlead.yaml');
    // Agents may resolve only what they own or asked for.
    await writeFile(config, (await readFile(join(ROOT, 'shiftlead.example.yaml'), 'utf8')).replace('resolve: anyone', 'resolve: owner-or-lead'));
    const prefix = uniquePrefix();
    const variables = { ...env(prefix), SHIFTLEAD_CONFIG: config };
    const redis = newRedis();
    const createdAt = async () => JSON.parse((await redis.hget(tenantKeys(prefix, 'console-local').escRecords, 'ESC-1')) ?? '{}').createdAt as string;
    const opened = async (zone: string) => `Opened: ${DateTime.fromISO(await createdAt()).setZone(zone).toFormat('yyyy-LL-dd HH:mm ZZZZ')}`;
    try {
      let console = await start(variables);
      await console.type('/escalate Printer on fire', 'Customer or account');
      await console.type('Acme Corp', 'Ticket link');
      await console.type('', 'Severity');
      await console.type('1', 'Department');
      await console.type('1', 'Summary');
      await console.type('', 'Details');
      const posted = await console.type('', 'DM to Ana Lima');
      const card = /┌ #support · (m\d+)/.exec(posted)?.[1] as string;
      // Ana (Europe/Lisbon) reads the card in her time.
      expect(posted).toContain(await opened('Europe/Lisbon'));

      // Dev takes it (one-off); Carolina, an agent, is refused at the press, before any note is asked.
      await console.type('as dev press ESC-1 ack', 'acknowledged ESC-1');
      await console.type('as caro', 'You are now');
      const refused = await console.type('press ESC-1 resolve', 'caro> ');
      expect(refused).toContain('Only the owner (Dev Patel), the requester, a lead or a manager can resolve ESC-1.');
      expect(refused).not.toContain('Resolution note');

      // The card's buttons moved (Acknowledge is gone) but keep their names; a start of one will do.
      await console.type(`press ${card} no`, 'Note');
      const noted = await console.type('Customer called back', `(updated) · ${card}`);
      expect(noted).toContain('[assign] Assign…  [resolve] Resolve…  [note] Add note…');
      // Carolina (America/Bogota) reads the updated card in hers.
      expect(noted).toContain(await opened('America/Bogota'));
      const last = Math.max(...[...console.out.matchAll(/· m(\d+)\n/g)].map((m) => Number(m[1])));
      console.child.stdin?.write('quit\n');
      expect(await exited(console.child)).toBe(0);

      // After a restart: the same card by its id and by its record, and no id is used twice.
      console = await start(variables);
      await console.type('as ben', 'You are now');
      await console.type(`press ${card} snooze`, 'Pause the reminders for');
      await console.type('2', `(updated) · ${card}`);
      const snoozed = await console.waitFor("snoozed ESC-1's reminders until");
      expect(snoozed).toContain('Reminders: 😴 snoozed until');
      const after = [...console.out.matchAll(/· m(\d+)\n/g)].map((m) => Number(m[1])).filter((n) => n !== Number(card.slice(1)));
      expect(after.length).toBeGreaterThan(0);
      expect(Math.min(...after)).toBeGreaterThan(last);
      await console.type('press ESC-1 note', 'Note');
      expect(await console.type('Engineering is on it', 'added a note')).toContain('@Ben Okafor added a note');
      expect(await console.type('press ESC-1 zap', 'There is no')).toContain('There is no "zap" button here; the buttons are assign, resolve, note, edit, snooze.');
    } finally {
      redis.disconnect();
    }
  });

  it('exits 0 on SIGTERM after closing its connections', async () => {
    const console = await start(env());
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

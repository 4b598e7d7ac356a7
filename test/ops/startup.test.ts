/**
 * What a new admin meets at start-up, through the real entry point (`src/main.ts` as a process):
 * a missing team configuration, the Redis in use, a bad Slack token (and Slack being unreachable),
 * a configuration whose deadlines contradict each other, and the metrics settings.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { EnvError, parseEnv } from '../../src/config/env.js';
import { loadTeamConfig } from '../../src/config/team-config.js';
import { createLogger } from '../../src/log.js';
import { freePort } from '../../src/store/local-redis.js';
import { redisAnswers } from '../../src/store/redis.js';
import { startTestApp } from '../support/app.js';
import { ConsoleDriver } from '../support/console-driver.js';
import { FakeSlack } from '../support/fake-slack.js';
import { exited, Output, ROOT, runTs } from '../support/processes.js';
import { deletePrefix, newRedis, redisUrl, uniquePrefix } from '../support/redis.js';
import { SIGNING_SECRET } from '../support/slack-requests.js';

const EXAMPLE = join(ROOT, 'shiftlead.example.yaml');

// Each test starts the real process (TypeScript compiled on the fly): slow on a busy machine.
describe('start-up', { timeout: 120_000 }, () => {
  const cleanups: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const fn of cleanups.splice(0).reverse()) await fn();
  });

  function env(extra: Record<string, string> = {}): Record<string, string> {
    const prefix = uniquePrefix();
    cleanups.push(async () => {
      const redis = newRedis();
      await deletePrefix(redis, prefix);
      redis.disconnect();
    });
    return { REDIS_URL: redisUrl(), SHIFTLEAD_PREFIX: prefix, PORT: '0', ...extra };
  }

  async function tempDir(): Promise<string> {
    const dir = await mkdtemp(join(tmpdir(), 'shiftlead-start-'));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    return dir;
  }

  /** Runs main.ts until it exits; its exit code and what it printed. */
  async function runToExit(variables: Record<string, string>, cwd = ROOT): Promise<{ code: number | null; out: string; err: string }> {
    const child = await runTs('src/main.ts', variables, undefined, cwd);
    const output = new Output(child);
    const code = await exited(child);
    return { code, out: output.out, err: output.err };
  }

  async function slackApi(): Promise<{ slack: FakeSlack; url: string }> {
    const slack = new FakeSlack();
    const url = await slack.start();
    cleanups.push(() => slack.stop());
    return { slack, url };
  }

  it('with platform credentials and no shiftlead.yaml, stops with one line saying what to create from which example', async () => {
    const cwd = await tempDir();
    const run = await runToExit(env({ SLACK_BOT_TOKEN: 'xoxb-1-test', SLACK_SIGNING_SECRET: SIGNING_SECRET }), cwd);
    expect(run.code).toBe(1);
    expect(run.err.trim().split('\n')).toEqual([
      `No team configuration: create ${join(cwd, 'shiftlead.yaml')} from shiftlead.example.yaml (copy it, then edit people, departments and channel ids), or set SHIFTLEAD_CONFIG to your file.`,
    ]);
  });

  it('in console mode, names the Redis it uses, password masked, and that it did not start it', async () => {
    const port = await freePort();
    const dir = await tempDir();
    const server = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--requirepass', 'hunter2secret', '--save', '', '--appendonly', 'no', '--maxmemory-policy', 'noeviction', '--dir', dir], { stdio: 'ignore' });
    cleanups.push(async () => {
      server.kill('SIGTERM');
      await exited(server);
    });
    const url = `redis://:hunter2secret@127.0.0.1:${port}`;
    for (let i = 0; i < 100 && !(await redisAnswers(url, 200)); i += 1) await new Promise((r) => setTimeout(r, 50));
    const console = await ConsoleDriver.start({ REDIS_URL: url, SHIFTLEAD_PREFIX: uniquePrefix(), PORT: '0', SHIFTLEAD_CONFIG: EXAMPLE });
    cleanups.push(async () => {
      console.child.kill('SIGKILL');
      await exited(console.child);
    });
    expect(console.out.split('\n')[0]).toBe(`Redis: redis://:***@127.0.0.1:${port} (REDIS_URL; not started by Shiftlead)`);
    expect(console.out + console.err).not.toContain('hunter2secret');
  });

  it('stops when Slack refuses the bot token, naming the setting', async () => {
    const { slack, url } = await slackApi();
    slack.script('auth.test', { body: { ok: false, error: 'invalid_auth' } });
    const refused = await runToExit(env({ SLACK_BOT_TOKEN: 'xoxb-1-revoked', SLACK_SIGNING_SECRET: SIGNING_SECRET, SHIFTLEAD_CONFIG: EXAMPLE, SLACK_API_URL: url }));
    expect(refused.code).toBe(1);
    expect(refused.err).toContain("SLACK_BOT_TOKEN: Slack refused it (invalid_auth): copy the Bot User OAuth Token (xoxb-…) from your app's OAuth & Permissions page again");
  });

  it('starts anyway when Slack cannot be reached to check the token, and says so', async () => {
    const lines: string[] = [];
    const log = createLogger({ level: 'warn', destination: { write: (line: string) => void lines.push((JSON.parse(line) as { msg: string }).msg) } });
    const unreachable = `http://127.0.0.1:${await freePort()}/api/`;
    const app = await startTestApp({ log, env: parseEnv({ SLACK_BOT_TOKEN: 'xoxb-1-test', SLACK_SIGNING_SECRET: SIGNING_SECRET, SLACK_API_URL: unreachable }) });
    cleanups.push(app.close);
    expect((await fetch(`http://127.0.0.1:${app.port}/healthz`)).status).toBe(200);
    expect(lines).toContainEqual(expect.stringMatching(/^could not check SLACK_BOT_TOKEN with Slack \(.+\); starting anyway, it is checked again on first use$/));
  });

  it('refuses a severity whose resolve deadline comes before its acknowledge deadline, with key and line', async () => {
    const dir = await tempDir();
    const text = (await readFile(EXAMPLE, 'utf8')).replace('{ id: P2, label: High, acknowledgeWithin: 30m, resolveWithin: 8h }', '{ id: P2, label: High, acknowledgeWithin: 30m, resolveWithin: 20m }');
    const file = join(dir, 'shiftlead.yaml');
    await writeFile(file, text);
    const line = text.split('\n').findIndex((l) => l.includes('resolveWithin: 20m')) + 1;
    // What main.ts prints, one line per problem, when the file it loads is refused.
    await expect(loadTeamConfig(file)).rejects.toMatchObject({
      problems: [`severities[1].resolveWithin: 20m is shorter than acknowledgeWithin (30m); an escalation is resolved after it is acknowledged, so give it at least 30m (line ${line})`],
    });
  });

  it('checks the metrics settings with the rest of the environment', () => {
    let problems: string[] = [];
    try {
      parseEnv({ PORT: '3000', METRICS_PORT: '3000', METRICS_TOKEN: 'short', METRICS_HOST: 'not an address' });
    } catch (error) {
      if (!(error instanceof EnvError)) throw error;
      problems = error.problems;
    }
    expect(problems.sort()).toEqual([
      'METRICS_HOST: must be an address to listen on, e.g. 127.0.0.1 or 0.0.0.0',
      'METRICS_PORT: must differ from PORT (the metrics port is a separate, private port)',
      'METRICS_TOKEN: must be at least 16 characters (e.g. openssl rand -hex 32)',
    ]);
    expect(() => parseEnv({ METRICS_HOST: '0.0.0.0' })).toThrow('METRICS_PORT: is required with METRICS_HOST');
  });
});

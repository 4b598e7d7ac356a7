/**
 * Stopping on a signal, the way a process manager does it: the development command (`npm start`)
 * and the production command (`npm run build`, then `node dist/main.js`) each start, take work,
 * get SIGTERM (or SIGINT) while a delivery is in flight, finish it, release the port and exit 0.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { CARD_KEY } from '../../src/core/escalations/card.js';
import { DeliveryLog } from '../../src/store/deliveries.js';
import { freePort } from '../../src/store/local-redis.js';
import { FakeSlack } from '../support/fake-slack.js';
import { exited, Output, ROOT, run } from '../support/processes.js';
import { deletePrefix, newRedis, redisUrl, uniquePrefix } from '../support/redis.js';
import { interaction, postSigned, SIGNING_SECRET, slashCommand, viewSubmission } from '../support/slack-requests.js';

const FORM = 'application/x-www-form-urlencoded';
const TENANT = 'slack-T0TEST';

/** True when nothing listens on the port any more (it can be bound again). */
function portFree(port: number): Promise<boolean> {
  return new Promise((done) => {
    const server = createServer();
    server.once('error', () => done(false));
    server.listen(port, () => server.close(() => done(true)));
  });
}

describe('stopping on a signal', () => {
  const cleanups: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const fn of cleanups.splice(0).reverse()) await fn();
  });

  /** Starts `command`, raises an escalation whose card post Slack holds, signals, then lets Slack answer. */
  async function stopWhileDelivering(command: string, args: string[], signal: NodeJS.Signals): Promise<void> {
    const slack = new FakeSlack();
    const apiUrl = await slack.start();
    const port = await freePort();
    const prefix = uniquePrefix();
    cleanups.push(async () => {
      await slack.stop();
      const redis = newRedis();
      await deletePrefix(redis, prefix);
      redis.disconnect();
    });
    const child: ChildProcess = run(command, args, {
      REDIS_URL: redisUrl(),
      PORT: String(port),
      SHIFTLEAD_PREFIX: prefix,
      SHIFTLEAD_CONFIG: 'shiftlead.example.yaml',
      SLACK_BOT_TOKEN: 'xoxb-1-test',
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      SLACK_API_URL: apiUrl,
    });
    cleanups.push(async () => {
      child.kill('SIGKILL');
      await exited(child);
    });
    const output = new Output(child);
    await output.waitFor('Shiftlead is running');

    const base = `http://127.0.0.1:${port}`;
    const release = slack.hold('chat.postMessage');
    await postSigned(base, slashCommand({ command: '/escalate', text: 'Checkout fails', user_id: 'U0ANALIMA' }), FORM);
    await slack.waitFor((c) => c.some((x) => x.method === 'views.open'));
    const view = slack.of('views.open')[0]?.args['view'] as Record<string, unknown>;
    const values = {
      customer: { type: 'plain_text_input', value: 'Acme' },
      severity: { type: 'static_select', selected_option: { value: 'P2' } },
      department: { type: 'static_select', selected_option: { value: 'support' } },
      summary: { type: 'plain_text_input', value: 'Checkout fails' },
    };
    expect((await postSigned(base, interaction(viewSubmission('U0ANALIMA', view, values)), FORM)).status).toBe(200);
    // The card's post has reached Slack, which does not answer yet: the delivery is in flight.
    await slack.waitFor((c) => c.some((x) => x.method === 'chat.postMessage'));

    child.kill(signal);
    await output.waitFor('shutting down: finishing in-flight work');
    release();
    expect(await exited(child)).toBe(0);

    expect(output.out).toContain('Shiftlead stopped');
    const redis = newRedis();
    const card = await new DeliveryLog(redis, prefix).ref(TENANT, CARD_KEY('ESC-1'));
    redis.disconnect();
    expect(card, 'the delivery in flight finished and was recorded').toMatchObject({ conversation: 'C0SUPPORT' });
    expect(await portFree(port)).toBe(true);
  }

  it('npm start: SIGTERM finishes the delivery in flight, releases the port and exits 0', async () => {
    await stopWhileDelivering('npm', ['start', '--silent'], 'SIGTERM');
  }, 120_000);

  it('npm start: Ctrl-C (SIGINT to npm and Shiftlead both, and npm passes it on) stops it once, cleanly', async () => {
    const port = await freePort();
    const prefix = uniquePrefix();
    cleanups.push(async () => {
      const redis = newRedis();
      await deletePrefix(redis, prefix);
      redis.disconnect();
    });
    // Its own process group, as a terminal's foreground job: Ctrl-C signals the whole group.
    const child = spawn('npm', ['start', '--silent'], {
      cwd: ROOT,
      detached: true,
      env: { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '', SHIFTLEAD_ENV_FILE: '', REDIS_URL: redisUrl(), PORT: String(port), SHIFTLEAD_PREFIX: prefix, SHIFTLEAD_CONFIG: 'shiftlead.example.yaml', SHIFTLEAD_CONSOLE: 'off' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    cleanups.push(async () => {
      if (child.exitCode === null && child.pid) process.kill(-child.pid, 'SIGKILL');
      await exited(child);
    });
    const output = new Output(child);
    await output.waitFor('Shiftlead is running');
    process.kill(-(child.pid as number), 'SIGINT');
    expect(await exited(child)).toBe(0);
    expect(output.out.match(/shutting down: finishing in-flight work/g)).toHaveLength(1);
    expect(output.out).toContain('Shiftlead stopped');
    expect(await portFree(port)).toBe(true);
  }, 120_000);

  it('the production command: npm run build, then node dist/main.js, stops the same way on SIGTERM', async () => {
    const build = run('npm', ['run', 'build', '--silent'], {});
    const output = new Output(build);
    expect(await exited(build), output.out + output.err).toBe(0);
    await stopWhileDelivering(process.execPath, ['dist/main.js'], 'SIGTERM');
  }, 180_000);
});

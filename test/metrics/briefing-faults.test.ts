/**
 * Briefings when things go wrong, on real Redis: every worker down across the briefing's time
 * (posted once, marked late, when they are back within the window; skipped and counted after it),
 * three worker processes racing for it (posted once), and a channel the bot cannot post in (the
 * other briefing still goes out; the managers are told once; it is counted).
 */
import type { ChildProcess } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { parseEnv } from '../../src/config/env.js';
import { parseTeamConfig } from '../../src/config/team-config.js';
import type { TeamConfig } from '../../src/config/team-config-schema.js';
import { globalKeys } from '../../src/store/keys.js';
import { counter, startTestApp } from '../support/app.js';
import { EXAMPLE_YAML } from '../support/configs.js';
import { FakeSlack } from '../support/fake-slack.js';
import { exited, runTs } from '../support/processes.js';
import { Recorder } from '../support/recorder.js';
import { deletePrefix, newRedis, redisUrl, uniquePrefix } from '../support/redis.js';
import { SIGNING_SECRET } from '../support/slack-requests.js';

const pad = (n: number) => String(n).padStart(2, '0');
const hhmm = (at: Date) => `${pad(at.getUTCHours())}:${pad(at.getUTCMinutes())}`;
const BRIEFING = '    channels: { slack: C0SUPPORT, console: "#support" }\n    at: "08:30"\n    timezone: Europe/Lisbon\n    days: [mon, tue, wed, thu, fri]';

/** The example with its briefing at `at` (UTC) every day, and optionally a second one for Billing. */
function yamlAt(at: Date, billing = false): string {
  const second = billing ? `\n  - id: billing-morning\n    channels: { slack: C0BILLING }\n    departments: [billing]\n    at: "${hhmm(at)}"\n    timezone: UTC\n    days: [mon, tue, wed, thu, fri, sat, sun]` : '';
  return EXAMPLE_YAML.replace(BRIEFING, `    channels: { slack: C0SUPPORT }\n    at: "${hhmm(at)}"\n    timezone: UTC\n    days: [mon, tue, wed, thu, fri, sat, sun]${second}`);
}

describe('briefing faults', () => {
  const cleanups: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });

  async function slackApp(prefix: string, config: TeamConfig, clock: () => Date, reconcileEveryMs?: number) {
    const slack = new FakeSlack();
    const apiUrl = await slack.start();
    const app = await startTestApp({ env: parseEnv({ SLACK_BOT_TOKEN: 'xoxb-1-test', SLACK_SIGNING_SECRET: SIGNING_SECRET, SLACK_API_URL: apiUrl }), config, prefix, clock: { now: clock }, ...(reconcileEveryMs ? { reconcileEveryMs } : {}) });
    let closed = false;
    const close = async () => {
      if (closed) return;
      closed = true;
      await app.close();
      await slack.stop();
    };
    cleanups.push(close);
    return { app, slack, close };
  }

  function prefixed(): string {
    const prefix = uniquePrefix();
    cleanups.push(async () => {
      const redis = newRedis();
      await deletePrefix(redis, prefix);
      redis.disconnect();
    });
    return prefix;
  }

  it('workers down across the briefing time: posted once, marked late, when they come back within the window; never again', async () => {
    const prefix = prefixed();
    const due = new Date(Math.ceil(Date.now() / 60_000) * 60_000 + 60_000);
    const config = parseTeamConfig(yamlAt(due));
    // The first process plans the briefing four seconds ahead, then every worker stops.
    let offset = -3 * 86_400_000;
    const first = await slackApp(prefix, config, () => new Date(Date.now() + offset));
    offset = due.getTime() - 4_000 - Date.now();
    await first.app.reload(config);
    await first.close();
    expect(first.slack.of('chat.postMessage')).toHaveLength(0);
    await new Promise((r) => setTimeout(r, 4_500));

    // Back 40 minutes after the briefing's time (well within its 2 h window).
    const back = await slackApp(prefix, config, () => new Date(Date.now() + due.getTime() + 40 * 60_000 - Date.now()));
    await back.slack.waitFor((calls) => calls.some((c) => c.method === 'chat.postMessage' && c.args['channel'] === 'C0SUPPORT'), 20_000, 'the late briefing');
    const [post] = back.slack.of('chat.postMessage');
    expect(JSON.stringify(post?.args['blocks'])).toContain(`⏰ *Late:* this briefing was due at ${hhmm(due)} (UTC); Shiftlead was not running then.`);
    expect(await counter(back.app, 'shiftlead_schedule_fired_total', { kind: 'briefing', late: 'yes' })).toBe(1);
    await back.close();

    // Another restart later finds it done.
    const again = await slackApp(prefix, config, () => new Date(Date.now() + 50 * 60_000));
    await new Promise((r) => setTimeout(r, 1_500));
    expect(again.slack.of('chat.postMessage').filter((c) => c.args['channel'] === 'C0SUPPORT')).toHaveLength(0);
  });

  it('workers back after the window: the briefing is skipped, logged and counted, and nothing is posted', async () => {
    const prefix = prefixed();
    const due = new Date(Math.ceil(Date.now() / 60_000) * 60_000 + 60_000);
    const config = parseTeamConfig(yamlAt(due));
    let offset = -3 * 86_400_000;
    const first = await slackApp(prefix, config, () => new Date(Date.now() + offset));
    offset = due.getTime() - 3_000 - Date.now();
    await first.app.reload(config);
    await first.close();
    await new Promise((r) => setTimeout(r, 3_500));

    const late = await slackApp(prefix, config, () => new Date(due.getTime() + 3 * 3600_000 + (Date.now() % 1000)));
    await expect.poll(() => counter(late.app, 'shiftlead_schedule_dropped_total', { kind: 'briefing' }), { timeout: 20_000 }).toBe(1);
    expect(late.slack.of('chat.postMessage').filter((c) => c.args['channel'] === 'C0SUPPORT')).toHaveLength(0);
  });

  it('three worker processes: the briefing is posted once', async () => {
    const prefix = prefixed();
    const recorder = new Recorder();
    const url = await recorder.start();
    cleanups.push(() => recorder.stop());
    const redis = newRedis();
    await redis.zadd(globalKeys(prefix).seenTenants('slack'), Date.now(), 'slack-T0TEST');
    redis.disconnect();
    // A web process (no workers) plans the briefing three seconds ahead; then three worker
    // processes start, sharing its clock, and race for it however long they take to start.
    const due = new Date(Math.ceil(Date.now() / 60_000) * 60_000 + 60_000);
    const offset = due.getTime() - 3_000 - Date.now();
    const web = await startTestApp({ role: 'web', prefix, config: parseTeamConfig(yamlAt(due)), clock: { now: () => new Date(Date.now() + offset) } });
    cleanups.push(() => web.close());
    await web.schedules.reconcile();
    const children: ChildProcess[] = await Promise.all(
      [0, 1, 2].map(() => runTs('test/support/shift-worker-child.ts', { REDIS_URL: redisUrl(), PREFIX: prefix, RECORDER_URL: url, CONFIG_YAML: yamlAt(due), CLOCK_OFFSET_MS: String(offset) }, 'ready')),
    );
    cleanups.push(async () => {
      for (const child of children) {
        child.kill('SIGKILL');
        await exited(child);
      }
    });
    await recorder.waitFor((requests) => requests.some((r) => r.path === '/post'), 60_000);
    await new Promise((r) => setTimeout(r, 2_000));
    const posts = recorder.requests.filter((r) => r.path === '/post');
    expect(posts.map((r) => (r.json as { conversation: string }).conversation)).toEqual(['C0SUPPORT']);
    expect(new Set(posts.map((r) => (r.json as { pid: number }).pid)).size).toBe(1);
  }, 90_000);

  it('a channel the bot cannot post in: logged, counted, the managers told once; the other briefing still goes out', async () => {
    const prefix = prefixed();
    const due = new Date(Math.ceil(Date.now() / 60_000) * 60_000 + 60_000);
    const config = parseTeamConfig(yamlAt(due, true));
    let offset = -3 * 86_400_000;
    const { app, slack } = await slackApp(prefix, config, () => new Date(Date.now() + offset), 400);
    slack.channelErrors.set('C0BILLING', 'not_in_channel');
    offset = due.getTime() - 2_000 - Date.now();
    await app.reload(config);

    await slack.waitFor((calls) => calls.some((c) => c.method === 'chat.postMessage' && c.args['channel'] === 'C0SUPPORT'), 20_000, 'the support briefing');
    await slack.waitFor((calls) => calls.some((c) => c.method === 'chat.postMessage' && c.args['channel'] === 'U0ANALIMA'), 20_000, "the manager's notice");
    await new Promise((r) => setTimeout(r, 2_000));
    const notices = slack.of('chat.postMessage').filter((c) => c.args['channel'] === 'U0ANALIMA');
    expect(notices).toHaveLength(1);
    expect(String(notices[0]?.args['text'])).toContain('The briefing *billing-morning* could not be posted in C0BILLING on Slack (not_in_channel). Invite Shiftlead to the channel (/invite @Shiftlead).');
    expect(slack.of('chat.postMessage').filter((c) => c.args['channel'] === 'C0BILLING')).toHaveLength(1);
    expect(await counter(app, 'shiftlead_briefings_undeliverable_total', { platform: 'slack' })).toBe(1);
    expect(await counter(app, 'shiftlead_outbox_permanent_failures_total', { platform: 'slack', code: 'not_in_channel' })).toBe(1);
  });
});

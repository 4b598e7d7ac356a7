/**
 * The morning briefing end to end, one running app on real Redis with Slack (signed requests, a
 * fake Web API), Teams (Activity JSON, a fake Bot Connector) and the console: a briefing due a
 * moment ahead (an injected clock) is posted once on each platform with its charts, and
 * `/briefing` shows it privately on each.
 */
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseEnv } from '../../src/config/env.js';
import { parseTeamConfig } from '../../src/config/team-config.js';
import type { TeamConfig } from '../../src/config/team-config-schema.js';
import { TEAM, type MetricPoint } from '../../src/core/metrics/model.js';
import { addDays } from '../../src/core/schedule/local-time.js';
import { cardBytes, CARD_BUDGET_BYTES } from '../../src/platforms/teams/cards.js';
import { RedisMetricStore } from '../../src/store/metrics.js';
import { cardProblems, cardsIn, chartsIn } from '../support/adaptive-cards.js';
import { counter, startTestApp } from '../support/app.js';
import { messageProblems } from '../support/block-kit.js';
import { EXAMPLE_YAML } from '../support/configs.js';
import { FakeConnector } from '../support/fake-connector.js';
import { FakeSlack } from '../support/fake-slack.js';
import { deletePrefix, newRedis } from '../support/redis.js';
import { postSigned, SIGNING_SECRET, slashCommand } from '../support/slack-requests.js';
import { ANA, botAddedToTeam, channelMention, SUPPORT } from '../support/teams-activities.js';

const pad = (n: number) => String(n).padStart(2, '0');

/** The example configuration with its briefing at `at` (UTC), every day, on all three platforms. */
function configAt(at: Date): TeamConfig {
  const yaml = EXAMPLE_YAML.replace('    channels: { slack: C0SUPPORT, console: "#support" }\n    at: "08:30"\n    timezone: Europe/Lisbon\n    days: [mon, tue, wed, thu, fri]', `    channels: { slack: C0SUPPORT, teams: "${SUPPORT}", console: "#support" }\n    at: "${pad(at.getUTCHours())}:${pad(at.getUTCMinutes())}"\n    timezone: UTC\n    days: [mon, tue, wed, thu, fri, sat, sun]`);
  return parseTeamConfig(yaml);
}

describe('the morning briefing on Slack, Teams and the console', () => {
  const slack = new FakeSlack();
  const connector = new FakeConnector();
  const input = new PassThrough();
  const output = new PassThrough();
  let printed = '';
  output.on('data', (c: Buffer) => (printed += c.toString()));
  let app: Awaited<ReturnType<typeof startTestApp>>;
  let base = '';
  // The briefing's minute; the clock starts three days earlier (beyond the planning horizon), so
  // nothing of it is planned until the clock is moved to just before it.
  const due = new Date(Math.ceil(Date.now() / 60_000) * 60_000 + 60_000);
  let offset = -3 * 86_400_000;
  const config = configAt(due);
  const today = due.toISOString().slice(0, 10);

  beforeAll(async () => {
    const apiUrl = await slack.start();
    const serviceUrl = await connector.start();
    app = await startTestApp({
      env: parseEnv({ SLACK_BOT_TOKEN: 'xoxb-1-test', SLACK_SIGNING_SECRET: SIGNING_SECRET, SLACK_API_URL: apiUrl }),
      config,
      clock: { now: () => new Date(Date.now() + offset) },
      console: { input, output, onExit: () => undefined },
    });
    base = `http://127.0.0.1:${app.port}`;
    // Shiftlead learns the Teams tenant and the team's conversation from the bot being added.
    await fetch(`${base}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(botAddedToTeam(serviceUrl, ANA)) });
    // Fourteen days of CSAT and first response before the briefing's day.
    const points: MetricPoint[] = [];
    for (let i = 1; i <= 14; i += 1) {
      const date = addDays(today, -i);
      points.push({ metric: 'csat', date, value: 4 + (i % 5) / 10, count: 50 + i, department: TEAM, source: 'survey' }, { metric: 'firstResponseMinutes', date, value: 20 + i, department: TEAM, source: 'helpdesk' });
    }
    await new RedisMetricStore(app.redis, app.prefix).put(points);
  });

  afterAll(async () => {
    await app.close();
    await slack.stop();
    await connector.stop();
    const redis = newRedis();
    await deletePrefix(redis, app.prefix);
    redis.disconnect();
  });

  it('posts the briefing due a moment ahead once on each platform, with its charts', async () => {
    // Move the clock to two seconds before the briefing and replan, as a reload would.
    offset = due.getTime() - 2_000 - Date.now();
    await app.reload(config);

    await slack.waitFor((calls) => calls.some((c) => c.method === 'chat.postMessage' && c.args['channel'] === 'C0SUPPORT'), 20_000, 'the Slack briefing');
    await connector.waitFor((calls) => calls.some((c) => c.method === 'POST' && (c.body['channelData'] as { channel?: { id?: string } } | undefined)?.channel?.id === SUPPORT), 20_000, 'the Teams briefing');
    await expect.poll(() => printed.includes('┌ #support'), { timeout: 20_000 }).toBe(true);
    // Nothing more comes: once per platform.
    await new Promise((r) => setTimeout(r, 2_000));

    const posts = slack.of('chat.postMessage').filter((c) => c.args['channel'] === 'C0SUPPORT');
    expect(posts).toHaveLength(1);
    const args = posts[0]?.args as Record<string, unknown>;
    expect(messageProblems(args)).toEqual([]);
    const blocks = args['blocks'] as Array<{ type: string; title?: string }>;
    expect(blocks.filter((b) => b.type === 'data_visualization').map((b) => b.title)).toEqual(['CSAT, last 14 days', 'First response, last 14 days']);
    expect(String(args['text'])).toMatch(/^Briefing for .*: CSAT [\d.]+, First response \d+ min\./);

    const teamsPosts = connector.calls.filter((c) => c.method === 'POST' && (c.body['channelData'] as { channel?: { id?: string } } | undefined)?.channel?.id === SUPPORT);
    expect(teamsPosts).toHaveLength(1);
    const [card] = cardsIn(teamsPosts[0]?.body);
    if (!card) throw new Error('no card');
    expect(cardProblems(card)).toEqual([]);
    expect(cardBytes(card)).toBeLessThanOrEqual(CARD_BUDGET_BYTES);
    expect(chartsIn(card)).toHaveLength(2);

    const consolePost = printed.slice(printed.indexOf('┌ #support'));
    expect(consolePost).toContain('☀️ Briefing');
    expect(consolePost).toMatch(/▌ CSAT, last 14 days/);
    expect(consolePost).toMatch(/Acme Support +[▁▂▃▄▅▆▇█]{14} /);
    expect(printed.match(/┌ #support/g)).toHaveLength(1);
    expect(await counter(app, 'shiftlead_schedule_fired_total', { kind: 'briefing', late: 'no' })).toBe(1);
  });

  it('/briefing shows it now, only to the person asking, on each platform', async () => {
    const ephemerals = slack.of('chat.postEphemeral').length;
    const ack = await postSigned(base, slashCommand({ command: '/briefing', text: 'support-morning', user_id: 'U0ANALIMA', channel_id: 'C0SUPPORT' }), 'application/x-www-form-urlencoded');
    expect(ack.status).toBe(200);
    await slack.waitFor((calls) => calls.filter((c) => c.method === 'chat.postEphemeral').length > ephemerals, 10_000, 'the private briefing');
    const shown = slack.of('chat.postEphemeral').at(-1)?.args as Record<string, unknown>;
    expect(shown['user']).toBe('U0ANALIMA');
    expect(messageProblems(shown)).toEqual([]);
    expect(JSON.stringify(shown['blocks'])).toContain('Only you see this');
    expect((shown['blocks'] as Array<{ type: string }>).filter((b) => b.type === 'data_visualization')).toHaveLength(2);

    const unknown = await postSigned(base, slashCommand({ command: '/briefing', text: 'evening', user_id: 'U0ANALIMA' }), 'application/x-www-form-urlencoded');
    expect(JSON.stringify(unknown.json)).toContain('There is no briefing \\"evening\\". Briefings: support-morning.');

    const teams = await fetch(`${base}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(channelMention(connector.url, ANA, 'briefing')) });
    expect(teams.status).toBe(200);
    await connector.waitFor((calls) => calls.some((c) => cardsIn(c.body).some((x) => JSON.stringify(x).includes('Only you see this'))), 10_000, 'the Teams reply');
    const reply = cardsIn(connector.calls.find((c) => cardsIn(c.body).some((x) => JSON.stringify(x).includes('Only you see this')))?.body)[0] as Record<string, unknown>;
    expect(cardProblems(reply)).toEqual([]);

    const mark = printed.length;
    input.write('/briefing\n');
    await expect.poll(() => printed.slice(mark).includes('Only you see this'), { timeout: 10_000 }).toBe(true);
    expect(printed.slice(mark)).toMatch(/▌ First response, last 14 days/);
  });
});

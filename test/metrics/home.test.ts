/**
 * The page at a glance: Slack's App Home (published after an open, coalesced, again only when it
 * changed; no native chart there), the Teams personal-chat card that refreshes itself when opened
 * (Action.Execute refresh), and /home on the console.
 */
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseEnv } from '../../src/config/env.js';
import { TEAM, type MetricPoint } from '../../src/core/metrics/model.js';
import { addDays, localDate } from '../../src/core/schedule/local-time.js';
import { RedisEscalationStore } from '../../src/store/escalations.js';
import { RedisMetricStore } from '../../src/store/metrics.js';
import { cardProblems, cardsIn } from '../support/adaptive-cards.js';
import { startTestApp } from '../support/app.js';
import { viewProblems } from '../support/block-kit.js';
import { FakeConnector } from '../support/fake-connector.js';
import { FakeSlack } from '../support/fake-slack.js';
import { ANA as SLACK_ANA, draft } from '../support/records.js';
import { deletePrefix, newRedis } from '../support/redis.js';
import { eventCallback, postSigned, SIGNING_SECRET } from '../support/slack-requests.js';
import { ANA, invoke, personalMessage } from '../support/teams-activities.js';

describe('Home, at a glance', () => {
  const slack = new FakeSlack();
  const connector = new FakeConnector();
  const input = new PassThrough();
  const output = new PassThrough();
  let printed = '';
  output.on('data', (c: Buffer) => (printed += c.toString()));
  let app: Awaited<ReturnType<typeof startTestApp>>;
  let base = '';
  let serviceUrl = '';

  beforeAll(async () => {
    const apiUrl = await slack.start();
    serviceUrl = await connector.start();
    app = await startTestApp({ env: parseEnv({ SLACK_BOT_TOKEN: 'xoxb-1-test', SLACK_SIGNING_SECRET: SIGNING_SECRET, SLACK_API_URL: apiUrl }), console: { input, output, onExit: () => undefined }, reconcileEveryMs: 500 });
    base = `http://127.0.0.1:${app.port}`;
    const yesterday = addDays(localDate(new Date(), 'Europe/Lisbon'), -1);
    const points: MetricPoint[] = Array.from({ length: 14 }, (_, i) => ({ metric: 'csat', date: addDays(yesterday, -i), value: 4.2 + (i % 4) / 10, count: 40, department: TEAM, source: 'survey' }));
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

  const opened = (user: string, id: string) => postSigned(base, eventCallback({ type: 'app_home_opened', user, channel: 'D0HOME', tab: 'home', event_ts: id }, `Ev${id}`), 'application/json');

  it('Slack: an open publishes the page once (a burst is coalesced); a change publishes it again', async () => {
    for (const id of ['0HOME1', '0HOME2', '0HOME3']) expect((await opened('U0ANALIMA', id)).status).toBe(200);
    await slack.waitFor((calls) => calls.some((c) => c.method === 'views.publish'), 20_000, 'the Home page');
    await new Promise((r) => setTimeout(r, 6_000));
    const published = slack.of('views.publish');
    expect(published).toHaveLength(1);
    const view = published[0]?.args['view'] as Record<string, unknown>;
    expect(published[0]?.args['user_id']).toBe('U0ANALIMA');
    expect(viewProblems(view)).toEqual([]);
    const text = JSON.stringify(view['blocks']);
    expect(text).toContain('Shiftlead · Ana Lima');
    expect(text).toContain("*Yesterday's numbers*");
    expect(text).toMatch(/CSAT, last 14 days/);
    expect(text).toMatch(/[▁▂▃▄▅▆▇█]{14}/);
    expect(text).toContain('Your open escalations: none.');

    // Ana raises an escalation: her page changes, and upkeep publishes it again.
    await new RedisEscalationStore(app.redis, app.prefix).create('slack-T0TEST', draft({ requester: SLACK_ANA, summary: 'Printer on fire' }, new Date()), { actor: 'ana', at: new Date().toISOString(), type: 'escalation.created', subject: '' });
    await slack.waitFor((calls) => calls.filter((c) => c.method === 'views.publish').length === 2, 20_000, 'the updated page');
    expect(JSON.stringify(slack.of('views.publish')[1]?.args['view'])).toContain('Printer on fire');
    // An agent sees no numbers, only their own page.
    await opened('U0CARODIA', '0HOME4');
    await slack.waitFor((calls) => calls.some((c) => c.method === 'views.publish' && c.args['user_id'] === 'U0CARODIA'), 20_000, "the agent's page");
    const agent = JSON.stringify(slack.of('views.publish').find((c) => c.args['user_id'] === 'U0CARODIA')?.args['view']);
    expect(agent).toContain('Shiftlead · Carolina Díaz');
    expect(agent).not.toContain("Yesterday's numbers");
  });

  it('Teams: "home" posts a card that refreshes itself for that person; the refresh answers a fresh card', async () => {
    const res = await fetch(`${base}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(personalMessage(serviceUrl, ANA, 'home')) });
    expect(res.status).toBe(200);
    await connector.waitFor((calls) => calls.some((c) => cardsIn(c.body).some((x) => 'refresh' in x)), 10_000, 'the Home card');
    const [card] = cardsIn(connector.calls.find((c) => cardsIn(c.body).some((x) => 'refresh' in x))?.body);
    expect(card?.['refresh']).toEqual({ action: { type: 'Action.Execute', title: 'Refresh', verb: 'home.refresh', data: { value: 'home' } }, userIds: [ANA.id] });
    expect(cardProblems(card as Record<string, unknown>)).toEqual([]);

    const refresh = invoke(serviceUrl, ANA, 'adaptiveCard/action', { action: { type: 'Action.Execute', verb: 'home.refresh', data: { value: 'home' } }, trigger: 'automatic' }, { conversationType: 'personal', id: `a:1personal-${ANA.aadObjectId}` }, {});
    const answer = await fetch(`${base}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(refresh) });
    expect(answer.status).toBe(200);
    const body = (await answer.json()) as { statusCode: number; type: string; value: Record<string, unknown> };
    expect(body.statusCode).toBe(200);
    expect(body.type).toBe('application/vnd.microsoft.card.adaptive');
    expect(body.value['refresh']).toMatchObject({ userIds: [ANA.id] });
    expect(JSON.stringify(body.value)).toContain('Printer on fire');
    expect(cardProblems(body.value)).toEqual([]);
  });

  it('the console: /home prints the page with its sparkline', async () => {
    const mark = printed.length;
    input.write('as ana /home\n');
    await expect.poll(() => printed.slice(mark).includes('Shiftlead · Ana Lima'), { timeout: 10_000 }).toBe(true);
    expect(printed.slice(mark)).toMatch(/▌ CSAT, last 14 days/);
    expect(printed.slice(mark)).toContain('Printer on fire');
  });
});

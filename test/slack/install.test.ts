/** Distribution: "Add to Slack" with OAuth, tokens per workspace in Redis, rotation under a lock, uninstall. */
import { afterEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/log.js';
import { RedisInstallationStore } from '../../src/platforms/slack/installation-store.js';
import { BOT_SCOPES } from '../../src/platforms/slack/scopes.js';
import { InstallationTokens } from '../../src/platforms/slack/tokens.js';
import { SlackClients } from '../../src/platforms/slack/web.js';
import { FakeSlack } from '../support/fake-slack.js';
import { deletePrefix, newRedis, uniquePrefix } from '../support/redis.js';
import { startSlackHarness, type SlackHarness } from '../support/slack-app.js';
import { eventCallback, postSigned, slashCommand } from '../support/slack-requests.js';

const OAUTH = { SLACK_BOT_TOKEN: '', SLACK_CLIENT_ID: '123.456', SLACK_CLIENT_SECRET: 'client-secret', SLACK_STATE_SECRET: 'state-secret-for-tests' };

async function install(h: SlackHarness): Promise<Response> {
  const page = await fetch(`${h.base}/slack/install`, { redirect: 'manual' });
  expect(page.status).toBe(200);
  const html = await page.text();
  const authorize = /href="([^"]*oauth\/v2\/authorize[^"]*)"/.exec(html)?.[1]?.replace(/&amp;/g, '&');
  expect(authorize).toBeDefined();
  const url = new URL(authorize as string);
  expect(url.searchParams.get('client_id')).toBe('123.456');
  expect(url.searchParams.get('scope')).toBe(BOT_SCOPES.join(','));
  const cookie = page.headers.get('set-cookie')?.split(';')[0] ?? '';
  return fetch(`${h.base}/slack/oauth_redirect?code=temp-code&state=${encodeURIComponent(url.searchParams.get('state') ?? '')}`, { headers: { cookie }, redirect: 'manual' });
}

describe('Slack: OAuth installs', () => {
  const cleanups: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const fn of cleanups.splice(0).reverse()) await fn();
  });

  it('installs through /slack/install, uses the stored token, and forgets it on app_uninstalled', async () => {
    const h = await startSlackHarness({ env: OAUTH });
    cleanups.push(h.close);
    const done = await install(h);
    expect(done.status).toBe(200);
    expect(await done.text()).toContain('Shiftlead is installed');
    const exchange = h.slack.of('oauth.v2.access')[0];
    expect(exchange?.args).toMatchObject({ code: 'temp-code', client_id: '123.456' });

    const store = new RedisInstallationStore(h.app.redis, h.app.prefix);
    expect((await store.byTenant('slack-T0TEST'))?.bot?.token).toBe('xoxb-installed');

    await postSigned(h.base, slashCommand({ command: '/escalate', text: 'hello', user_id: 'U0ANALIMA' }), 'application/x-www-form-urlencoded');
    await h.slack.waitFor((c) => c.some((x) => x.method === 'views.open'));
    expect(h.slack.of('views.open')[0]?.token).toBe('xoxb-installed');

    await postSigned(h.base, eventCallback({ type: 'app_uninstalled', event_ts: '1' }, 'Ev0UNINSTALL'), 'application/json');
    await expect.poll(() => store.byTenant('slack-T0TEST'), { timeout: 10_000 }).toBeUndefined();
  });

  it('refuses a callback whose state was not issued here', async () => {
    const h = await startSlackHarness({ env: OAUTH });
    cleanups.push(h.close);
    const res = await fetch(`${h.base}/slack/oauth_redirect?code=x&state=forged`, { redirect: 'manual' });
    expect(res.status).toBe(400);
    expect(h.slack.of('oauth.v2.access')).toEqual([]);
  });

  it('rotates an expiring token once, even when two replicas need it at the same moment', async () => {
    const slack = new FakeSlack();
    const api = await slack.start();
    const prefix = uniquePrefix();
    const redis = newRedis();
    cleanups.push(async () => {
      await slack.stop();
      await deletePrefix(redis, prefix);
      redis.disconnect();
    });
    const store = new RedisInstallationStore(redis, prefix);
    const nowSec = Math.floor(Date.now() / 1000);
    await store.storeInstallation({
      team: { id: 'T0ROTATE' },
      enterprise: undefined,
      user: { id: 'U0ANALIMA', token: undefined, scopes: undefined },
      bot: { token: 'xoxb-old', refreshToken: 'xoxe-1-old', expiresAt: nowSec + 600, scopes: ['chat:write'], id: 'B0BOT', userId: 'U0BOT' },
      isEnterpriseInstall: false,
      authVersion: 'v2',
    });
    const replica = () => new InstallationTokens(new RedisInstallationStore(redis, prefix), redis, prefix, new SlackClients(api, silentLogger), { clientId: '123.456', clientSecret: 'client-secret' });
    const [a, b] = await Promise.all([replica().forTenant('slack-T0ROTATE'), replica().forTenant('slack-T0ROTATE')]);
    const refreshes = slack.of('oauth.v2.access');
    expect(refreshes).toHaveLength(1);
    expect(refreshes[0]?.args).toMatchObject({ grant_type: 'refresh_token', refresh_token: 'xoxe-1-old' });
    // One replica got the new token; the other used the old one, still valid for ten minutes, or the new one.
    expect([a.botToken, b.botToken].some((t) => /^xoxb-refreshed-/.test(t))).toBe(true);
    expect([a.botToken, b.botToken].every((t) => t === 'xoxb-old' || /^xoxb-refreshed-/.test(t))).toBe(true);
    const stored = await store.byTenant('slack-T0ROTATE');
    expect(stored?.bot?.refreshToken).toMatch(/^xoxe-1-next-/);
    expect(stored?.bot?.expiresAt).toBeGreaterThan(nowSec + 40_000);
    // A later call uses the fresh token without refreshing again.
    expect((await replica().forTenant('slack-T0ROTATE')).botToken).toMatch(/^xoxb-refreshed-/);
    expect(slack.of('oauth.v2.access')).toHaveLength(1);
  });
});

/** The real app with Slack configured, its Web API played by a FakeSlack. */
import { afterEach, beforeEach, expect } from 'vitest';
import { parseEnv } from '../../src/config/env.js';
import type { TeamConfig } from '../../src/config/team-config-schema.js';
import type { AppOptions } from '../../src/app.js';
import { startTestApp } from './app.js';
import { callProblems, messageProblems, viewProblems } from './block-kit.js';
import { fastSlaConfig } from './configs.js';
import { FakeSlack } from './fake-slack.js';
import { deletePrefix, newRedis } from './redis.js';
import { SIGNING_SECRET } from './slack-requests.js';

export interface SlackHarness {
  app: Awaited<ReturnType<typeof startTestApp>>;
  base: string;
  slack: FakeSlack;
  /** Problems with every message and view Shiftlead sent to the Web API (Block Kit limits). */
  payloadProblems(): string[];
  close(): Promise<void>;
}

export async function startSlackHarness(
  options: { config?: TeamConfig; env?: Record<string, string>; app?: Partial<AppOptions>; beforeStart?: (slack: FakeSlack) => void } = {},
): Promise<SlackHarness> {
  const slack = new FakeSlack();
  const apiUrl = await slack.start();
  options.beforeStart?.(slack);
  const env = parseEnv({ SLACK_BOT_TOKEN: 'xoxb-1-test', SLACK_SIGNING_SECRET: SIGNING_SECRET, SLACK_API_URL: apiUrl, ...options.env });
  const app = await startTestApp({ env, config: options.config ?? fastSlaConfig(), ...options.app });
  return {
    app,
    base: `http://127.0.0.1:${app.port}`,
    slack,
    payloadProblems() {
      return slack.calls.flatMap((c) => {
        if (['chat.postMessage', 'chat.update', 'chat.postEphemeral'].includes(c.method)) return messageProblems(c.args).map((p) => `${c.method}: ${p}`);
        if (['views.open', 'views.publish', 'views.update'].includes(c.method)) return viewProblems(c.args['view'] as Record<string, unknown>).map((p) => `${c.method}: ${p}`);
        return [];
      });
    },
    async close() {
      await app.close();
      await slack.stop();
      const redis = newRedis();
      await deletePrefix(redis, app.prefix);
      redis.disconnect();
    },
  };
}

/**
 * For a test file: a fresh harness before each test (handed to `use`), and after it a check that
 * every Slack call was within Block Kit's limits, then close.
 */
export function slackHarnessPerTest(use: (harness: SlackHarness) => void, options?: Parameters<typeof startSlackHarness>[0]): void {
  let current: SlackHarness | undefined;
  beforeEach(async () => {
    current = await startSlackHarness(options);
    use(current);
  });
  afterEach(async () => {
    const harness = current;
    current = undefined;
    if (!harness) return;
    expect(callProblems(harness.slack.calls)).toEqual([]);
    await harness.close();
  });
}

/**
 * A Shiftlead worker process with Slack configured, for crash tests: the real app in the `worker`
 * role, its Web API calls going to a FakeSlack. Env: REDIS_URL, PREFIX, SLACK_API_URL,
 * SLACK_BOT_TOKEN, SLACK_SIGNING_SECRET, CONFIG_YAML (the team configuration the test's web side uses),
 * PORT and METRICS_TOKEN (optional: /metrics on that port, for the test to read the counters).
 */
import { startApp } from '../../src/app.js';
import { parseEnv } from '../../src/config/env.js';
import { parseTeamConfig } from '../../src/config/team-config.js';
import { silentLogger } from '../../src/log.js';

const env = process.env;
const app = await startApp({
  env: parseEnv({ SLACK_API_URL: env['SLACK_API_URL'], SLACK_BOT_TOKEN: env['SLACK_BOT_TOKEN'], SLACK_SIGNING_SECRET: env['SLACK_SIGNING_SECRET'], ...(env['METRICS_TOKEN'] ? { METRICS_TOKEN: env['METRICS_TOKEN'] } : {}) }),
  config: parseTeamConfig(env['CONFIG_YAML'] as string),
  redisUrl: env['REDIS_URL'] as string,
  log: silentLogger,
  role: 'worker',
  prefix: env['PREFIX'] as string,
  port: Number(env['PORT'] ?? 0),
});
process.stdout.write('ready\n');
process.once('SIGTERM', () => void app.close().then(() => process.exit(0)));
// A test that dies (or times out) closes our stdin: never outlive it.
process.stdin.on('close', () => process.exit(0)).resume();

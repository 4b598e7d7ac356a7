/**
 * A Shiftlead worker process for the briefing tests: the real app in the `worker` role, with the
 * team configuration and a clock offset from the environment, delivering to a Recorder over HTTP
 * as the Slack platform. Env: REDIS_URL, PREFIX, RECORDER_URL, CONFIG_YAML, CLOCK_OFFSET_MS.
 */
import { startApp } from '../../src/app.js';
import { parseEnv } from '../../src/config/env.js';
import { parseTeamConfig } from '../../src/config/team-config.js';
import { silentLogger } from '../../src/log.js';
import { HttpTestPlatform } from './http-platform.js';

const env = process.env;
const offset = Number(env['CLOCK_OFFSET_MS'] ?? 0);
const app = await startApp({
  env: parseEnv({}),
  config: parseTeamConfig(env['CONFIG_YAML'] as string),
  redisUrl: env['REDIS_URL'] as string,
  log: silentLogger,
  role: 'worker',
  prefix: env['PREFIX'] as string,
  port: 0,
  clock: { now: () => new Date(Date.now() + offset) },
  extraPlatforms: [new HttpTestPlatform(env['RECORDER_URL'] as string)],
});
process.stdout.write('ready\n');
process.once('SIGTERM', () => void app.close().then(() => process.exit(0)));

/**
 * A Shiftlead worker process for the schedule tests: the real app in the `worker` role with the
 * shift test roster (or the configuration in CONFIG_YAML), its clock at CLOCK_OFFSET_MS from real
 * time (shared by every child of a test), delivering to a Recorder over HTTP as "slack".
 * Env: REDIS_URL, PREFIX, RECORDER_URL, CLOCK_OFFSET_MS, CONFIG_YAML (optional).
 */
import { startApp } from '../../src/app.js';
import { parseEnv } from '../../src/config/env.js';
import { parseTeamConfig } from '../../src/config/team-config.js';
import { silentLogger } from '../../src/log.js';
import { HttpTestPlatform } from './http-platform.js';
import { shiftConfig } from './shift-config.js';

const env = process.env;
const offset = Number(env['CLOCK_OFFSET_MS'] ?? 0);
const app = await startApp({
  env: parseEnv({}),
  config: env['CONFIG_YAML'] ? parseTeamConfig(env['CONFIG_YAML']) : shiftConfig(),
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
// A test that dies (or times out) closes our stdin: never outlive it.
process.stdin.on('close', () => process.exit(0)).resume();

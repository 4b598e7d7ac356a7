/**
 * A Shiftlead worker process for tests that need real processes (pacing across processes, SIGKILL
 * recovery): the real app in the `worker` role, delivering to a Recorder over HTTP.
 * Env: REDIS_URL, PREFIX, RECORDER_URL, PACING (JSON PacingRules), LOCK_MS, STALLED_MS.
 */
import { readFileSync } from 'node:fs';
import { startApp } from '../../src/app.js';
import { parseEnv } from '../../src/config/env.js';
import { parseTeamConfig } from '../../src/config/team-config.js';
import { silentLogger } from '../../src/log.js';
import { HttpTestPlatform } from './http-platform.js';

const env = process.env;
// The app's own lock and stalled-check settings unless a test names others.
const lockDuration = env['LOCK_MS'] ? { lockDuration: Number(env['LOCK_MS']) } : {};
const stalledInterval = env['STALLED_MS'] ? { stalledInterval: Number(env['STALLED_MS']) } : {};
const app = await startApp({
  env: parseEnv({}),
  config: parseTeamConfig(readFileSync(new URL('../../shiftlead.example.yaml', import.meta.url), 'utf8')),
  redisUrl: env['REDIS_URL'] as string,
  log: silentLogger,
  role: 'worker',
  prefix: env['PREFIX'] as string,
  port: 0,
  extraPlatforms: [new HttpTestPlatform(env['RECORDER_URL'] as string, JSON.parse(env['PACING'] ?? '{"conversation":[],"tenant":[]}'))],
  workerSettings: { outbox: { ...lockDuration, ...stalledInterval } },
});
process.stdout.write('ready\n');
process.once('SIGTERM', () => void app.close().then(() => process.exit(0)));
// A test that dies (or times out) closes our stdin: never outlive it.
process.stdin.on('close', () => process.exit(0)).resume();

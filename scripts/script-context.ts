/**
 * What the command-line tools (metrics:import, report:export) share with `npm start`: .env, the
 * environment, the team configuration and Redis, each problem printed on one line before exit 1.
 */
import { existsSync } from 'node:fs';
import type { RedisClient } from '../src/store/redis.js';
import { EnvError, parseEnv, readEnvFile, redisTarget, type Env } from '../src/config/env.js';
import { describeTarget } from '../src/config/redis-target.js';
import { loadTeamConfig, TeamConfigError } from '../src/config/team-config.js';
import type { TeamConfig } from '../src/config/team-config-schema.js';
import { DEFAULT_REDIS_URL } from '../src/store/local-redis.js';
import { connectRedis } from '../src/store/redis.js';

export interface ScriptContext {
  env: Env;
  config: TeamConfig;
  redis: RedisClient;
  prefix: string;
  close(): Promise<void>;
}

function fail(lines: string[]): never {
  process.stderr.write(`${lines.join('\n')}\n`);
  process.exit(1);
}

export async function openScriptContext(): Promise<ScriptContext> {
  readEnvFile();
  let env: Env;
  try {
    env = parseEnv(process.env);
  } catch (error) {
    if (error instanceof EnvError) fail(['Fix these environment variables first:', ...error.problems.map((p) => `  ${p}`)]);
    throw error;
  }
  let file = env.SHIFTLEAD_CONFIG ?? 'shiftlead.yaml';
  if (!env.SHIFTLEAD_CONFIG && !existsSync(file) && existsSync('shiftlead.example.yaml')) file = 'shiftlead.example.yaml';
  let config: TeamConfig;
  try {
    config = await loadTeamConfig(file);
  } catch (error) {
    if (error instanceof TeamConfigError) fail([`Fix ${error.file} first:`, ...error.problems.map((p) => `  ${p}`)]);
    throw error;
  }
  // The same Redis `npm start` uses: REDIS_URL, a cluster, a Sentinel-managed primary, or the default.
  const target = redisTarget(env) ?? DEFAULT_REDIS_URL;
  let redis: RedisClient;
  try {
    redis = await connectRedis(target, 'store', { name: 'shiftlead-script' });
  } catch {
    fail([`Redis at ${describeTarget(target)} does not answer: start Shiftlead's Redis or fix the REDIS_ settings.`]);
  }
  return {
    env,
    config,
    redis,
    prefix: env.SHIFTLEAD_PREFIX,
    close: async () => {
      await redis.quit().catch(() => undefined);
      redis.disconnect();
    },
  };
}

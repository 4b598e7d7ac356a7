/**
 * The composition root. Reads ./.env when there is one, validates the environment and the team
 * configuration (every problem is printed, one line each, then the process exits 1), finds or
 * starts Redis, starts the app in its role, and shuts down gracefully on SIGTERM/SIGINT (stop
 * taking work, finish in-flight jobs, close connections, exit 0). Run it so that it gets the
 * signals itself: `node dist/main.js` in production, `npm start` (which execs node) in development.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { SHUTDOWN_GRACE_MS, startApp, StartupError } from './app.js';
import { EnvError, parseEnv, platformsConfigured, readEnvFile, redisTarget } from './config/env.js';
import { describeTarget } from './config/redis-target.js';
import { loadTeamConfig, TeamConfigError } from './config/team-config.js';
import { createLogger, terminalDestination } from './log.js';
import { ensureRedis, reachRedis, RedisUnavailableError, safeRedisUrl, type LocalRedis } from './store/local-redis.js';

function fail(lines: string[]): never {
  process.stderr.write(`${lines.join('\n')}\n`);
  process.exit(1);
}

async function main(): Promise<void> {
  readEnvFile();
  let env;
  try {
    env = parseEnv(process.env);
  } catch (error) {
    if (error instanceof EnvError) fail(['Shiftlead cannot start; fix these environment variables:', ...error.problems.map((p) => `  ${p}`)]);
    throw error;
  }
  const configured = platformsConfigured(env);
  const consoleMode = env.SHIFTLEAD_CONSOLE === 'on' || (env.SHIFTLEAD_CONSOLE === 'auto' && !configured.slack && !configured.teams);
  // In console mode the terminal belongs to the REPL: logs go to stderr, warnings and worse only.
  const log = createLogger({
    level: env.LOG_LEVEL ?? (consoleMode ? 'warn' : 'info'),
    ...(consoleMode ? { destination: terminalDestination() } : {}),
  });

  let configFile = env.SHIFTLEAD_CONFIG ?? 'shiftlead.yaml';
  if (!env.SHIFTLEAD_CONFIG && !existsSync(configFile)) {
    // The example's roster and channel ids would route real escalations nowhere: only the console may try it.
    if (!consoleMode) fail([`No team configuration: create ${resolve(configFile)} from shiftlead.example.yaml (copy it, then edit people, departments and channel ids), or set SHIFTLEAD_CONFIG to your file.`]);
    if (existsSync('shiftlead.example.yaml')) {
      configFile = 'shiftlead.example.yaml';
      log.warn('No shiftlead.yaml here: using shiftlead.example.yaml. Copy it to shiftlead.yaml and edit it for your team.');
    }
  }
  let config;
  try {
    config = await loadTeamConfig(configFile);
  } catch (error) {
    if (error instanceof TeamConfigError) fail([`Shiftlead cannot start; fix ${error.file}:`, ...error.problems.map((p) => `  ${p}`)]);
    throw error;
  }

  const target = redisTarget(env);
  let redis: LocalRedis;
  try {
    redis = target && target.kind !== 'single' ? await reachRedis(target) : await ensureRedis({ url: target?.url, dataDir: resolve('.data'), persistence: true });
  } catch (error) {
    if (error instanceof RedisUnavailableError) fail([error.message]);
    throw error;
  }
  // In console mode the line opens the console (logs there show warnings only).
  if (!consoleMode) log.info(redis.origin);

  let shuttingDown = false;
  const shutdown = async (signal: string, code = 0) => {
    // A terminal's Ctrl-C reaches both npm and Shiftlead, and npm passes it on: one shutdown.
    if (shuttingDown) return;
    shuttingDown = true;
    log.info({ signal }, 'shutting down: finishing in-flight work');
    const force = setTimeout(() => {
      log.error('shutdown took too long; exiting');
      process.exit(1);
    }, SHUTDOWN_GRACE_MS);
    force.unref();
    await app?.close();
    await redis?.stop?.();
    clearTimeout(force);
    log.info({ signal }, 'Shiftlead stopped');
    // Logs are written asynchronously: flush them before the process ends.
    log.flush(() => process.exit(code));
  };

  let app: Awaited<ReturnType<typeof startApp>> | undefined;
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
  // SIGHUP re-reads the team configuration: applied when valid; otherwise the one in force stays.
  process.on('SIGHUP', () => {
    void app?.reloadConfig().then(
      (result) => (result.ok ? log.info(`SIGHUP: team configuration reloaded (${result.summary})`) : log.error({ problems: result.problems }, `SIGHUP: ${configFile} has problems; the configuration in force stays:\n${result.problems.join('\n')}`)),
      (error: unknown) => log.error({ err: error }, 'SIGHUP: the configuration could not be reloaded'),
    );
  });
  process.on('unhandledRejection', (reason) => log.error({ err: reason }, 'unhandled rejection'));

  try {
    app = await startApp({
      env,
      config,
      redisUrl: redis.url,
      ...(target && target.kind !== 'single' ? { redisTarget: target } : {}),
      log,
      role: consoleMode ? 'all' : env.SHIFTLEAD_ROLE,
      prefix: env.SHIFTLEAD_PREFIX,
      port: env.PORT,
      loadConfig: () => loadTeamConfig(configFile),
      ...(consoleMode ? { console: { input: process.stdin, output: process.stdout, intro: [redis.origin], onExit: () => void shutdown('console') } } : {}),
    });
  } catch (error) {
    await redis.stop?.();
    if (error instanceof StartupError) fail(['Shiftlead cannot start:', ...error.problems.map((p) => `  ${p}`)]);
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE') fail([`Port ${env.PORT} is in use: stop what uses it or set PORT.`]);
    if (code === 'ECONNREFUSED' || code === 'ETIMEDOUT' || /Connection is closed/.test(String(error))) fail([`Redis at ${target && target.kind !== 'single' ? describeTarget(target) : safeRedisUrl(redis.url)} does not answer: start it or fix the REDIS_ settings.`]);
    throw error;
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`Shiftlead stopped: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});

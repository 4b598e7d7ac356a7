/**
 * Builds a running Shiftlead from validated settings: RedisClient, queues, the features, workers,
 * platforms, the HTTP server and, in console mode, the REPL. `main.ts` calls it for real; tests
 * call it in-process.
 */
import type { Readable, Writable } from 'node:stream';
import { UnrecoverableError } from 'bullmq';
import type { RedisClient } from './store/redis.js';
import { PLATFORM_KINDS, type PlatformKind } from './chat/message.js';
import type { ChatPlatform } from './chat/platform.js';
import { platformsConfigured, type Env } from './config/env.js';
import { TeamConfigError } from './config/team-config.js';
import type { TeamConfig } from './config/team-config-schema.js';
import type { ReloadResult } from './core/admin/feature.js';
import type { EscalationService } from './core/escalations/service.js';
import type { Features } from './core/feature.js';
import type { Interactions } from './core/interactions.js';
import { systemClock, type Clock } from './core/ports.js';
import { Reach } from './core/reach.js';
import { Settings } from './core/settings.js';
import { addHealthRoutes } from './http/health.js';
import { serveMetrics } from './http/metrics-endpoint.js';
import { mountMetricsApi } from './http/metrics-api.js';
import { HttpServer } from './http/server.js';
import { ensureMaintenanceSchedule } from './jobs/maintenance.js';
import { QueueOutbox } from './jobs/outbox/outbox.js';
import { Queues } from './jobs/queues.js';
import { configStamp, ScheduleEngine, type ConfigStamp } from './jobs/schedules.js';
import { startWorkers, type WorkerOverrides } from './jobs/workers.js';
import type { Logger } from './log.js';
import { createMetrics, type Metrics } from './metrics.js';
import { buildModules } from './modules.js';
import { CONSOLE_TENANT } from './platforms/console/console-platform.js';
import { createConsole } from './platforms/console/index.js';
import { createSlack, type Slack } from './platforms/slack/index.js';
import { createTeams } from './platforms/teams/index.js';
import type { RedisTarget } from './config/redis-target.js';
import { connectRedis, isCluster } from './store/redis.js';
import { RedisRequestLedger } from './store/request-ledger.js';
import { RedisOutage } from './store/redis-outage.js';
import { inspectRedis, judgeRedis } from './store/redis-checks.js';
import { RedisTenantDirectory } from './store/tenants.js';

export type Role = 'web' | 'worker' | 'all';

/** How long a graceful shutdown may take before the process exits anyway (process managers must wait longer). */
export const SHUTDOWN_GRACE_MS = 25_000;

export interface AppOptions {
  env: Env;
  config: TeamConfig;
  redisUrl: string;
  /** A Redis Cluster or Sentinel-managed primary (REDIS_CLUSTER_NODES, REDIS_SENTINELS): used instead of `redisUrl`. */
  redisTarget?: RedisTarget;
  log: Logger;
  role: Role;
  prefix: string;
  port: number;
  clock?: Clock;
  /** Console mode: the REPL reads and writes these (`intro`: lines printed first, e.g. which Redis). */
  console?: { input: Readable; output: Writable; onExit: () => void; intro?: string[] };
  workerSettings?: WorkerOverrides;
  /** Platforms to use besides (or instead of) the configured ones — tests and benches. */
  extraPlatforms?: ChatPlatform[];
  metrics?: Metrics;
  /** Re-reads the team configuration file (for SIGHUP and /shiftlead reload); throws TeamConfigError. */
  loadConfig?: () => Promise<TeamConfig>;
  /** How often records with unqueued effects are reconciled (default every minute). */
  reconcileEveryMs?: number;
}

export interface RunningApp {
  port: number;
  metrics: Metrics;
  queues: Queues;
  redis: RedisClient;
  settings: Settings;
  features: Features;
  interactions: Interactions;
  escalations: EscalationService;
  schedules: ScheduleEngine;
  platforms: Map<PlatformKind, ChatPlatform>;
  reach: Reach;
  /** Puts a new (validated) team configuration in force and replans the schedules. */
  reload(config: TeamConfig): Promise<void>;
  /** Re-reads the configuration file: applied when valid, otherwise nothing changes and the problems are returned. */
  reloadConfig(): Promise<ReloadResult>;
  close(): Promise<void>;
}

export class StartupError extends Error {
  constructor(readonly problems: string[]) {
    super(problems.join('\n'));
    this.name = 'StartupError';
  }
}

interface Closer {
  what: string;
  fn: () => Promise<void>;
  ms: number;
}

function closerList(log: Logger) {
  const steps: Closer[] = [];
  return {
    add: (what: string, fn: () => Promise<void>, ms = 3_000) => void steps.push({ what, fn, ms }),
    /** Runs the steps newest first, each with a deadline, so that a Redis outage cannot hold shutdown forever. */
    run: async () => {
      for (const step of steps.splice(0).reverse()) {
        let timer: NodeJS.Timeout | undefined;
        const deadline = new Promise<'timeout'>((done) => (timer = setTimeout(() => done('timeout'), step.ms)));
        const outcome = await Promise.race([step.fn().then(() => 'ok' as const, (error: unknown) => error), deadline]);
        clearTimeout(timer);
        if (outcome === 'timeout') log.warn(`closing ${step.what} took over ${step.ms} ms; moving on`);
        else if (outcome !== 'ok') log.warn({ err: outcome }, `error while closing ${step.what}`);
      }
    },
  };
}

const quit = (redis: RedisClient) => async () => {
  await redis.quit().catch(() => undefined);
  redis.disconnect();
};

export async function startApp(options: AppOptions): Promise<RunningApp> {
  const { log, prefix } = options;
  const clock = options.clock ?? systemClock;
  const metrics = options.metrics ?? createMetrics({ defaultMetrics: true });
  const closers = closerList(log);

  // One report per Redis outage, however many connections and workers notice it.
  const target: RedisTarget | string = options.redisTarget ?? options.redisUrl;
  const outage = new RedisOutage({ target, log, clock });
  closers.add('outage probe', async () => outage.stop());
  try {
    const redis = await connectRedis(target, 'store', { onError: outage.failed });
    closers.add('Redis', quit(redis), 1_000);
    const verdict = judgeRedis(await inspectRedis(redis), isCluster(redis));
    for (const warning of verdict.warnings) log.warn(warning);
    if (verdict.errors.length > 0) throw new StartupError(verdict.errors);

    const queueRedis = await connectRedis(target, 'queue', { onError: outage.failed });
    closers.add('Redis (queues)', quit(queueRedis), 1_000);
    const queues = new Queues(queueRedis, prefix);
    closers.add('queues', () => queues.close(), 2_000);

    const settings = new Settings(options.config);
    let stamp: ConfigStamp = configStamp(options.config, clock.now().getTime());
    const platforms = new Map<PlatformKind, ChatPlatform>();
    const tenants = new RedisTenantDirectory(redis, prefix, options.console ? { console: CONSOLE_TENANT } : {});
    const seen = (platform: PlatformKind) => (tenant: string) => void tenants.seen(platform, tenant);
    const reach = new Reach({ settings, tenants, platforms: () => PLATFORM_KINDS.filter((k) => platforms.has(k)) });
    // A change of who works a shift replans the reminders in the background: never in the way of an answer.
    const replan = async () => void schedules.reconcile().catch((error: unknown) => log.warn({ err: error }, 'could not replan the schedules; the next periodic pass will'));
    const reloadConfig = async (): Promise<ReloadResult> => {
      if (!options.loadConfig) return { ok: false, problems: ['this process was started without a configuration file to re-read'] };
      let config: TeamConfig;
      try {
        config = await options.loadConfig();
      } catch (error) {
        if (error instanceof TeamConfigError) return { ok: false, problems: error.problems.map((p) => `${error.file}: ${p}`) };
        throw error;
      }
      await reload(config);
      return { ok: true, summary: `${config.people.length} people, ${config.departments.length} departments, ${config.shifts.length} shifts` };
    };
    const pacing = (kind: PlatformKind) => platforms.get(kind)?.pacing;
    const { features, escalations, rules, metrics: metricsModule } = buildModules({ redis, prefix, queues, clock, settings, reach, log, replan, reloadConfig, pacing, env: options.env, metrics, platforms: (kind) => platforms.get(kind) });
    const { interactions } = features;
    interactions.onActor((actor) => seen(actor.platform)(actor.tenant));
    // Each platform request runs once, however often the platform delivers it.
    interactions.useLedger(new RedisRequestLedger(redis, prefix), (error) => {
      if (!outage.failed(error)) log.warn({ err: error }, 'could not check a request for a repeat; ran it anyway');
    });
    // Planning thousands of occurrences is background work: its own connection, without the
    // store's 2 s command timeout (which is there for people waiting on an answer).
    const planRedis = await connectRedis(target, 'worker', { name: 'shiftlead-schedules', onError: outage.failed });
    closers.add('Redis (schedules)', quit(planRedis), 1_000);
    const schedules = new ScheduleEngine({ queues, redis: planRedis, prefix, features, clock, metrics, log, stamp: () => stamp });
    const reload = async (config: TeamConfig) => {
      await settings.replace(config);
      stamp = configStamp(config, clock.now().getTime());
      await schedules.reconcile();
      log.info({ people: config.people.length, shifts: config.shifts.length }, 'team configuration reloaded');
    };

    const terminal = options.console ? createConsole({ redis, prefix, settings, interactions, io: options.console }) : undefined;
    if (terminal) platforms.set('console', terminal.platform);
    const configured = platformsConfigured(options.env);
    let slack: Slack | undefined;
    if (configured.slack) {
      slack = createSlack({ env: options.env, redis, prefix, queues, interactions, escalations, rules, log, onTenant: seen('slack') });
      const problems = await slack.verify();
      if (problems.length > 0) throw new StartupError(problems);
      platforms.set('slack', slack.platform);
    }
    // Teams is always on: with no MicrosoftAppId it runs anonymously, for local tools such as
    // the Microsoft 365 Agents Playground (and says so once).
    const teams = createTeams({ env: options.env, redis, prefix, interactions, log, onTenant: seen('teams') });
    platforms.set('teams', teams.platform);
    for (const platform of options.extraPlatforms ?? []) platforms.set(platform.kind, platform);

    if (options.role !== 'web') {
      const connection = await connectRedis(target, 'worker', { onError: outage.failed });
      closers.add('Redis (workers)', quit(connection), 1_000);
      const workers = startWorkers({
        connection,
        outage,
        prefix,
        metrics,
        log,
        platforms: (kind) => platforms.get(kind),
        queues,
        enqueue: (deliveries) => new QueueOutbox(queues).enqueue(deliveries),
        features,
        schedules,
        events: async (payload) => {
          if (payload.platform === 'slack' && slack) return slack.processEvent(payload.tenant, payload.kind, payload.body);
          throw new UnrecoverableError(`no ${payload.platform} platform configured for a ${payload.kind} event`);
        },
        ...(options.workerSettings ? { settings: options.workerSettings } : {}),
      });
      // Stop taking work and let in-flight jobs finish; past the deadline they are left to
      // BullMQ's stalled-job recovery (another worker delivers them, once, by key).
      closers.add('workers', async () => void (await Promise.all(workers.map((w) => w.close(connection.status !== 'ready')))), 15_000);
      // Workers first, then the schedules: an overdue occurrence is picked up before any replanning.
      await ensureMaintenanceSchedule(queues, options.reconcileEveryMs);
      await schedules.reconcile();
    }

    const http = new HttpServer(log, metrics);
    addHealthRoutes(http, { redis, prefix });
    closers.add('metrics port', await serveMetrics({ http, env: options.env, queues, metrics, log }));
    if (options.role !== 'worker') {
      if (slack) {
        await slack.startWeb(http);
        closers.add('Slack', () => slack.stop());
      }
      teams.startWeb(http);
      mountMetricsApi(http, { tokens: options.env.SHIFTLEAD_API_TOKENS ?? [], ingest: metricsModule.ingest, log });
    }
    const port = await http.listen(options.port);
    closers.add('HTTP server', () => http.close());
    log.info({ port, role: options.role, platforms: [...platforms.keys()] }, 'Shiftlead is running');

    if (terminal) closers.add('console', terminal.start());

    return { port, metrics, queues, redis, settings, features, interactions, escalations, schedules, platforms, reach, reload, reloadConfig, close: closers.run };
  } catch (error) {
    await closers.run();
    throw error;
  }
}

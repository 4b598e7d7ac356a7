/**
 * Builds a running Shiftlead from validated settings: Redis, queues, the features, workers,
 * platforms, the HTTP server and, in console mode, the REPL. `main.ts` calls it for real; tests
 * call it in-process.
 */
import type { Readable, Writable } from 'node:stream';
import { UnrecoverableError, type Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import type { ChatPlatform } from './chat/platform.js';
import { platformsConfigured, type Env } from './config/env.js';
import type { TeamConfig } from './config/team-config-schema.js';
import { registerEscalations } from './core/escalations/feature.js';
import { SLA_TIMER } from './core/escalations/effects.js';
import { EscalationRules } from './core/escalations/rules.js';
import { EscalationService } from './core/escalations/service.js';
import { Interactions } from './core/interactions.js';
import { systemClock, type Clock } from './core/ports.js';
import { Roster } from './core/roster.js';
import { addHealthRoutes } from './http/health.js';
import { HttpServer } from './http/server.js';
import { ensureMaintenanceSchedule } from './jobs/maintenance.js';
import { createOutboxProcessor } from './jobs/outbox/process.js';
import { QueueOutbox } from './jobs/outbox/outbox.js';
import { Pacer } from './jobs/outbox/pacer.js';
import { Queues } from './jobs/queues.js';
import { QueueTimers } from './jobs/timers.js';
import { startWorker, type WorkerSettings } from './jobs/worker.js';
import type { Logger } from './log.js';
import { createMetrics, type Metrics } from './metrics.js';
import { ConsolePlatform } from './platforms/console/console-platform.js';
import { ConsoleRepl } from './platforms/console/repl.js';
import { createSlack, type Slack } from './platforms/slack/index.js';
import { createTeams } from './platforms/teams/index.js';
import { RedisAuditLog } from './store/audit.js';
import { DeliveryLog } from './store/deliveries.js';
import { RedisDrafts } from './store/drafts.js';
import { RedisEscalationStore } from './store/escalations.js';
import { connectRedis } from './store/redis.js';
import { inspectRedis, judgeRedis } from './store/redis-checks.js';

export type Role = 'web' | 'worker' | 'all';

export interface AppOptions {
  env: Env;
  config: TeamConfig;
  redisUrl: string;
  log: Logger;
  role: Role;
  prefix: string;
  port: number;
  clock?: Clock;
  /** Console mode: the REPL reads and writes these. */
  console?: { input: Readable; output: Writable; onExit: () => void };
  workerSettings?: Partial<Record<'outbox' | 'timers' | 'events' | 'maintenance', Partial<WorkerSettings>>>;
  /** Platforms to use besides (or instead of) the configured ones — tests and benches. */
  extraPlatforms?: ChatPlatform[];
  metrics?: Metrics;
  /** How often records with unqueued effects are reconciled (default every minute). */
  reconcileEveryMs?: number;
}

export interface RunningApp {
  port: number;
  metrics: Metrics;
  queues: Queues;
  redis: Redis;
  interactions: Interactions;
  escalations: EscalationService;
  platforms: Map<string, ChatPlatform>;
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

const quit = (redis: Redis) => async () => {
  await redis.quit().catch(() => undefined);
  redis.disconnect();
};

export async function startApp(options: AppOptions): Promise<RunningApp> {
  const { log, prefix } = options;
  const clock = options.clock ?? systemClock;
  const metrics = options.metrics ?? createMetrics({ defaultMetrics: true });
  const closers = closerList(log);

  try {
    const redis = await connectRedis(options.redisUrl, 'store');
    closers.add('Redis', quit(redis), 1_000);
    const verdict = judgeRedis(await inspectRedis(redis));
    for (const warning of verdict.warnings) log.warn(warning);
    if (verdict.errors.length > 0) throw new StartupError(verdict.errors);

    const queueRedis = await connectRedis(options.redisUrl, 'queue');
    closers.add('Redis (queues)', quit(queueRedis), 1_000);
    const queues = new Queues(queueRedis, prefix);
    closers.add('queues', () => queues.close(), 2_000);

    const roster = new Roster(options.config.people);
    const rules = new EscalationRules(options.config, roster);
    const escalations = new EscalationService({
      store: new RedisEscalationStore(redis, prefix),
      outbox: new QueueOutbox(queues),
      timers: new QueueTimers(queues, clock),
      drafts: new RedisDrafts(redis, prefix),
      links: new DeliveryLog(redis, prefix),
      clock,
      rules,
      onEffectsFailed: (error, e) => log.warn({ err: error, id: e.id, tenant: e.tenant }, 'could not queue the effects of a change; the reconciler will retry'),
    });
    const interactions = new Interactions();
    registerEscalations(interactions, escalations);

    const platforms = new Map<string, ChatPlatform>();
    let repl: ConsoleRepl | undefined;
    if (options.console) {
      const name = (user: string) => roster.byId(user)?.name ?? user;
      platforms.set('console', new ConsolePlatform({ print: (lines) => repl?.write(lines) }, name));
    }
    const configured = platformsConfigured(options.env);
    let slack: Slack | undefined;
    if (configured.slack) {
      slack = createSlack({ env: options.env, redis, prefix, queues, interactions, escalations, rules, log });
      platforms.set('slack', slack.platform);
    }
    // Teams is always on: with no MicrosoftAppId it runs anonymously, for local tools such as
    // the Microsoft 365 Agents Playground (and says so once).
    const teams = createTeams({ env: options.env, redis, prefix, interactions, log });
    platforms.set('teams', teams.platform);
    for (const platform of options.extraPlatforms ?? []) platforms.set(platform.kind, platform);

    if (options.role !== 'web') {
      const workerRedis = await connectRedis(options.redisUrl, 'worker');
      closers.add('Redis (workers)', quit(workerRedis), 1_000);
      const deps = { connection: workerRedis, prefix, metrics, log };
      const workers: Worker[] = [
        startWorker(
          'outbox',
          createOutboxProcessor({
            platforms: (kind) => platforms.get(kind),
            deliveries: new DeliveryLog(workerRedis, prefix),
            pacer: new Pacer(workerRedis),
            audit: new RedisAuditLog(workerRedis, prefix),
            metrics,
            log,
            prefix,
          }),
          { ...deps, settings: { concurrency: 16, ...options.workerSettings?.outbox } },
        ),
        startWorker(
          'timers',
          async (payload) => {
            if (payload.kind !== SLA_TIMER) throw new UnrecoverableError(`unknown timer kind "${payload.kind}"`);
            const { id, clock: which, cycle, miss } = payload;
            if (typeof id !== 'string' || (which !== 'acknowledge' && which !== 'resolve') || typeof cycle !== 'number' || typeof miss !== 'number') {
              throw new UnrecoverableError('malformed SLA timer');
            }
            await escalations.deadlinePassed(payload.tenant, id, which, cycle, miss);
          },
          { ...deps, settings: { ...options.workerSettings?.timers } },
        ),
        startWorker(
          'events',
          async (payload) => {
            if (payload.platform === 'slack' && slack) return slack.processEvent(payload.tenant, payload.kind, payload.body);
            throw new UnrecoverableError(`no ${payload.platform} platform configured for a ${payload.kind} event`);
          },
          { ...deps, settings: { ...options.workerSettings?.events } },
        ),
        startWorker(
          'maintenance',
          async () => {
            const store = new RedisEscalationStore(workerRedis, prefix);
            for (const tenant of await store.tenants()) {
              const count = await escalations.reconcile(tenant);
              if (count > 0) log.info({ tenant, count }, 're-queued the effects of changed escalations');
            }
          },
          { ...deps, settings: { concurrency: 1, ...options.workerSettings?.maintenance } },
        ),
      ];
      // Stop taking work and let in-flight jobs finish; past the deadline they are left to
      // BullMQ's stalled-job recovery (another worker delivers them, once, by key).
      closers.add('workers', async () => void (await Promise.all(workers.map((w) => w.close(workerRedis.status !== 'ready')))), 15_000);
      // Workers first, then the schedule: an overdue run is picked up before any re-upsert.
      await ensureMaintenanceSchedule(queues, options.reconcileEveryMs);
    }

    const http = new HttpServer(log, metrics);
    addHealthRoutes(http, { redis, queues, metrics });
    if (options.role !== 'worker') {
      if (slack) {
        await slack.startWeb(http);
        closers.add('Slack', () => slack.stop());
      }
      teams.startWeb(http);
    }
    const port = await http.listen(options.port);
    closers.add('HTTP server', () => http.close());
    log.info({ port, role: options.role, platforms: [...platforms.keys()] }, 'Shiftlead is running');

    if (options.console) {
      const platform = platforms.get('console') as ConsolePlatform;
      repl = new ConsoleRepl({ ...options.console, interactions, people: options.config.people, platform });
      closers.add('console', async () => repl?.close());
      repl.start();
    }

    return { port, metrics, queues, redis, interactions, escalations, platforms, close: closers.run };
  } catch (error) {
    await closers.run();
    throw error;
  }
}

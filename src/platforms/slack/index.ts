/** Slack, assembled: tokens, the platform (for the outbox), the Bolt app and HTTP routes, event processing. */
import type { RedisClient } from '../../store/redis.js';
import type { Env } from '../../config/env.js';
import type { EscalationRules } from '../../core/escalations/rules.js';
import type { EscalationService } from '../../core/escalations/service.js';
import type { Interactions } from '../../core/interactions.js';
import type { HttpServer } from '../../http/server.js';
import type { Queues } from '../../jobs/queues.js';
import type { Logger } from '../../log.js';
import { createSlackApp } from './bolt-app.js';
import { createSlackEventProcessor, SlackEventIntake } from './events.js';
import { addSlackOAuthRoutes, mountSlack } from './http.js';
import { RedisInstallationStore } from './installation-store.js';
import { SlackPlatform } from './slack-platform.js';
import { InstallationTokens, SingleWorkspaceTokens, type SlackTokens } from './tokens.js';
import { DEFAULT_SLACK_API_URL, SlackClients } from './web.js';

/** How long start-up waits for Slack to say whether the bot token is good. */
const TOKEN_CHECK_MS = 5_000;

export interface SlackDeps {
  env: Env;
  redis: RedisClient;
  prefix: string;
  queues: Queues;
  interactions: Interactions;
  escalations: EscalationService;
  /** The escalation rules in force (rebuilt after a reload). */
  rules: () => EscalationRules;
  log: Logger;
  /** Told the workspace of a single configured token. */
  onTenant?: (tenant: string) => void;
}

export interface Slack {
  platform: SlackPlatform;
  processEvent: ReturnType<typeof createSlackEventProcessor>;
  /** Checks the configured bot token with Slack; the problems that must stop start-up. */
  verify(): Promise<string[]>;
  /** Serves Slack on the HTTP server (HTTP mode) or connects Socket Mode. */
  startWeb(http: HttpServer): Promise<void>;
  stop(): Promise<void>;
}

export function createSlack(deps: SlackDeps): Slack {
  const { env, log } = deps;
  const clients = new SlackClients(env.SLACK_API_URL ?? DEFAULT_SLACK_API_URL, log);
  const installs = new RedisInstallationStore(deps.redis, deps.prefix);
  const tokens: SlackTokens =
    env.SLACK_CLIENT_ID && env.SLACK_CLIENT_SECRET
      ? new InstallationTokens(installs, deps.redis, deps.prefix, clients, { clientId: env.SLACK_CLIENT_ID, clientSecret: env.SLACK_CLIENT_SECRET })
      : new SingleWorkspaceTokens(env.SLACK_BOT_TOKEN ?? '', clients, deps.onTenant);
  if (tokens instanceof SingleWorkspaceTokens) tokens.identify();
  const platform = new SlackPlatform(tokens, clients);
  const events = new SlackEventIntake(deps.queues);
  let stopWeb: (() => Promise<void>) | undefined;

  return {
    platform,
    processEvent: createSlackEventProcessor({ platform, escalations: deps.escalations, rules: deps.rules, interactions: deps.interactions, log }),
    async verify() {
      if (!(tokens instanceof SingleWorkspaceTokens)) return [];
      const problem = await tokens.verify(TOKEN_CHECK_MS, (why) => log.warn(`could not check SLACK_BOT_TOKEN with Slack (${why}); starting anyway, it is checked again on first use`));
      return problem ? [problem] : [];
    },
    async startWeb(http) {
      const { app, receiver } = createSlackApp({ env, platform, interactions: deps.interactions, events, log });
      addSlackOAuthRoutes(http, { env, store: installs, log });
      if (receiver) {
        mountSlack(http, { env, receiver, events, log });
      } else {
        await app.start();
        stopWeb = () => app.stop().then(() => undefined);
        log.info('Slack Socket Mode connected');
      }
    },
    async stop() {
      await stopWeb?.();
    },
  };
}

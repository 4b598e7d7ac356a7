/**
 * Teams, assembled. botbuilder (archived upstream, support ended 2025-12-31) stays inside this
 * folder, pinned, behind the ChatPlatform port: a move to the Teams SDK or the Microsoft 365 Agents
 * SDK replaces these files only.
 */
import { CloudAdapter, ConfigurationBotFrameworkAuthentication } from 'botbuilder';
import type { RedisClient } from '../../store/redis.js';
import type { Env } from '../../config/env.js';
import type { Interactions } from '../../core/interactions.js';
import { mountDownloads } from '../../http/downloads.js';
import type { HttpServer } from '../../http/server.js';
import type { Logger } from '../../log.js';
import { RedisExportStore } from '../../store/exports.js';
import { ShiftleadTeamsBot } from './bot.js';
import { mountTeams } from './http.js';
import { TeamsReferences } from './references.js';
import { TeamsPlatform } from './teams-platform.js';

export interface Teams {
  platform: TeamsPlatform;
  startWeb(http: HttpServer): void;
}

export function createTeams(deps: { env: Env; redis: RedisClient; prefix: string; interactions: Interactions; log: Logger; onTenant?: (tenant: string) => void }): Teams {
  const { env, log } = deps;
  const appId = env.MicrosoftAppId ?? '';
  const auth = new ConfigurationBotFrameworkAuthentication({
    MicrosoftAppId: appId,
    MicrosoftAppPassword: env.MicrosoftAppPassword ?? '',
    MicrosoftAppType: env.MicrosoftAppType ?? 'MultiTenant',
    MicrosoftAppTenantId: env.MicrosoftAppTenantId ?? '',
  });
  const adapter = new CloudAdapter(auth);
  adapter.onTurnError = async (_ctx, error) => {
    // Log only: an error must never turn into "the bot encountered an error" posted in a channel.
    log.error({ err: error }, 'Teams turn failed');
    throw error;
  };
  const references = new TeamsReferences(deps.redis, deps.prefix);
  const exports = new RedisExportStore(deps.redis, deps.prefix);
  const platform = new TeamsPlatform(adapter, appId, references, { store: exports, publicUrl: env.PUBLIC_URL });
  return {
    platform,
    startWeb(http) {
      if (!appId) log.warn('MicrosoftAppId is empty: /api/messages accepts unauthenticated requests from local tools only (a loopback serviceUrl, e.g. the Microsoft 365 Agents Playground)');
      mountTeams(http, { adapter, bot: new ShiftleadTeamsBot({ interactions: deps.interactions, references, exports, log, privately: (tenant, user, message) => platform.dm(tenant, user, message), ...(deps.onTenant ? { onTenant: deps.onTenant } : {}) }), log, anonymous: !appId });
      // Export downloads: the signed links Teams users get when PUBLIC_URL is set.
      if (env.PUBLIC_URL) mountDownloads(http, exports);
    },
  };
}

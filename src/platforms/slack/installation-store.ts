/**
 * Slack installations in Redis, for distribution to many workspaces. Keyed by tenant: the org for
 * org-wide (Enterprise Grid) installs, the workspace otherwise.
 */
import type { Installation, InstallationQuery, InstallationStore } from '@slack/oauth';
import type { RedisClient } from '../../store/redis.js';
import { globalKeys } from '../../store/keys.js';
import { slackTenant } from './tenant.js';

export function installationTenant(installation: Installation): string {
  return slackTenant({ teamId: installation.team?.id, enterpriseId: installation.enterprise?.id, isEnterpriseInstall: installation.isEnterpriseInstall === true });
}

export function queryTenant(query: InstallationQuery<boolean>): string {
  return slackTenant({ teamId: query.teamId, enterpriseId: query.enterpriseId, isEnterpriseInstall: query.isEnterpriseInstall });
}

export class RedisInstallationStore implements InstallationStore {
  private readonly key: string;

  constructor(
    private readonly redis: RedisClient,
    prefix: string,
  ) {
    this.key = globalKeys(prefix).slackInstalls;
  }

  async storeInstallation(installation: Installation): Promise<void> {
    // Bolt's token rotation needs v2 with top-level bot/user objects (reference/slack.md §8).
    const stored = { ...installation, authVersion: installation.authVersion ?? 'v2' };
    await this.redis.hset(this.key, installationTenant(installation), JSON.stringify(stored));
  }

  async fetchInstallation(query: InstallationQuery<boolean>): Promise<Installation<'v1' | 'v2', boolean>> {
    const tenant = queryTenant(query);
    const found = await this.byTenant(tenant);
    if (!found) throw new Error(`Shiftlead is not installed in ${tenant}`);
    return found;
  }

  async deleteInstallation(query: InstallationQuery<boolean>): Promise<void> {
    await this.forget(queryTenant(query));
  }

  async byTenant(tenant: string): Promise<Installation | undefined> {
    const json = await this.redis.hget(this.key, tenant);
    return json ? (JSON.parse(json) as Installation) : undefined;
  }

  async forget(tenant: string): Promise<void> {
    await this.redis.hdel(this.key, tenant);
  }
}

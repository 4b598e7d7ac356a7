/**
 * Bot tokens per tenant: one configured token (single workspace), or installations (OAuth), with
 * token rotation guarded by a Redis lock so that two replicas never spend one refresh token.
 */
import { randomUUID } from 'node:crypto';
import type { Installation } from '@slack/oauth';
import type { RedisClient } from '../../store/redis.js';
import { UnauthorizedError } from '../../chat/errors.js';
import { globalKeys } from '../../store/keys.js';
import type { RedisInstallationStore } from './installation-store.js';
import { slackTenant } from './tenant.js';
import { slackErrorCode, type SlackClients } from './web.js';

export interface SlackAuth {
  botToken: string;
  botId?: string;
  botUserId?: string;
}

export interface SlackTokens {
  /** The bot token (and ids) for a tenant; throws `UnauthorizedError` when there is none. */
  forTenant(tenant: string): Promise<SlackAuth>;
  /** Forgets a tenant's tokens (uninstalled, revoked). */
  forget(tenant: string): Promise<void>;
}

/** How long a request waits for the bot's ids before going on with the token alone. */
const IDENTITY_WAIT_MS = 1_000;

/** One workspace, one configured token. */
export class SingleWorkspaceTokens implements SlackTokens {
  private identity: Promise<SlackAuth> | undefined;
  /** The token and ids once auth.test has answered. */
  private known: SlackAuth | undefined;
  /** Why the last auth.test failed, until it is asked again. */
  private failure: unknown;

  constructor(
    private readonly token: string,
    private readonly clients: SlackClients,
    /** Told the token's workspace (its tenant) once auth.test has answered. */
    private readonly onIdentified: (tenant: string) => void = () => undefined,
  ) {}

  /** Asks auth.test now (at start) rather than on the first request. */
  identify(): void {
    this.identity ??= this.lookup();
  }

  /**
   * The token, with the bot's own ids (Bolt uses them to ignore the bot's own events) from
   * auth.test, asked once. A request never waits long on that call nor fails because of it: the
   * token alone is enough to answer within Slack's 3 s; a failed lookup is tried again a minute later.
   */
  async forTenant(): Promise<SlackAuth> {
    if (this.known) return this.known;
    this.identity ??= this.lookup();
    const tokenOnly = new Promise<SlackAuth>((done) => setTimeout(() => done({ botToken: this.token }), IDENTITY_WAIT_MS).unref());
    return Promise.race([this.identity, tokenOnly]);
  }

  /**
   * Checks the token at start: a problem line when Slack refuses it (revoked, mistyped, from
   * another app); nothing when it is good or Slack could not be asked in `waitMs` (`unreachable`
   * is then told why, and start goes on: the token is checked again on use).
   */
  async verify(waitMs: number, unreachable: (why: string) => void): Promise<string | undefined> {
    this.identity ??= this.lookup();
    const timeout = new Promise<'timeout'>((done) => setTimeout(() => done('timeout'), waitMs).unref());
    if ((await Promise.race([this.identity, timeout])) === 'timeout') {
      unreachable(`Slack did not answer auth.test within ${waitMs / 1000} s`);
      return undefined;
    }
    if (this.known) return undefined;
    if (this.failure instanceof UnauthorizedError) {
      const code = slackErrorCode(this.failure.cause) ?? this.failure.message;
      return `SLACK_BOT_TOKEN: Slack refused it (${code}): copy the Bot User OAuth Token (xoxb-…) from your app's OAuth & Permissions page again`;
    }
    unreachable(this.failure instanceof Error ? this.failure.message : String(this.failure));
    return undefined;
  }

  private lookup(): Promise<SlackAuth> {
    return this.clients.call<{ bot_id?: string; user_id?: string; team_id?: string; enterprise_id?: string; is_enterprise_install?: boolean }>(this.token, 'auth.test', {}).then(
      (r) => {
        try {
          this.onIdentified(slackTenant({ teamId: r.team_id, enterpriseId: r.enterprise_id, isEnterpriseInstall: r.is_enterprise_install }));
        } catch {
          // No team id in the answer: the tenant is learned from the first request instead.
        }
        this.failure = undefined;
        return (this.known = { botToken: this.token, ...(r.bot_id ? { botId: r.bot_id } : {}), ...(r.user_id ? { botUserId: r.user_id } : {}) });
      },
      (error: unknown) => {
        this.failure = error;
        setTimeout(() => (this.identity = undefined), 60_000).unref();
        return { botToken: this.token };
      },
    );
  }

  async forget(): Promise<void> {}
}

/** Refresh this long before expiry (Bolt's InstallProvider uses the same 2 h window). */
const REFRESH_WINDOW_MS = 2 * 3600_000;
const LOCK_MS = 30_000;

const RELEASE = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`;

export class InstallationTokens implements SlackTokens {
  constructor(
    private readonly store: RedisInstallationStore,
    private readonly redis: RedisClient,
    private readonly prefix: string,
    private readonly clients: SlackClients,
    private readonly app: { clientId: string; clientSecret: string },
    private readonly now: () => number = Date.now,
  ) {}

  private auth(installation: Installation): SlackAuth {
    const bot = installation.bot;
    if (!bot?.token) throw new UnauthorizedError('the installation has no bot token');
    return { botToken: bot.token, botId: bot.id, botUserId: bot.userId };
  }

  private expiring(installation: Installation): boolean {
    const expiresAt = installation.bot?.expiresAt;
    return expiresAt !== undefined && installation.bot?.refreshToken !== undefined && expiresAt * 1000 - this.now() < REFRESH_WINDOW_MS;
  }

  private expired(installation: Installation): boolean {
    const expiresAt = installation.bot?.expiresAt;
    return expiresAt !== undefined && expiresAt * 1000 <= this.now();
  }

  async forTenant(tenant: string): Promise<SlackAuth> {
    const installation = await this.store.byTenant(tenant);
    if (!installation) throw new UnauthorizedError(`Shiftlead is not installed in ${tenant}`);
    if (!this.expiring(installation)) return this.auth(installation);
    return this.auth(await this.rotate(tenant, installation));
  }

  /** Refreshes the bot token under a lock; another replica holding it means: wait and re-read. */
  private async rotate(tenant: string, current: Installation): Promise<Installation> {
    const lock = globalKeys(this.prefix).slackLock(tenant);
    const owner = randomUUID();
    for (let waited = 0; waited < LOCK_MS; waited += 200) {
      if ((await this.redis.set(lock, owner, 'PX', LOCK_MS, 'NX')) === 'OK') {
        try {
          // Someone may have refreshed it between our read and the lock.
          const fresh = (await this.store.byTenant(tenant)) ?? current;
          if (!this.expiring(fresh)) return fresh;
          return await this.refresh(fresh);
        } finally {
          await this.redis.eval(RELEASE, 1, lock, owner);
        }
      }
      // The other replica is refreshing: a token that has not expired yet is still good to use.
      if (!this.expired(current)) return current;
      await new Promise((r) => setTimeout(r, 200));
      const fresh = await this.store.byTenant(tenant);
      if (fresh && !this.expiring(fresh)) return fresh;
    }
    throw new UnauthorizedError(`could not refresh the Slack token of ${tenant}`);
  }

  private async refresh(installation: Installation): Promise<Installation> {
    const bot = installation.bot;
    if (!bot?.refreshToken) return installation;
    const result = await this.clients.call<{ access_token?: string; refresh_token?: string; expires_in?: number }>(undefined, 'oauth.v2.access', {
      client_id: this.app.clientId,
      client_secret: this.app.clientSecret,
      grant_type: 'refresh_token',
      refresh_token: bot.refreshToken,
    });
    if (!result.access_token) throw new UnauthorizedError('oauth.v2.access returned no token');
    const updated: Installation = {
      ...installation,
      bot: {
        ...bot,
        token: result.access_token,
        ...(result.refresh_token ? { refreshToken: result.refresh_token } : {}),
        ...(result.expires_in ? { expiresAt: Math.floor(this.now() / 1000) + result.expires_in } : {}),
      },
    };
    await this.store.storeInstallation(updated);
    return updated;
  }

  async forget(tenant: string): Promise<void> {
    await this.store.forget(tenant);
  }
}

/**
 * The tenants the organization uses, as seen: every interaction, Teams activity and the Slack
 * token's own workspace report theirs, and the newest seen per platform is the organization's.
 */
import type { RedisClient } from './redis.js';
import type { PlatformKind } from '../chat/message.js';
import type { TenantDirectory } from '../core/reach.js';
import { globalKeys } from './keys.js';

/** Reporting the same tenant again within this long costs no Redis call. */
const REMEMBER_MS = 10 * 60_000;
/** How long the organization's tenant on a platform is taken as known without asking Redis. */
const KNOWN_MS = 5_000;

export class RedisTenantDirectory implements TenantDirectory {
  private readonly recent = new Map<string, number>();
  private readonly known = new Map<PlatformKind, { at: number; tenant: string }>();

  constructor(
    private readonly redis: RedisClient,
    private readonly prefix: string,
    /** Tenants fixed by the process (the console's). */
    private readonly fixed: Partial<Record<PlatformKind, string>> = {},
    private readonly now: () => number = Date.now,
  ) {}

  /** Records that a tenant was seen on a platform (best effort: a failure never stops the caller). */
  async seen(platform: PlatformKind, tenant: string): Promise<void> {
    const key = `${platform}:${tenant}`;
    const at = this.now();
    if (at - (this.recent.get(key) ?? 0) < REMEMBER_MS) return;
    this.recent.set(key, at);
    this.known.delete(platform);
    await this.redis.zadd(globalKeys(this.prefix).seenTenants(platform), at, tenant).catch(() => this.recent.delete(key));
  }

  async tenant(platform: PlatformKind): Promise<string | undefined> {
    const fixed = this.fixed[platform];
    if (fixed) return fixed;
    // Asked for every scheduled DM: a burst of reminders reads Redis once every few seconds.
    const cached = this.known.get(platform);
    if (cached && this.now() - cached.at < KNOWN_MS) return cached.tenant;
    const [newest] = await this.redis.zrevrange(globalKeys(this.prefix).seenTenants(platform), 0, 0);
    if (newest) this.known.set(platform, { at: this.now(), tenant: newest });
    return newest;
  }
}

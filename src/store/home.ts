/** Who has a Home page (Slack App Home), and the fingerprint of the page they were last shown. */
import type { RedisClient } from './redis.js';
import type { HomeViewers } from '../core/metrics/home.js';
import { metricsKeys } from './keys.js';

export class RedisHomeViewers implements HomeViewers {
  private readonly key: string;

  constructor(
    private readonly redis: RedisClient,
    prefix: string,
  ) {
    this.key = metricsKeys(prefix).homeViewers;
  }

  async last(viewer: string): Promise<string | undefined> {
    return (await this.redis.hget(this.key, viewer)) ?? undefined;
  }

  async remember(viewer: string, fingerprint: string): Promise<void> {
    await this.redis.hset(this.key, viewer, fingerprint);
  }

  async all(): Promise<string[]> {
    return this.redis.hkeys(this.key);
  }
}

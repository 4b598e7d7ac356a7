/**
 * Which platform requests ran (src/core/interactions.ts `RequestLedger`): one short-lived key per
 * request identity, taken with SET NX. Slack retries a slash command within seconds and may deliver
 * an interaction twice; Teams re-sends an activity it got no answer for. Fifteen minutes covers
 * every retry either platform makes.
 */
import { createHash } from 'node:crypto';
import type { RedisClient } from './redis.js';
import type { RequestLedger } from '../core/interactions.js';
import { tenantKeys } from './keys.js';

export const REQUEST_TTL_SECONDS = 15 * 60;

/** Request identities come from the platform: long ones are hashed, so a key stays short. */
function name(request: string): string {
  return request.length <= 120 && /^[\w.:-]+$/.test(request) ? request : createHash('sha256').update(request).digest('base64url');
}

export class RedisRequestLedger implements RequestLedger {
  constructor(
    private readonly redis: RedisClient,
    private readonly prefix: string,
  ) {}

  async claim(tenant: string, request: string): Promise<boolean> {
    return (await this.redis.set(tenantKeys(this.prefix, tenant).request(name(request)), '1', 'EX', REQUEST_TTL_SECONDS, 'NX')) === 'OK';
  }

  async release(tenant: string, request: string): Promise<void> {
    await this.redis.del(tenantKeys(this.prefix, tenant).request(name(request)));
  }
}

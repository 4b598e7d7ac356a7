/**
 * What the briefing feature needs to see of the outbox's permanent failures (read only, by key
 * pattern), and the once-per-channel markers of the notices it sent about them.
 */
import type { RedisClient } from './redis.js';
import type { BriefingNotices } from '../core/metrics/briefings.js';
import { metricsKeys, tenantKeys } from './keys.js';
import { Script } from './script.js';

const CLAIM = new Script(`
-- KEYS[1] the markers hash  ARGV[1] marker  ARGV[2] now (ms)  ARGV[3] ttl (ms)
local at = tonumber(redis.call('HGET', KEYS[1], ARGV[1]) or '0')
if at > 0 and tonumber(ARGV[2]) - at < tonumber(ARGV[3]) then return 0 end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
return 1
`);

export class RedisBriefingNotices implements BriefingNotices {
  constructor(
    private readonly redis: RedisClient,
    private readonly prefix: string,
    private readonly now: () => number = Date.now,
  ) {}

  async failures(tenant: string): Promise<Array<{ key: string; code: string; message: string }>> {
    const out: Array<{ key: string; code: string; message: string }> = [];
    let cursor = '0';
    do {
      const [next, flat] = await this.redis.hscan(tenantKeys(this.prefix, tenant).outFailed, cursor, 'MATCH', 'brf-*', 'COUNT', 500);
      cursor = next;
      for (let i = 1; i < flat.length; i += 2) {
        const f = JSON.parse(flat[i] as string) as { key: string; code: string; message: string };
        out.push({ key: f.key, code: f.code, message: f.message });
      }
    } while (cursor !== '0');
    return out;
  }

  async claim(marker: string, ttlMs: number): Promise<boolean> {
    return (await CLAIM.run(this.redis, [metricsKeys(this.prefix).undeliverable], [marker, this.now(), ttlMs])) === 1;
  }
}

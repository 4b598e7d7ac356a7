/**
 * Outbox pacing with Redis token buckets, so the platforms' per-conversation and per-tenant
 * limits hold across every worker process. Time is Redis's own clock, not the workers'.
 */
import type { Redis } from 'ioredis';
import type { Bucket } from '../../chat/platform.js';
import { Script } from '../../store/script.js';

// KEYS: one hash per scope (the conversation, the tenant); each holds its buckets as fields
//   t<j> (tokens) and u<j> (last refill, ms), plus `blocked` (no sends before, ms).
// ARGV[1]: block for this many ms (a 429), or 0 to take one token from every bucket
// ARGV[2..]: for each key: n, then n × (capacity, tokens per second)
// Returns 0 when the tokens were taken, otherwise the ms to wait (nothing is taken then).
const TAKE_OR_BLOCK = new Script(`
local clock = redis.call('TIME')
local now = tonumber(clock[1]) * 1000 + math.floor(tonumber(clock[2]) / 1000)
local block = tonumber(ARGV[1])
local wait = 0
local plans = {}
local a = 2
for i, key in ipairs(KEYS) do
  local n = tonumber(ARGV[a]); a = a + 1
  local blocked = tonumber(redis.call('HGET', key, 'blocked') or '0')
  local plan = { ttl = block, tokens = {} }
  if block > 0 then
    if now + block > blocked then redis.call('HSET', key, 'blocked', now + block) end
  elseif blocked > now then
    wait = math.max(wait, blocked - now)
  end
  for j = 1, n do
    local capacity = tonumber(ARGV[a]); local rate = tonumber(ARGV[a + 1]) / 1000; a = a + 2
    local tokens = tonumber(redis.call('HGET', key, 't' .. j) or capacity)
    local updated = tonumber(redis.call('HGET', key, 'u' .. j) or now)
    tokens = math.min(capacity, tokens + math.max(0, now - updated) * rate)
    if tokens < 1 then wait = math.max(wait, math.ceil((1 - tokens) / rate)) end
    plan.tokens[j] = tokens
    plan.ttl = math.max(plan.ttl, math.ceil(capacity / rate))
  end
  plans[i] = plan
end
if block == 0 and wait == 0 then
  for i, key in ipairs(KEYS) do
    for j, tokens in ipairs(plans[i].tokens) do
      redis.call('HSET', key, 't' .. j, tostring(tokens - 1), 'u' .. j, now)
    end
  end
end
for i, key in ipairs(KEYS) do
  redis.call('PEXPIRE', key, plans[i].ttl + 60000)
end
if block > 0 then return 0 end
return wait
`);

export interface PaceScope {
  key: string;
  buckets: Bucket[];
}

export class Pacer {
  constructor(private readonly redis: Redis) {}

  private run(scopes: PaceScope[], blockMs: number): Promise<number> {
    const args: Array<string | number> = [Math.max(0, Math.ceil(blockMs))];
    for (const scope of scopes) {
      args.push(scope.buckets.length);
      for (const b of scope.buckets) args.push(b.capacity, b.perSecond);
    }
    return TAKE_OR_BLOCK.run(this.redis, scopes.map((s) => s.key), args) as Promise<number>;
  }

  /** Takes a token from every bucket of every scope; returns 0, or the ms to wait (nothing taken). */
  async take(scopes: PaceScope[]): Promise<number> {
    if (scopes.every((s) => s.buckets.length === 0)) return 0;
    return Number(await this.run(scopes, 0));
  }

  /** Stops all sends in these scopes for `ms` (the platform's Retry-After). */
  async block(scopes: PaceScope[], ms: number): Promise<void> {
    if (ms > 0) await this.run(scopes, ms);
  }
}

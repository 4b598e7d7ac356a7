/**
 * Polls in Redis, behind the core's `PollStore` port. A vote is one Lua script over the poll's
 * small hashes (per-person vote, counts): it never rewrites a poll record, so concurrent votes
 * neither conflict nor slow down as the poll grows. Anonymous polls key votes by an HMAC of the
 * voter under a per-poll salt; closing deletes the salt and the votes, leaving only the counts.
 */
import { createHmac, randomBytes } from 'node:crypto';
import type { RedisClient } from './redis.js';
import { Participant, type ParticipantT } from '../core/escalations/model.js';
import { Poll, type NewPoll, type PollState, type PollStore, type VoteOutcome } from '../core/polls/poll-model.js';
import { globalKeys, tenantKeys } from './keys.js';
import { Script } from './script.js';

const VOTE = new Script(`
-- KEYS[1] poll hash  KEYS[2] votes  KEYS[3] counts
-- ARGV[1] voter key  ARGV[2] option (1-based)  ARGV[3] now (ms)  ARGV[4] refresh window
-- Returns {result, previous option or '', 1 when this is the window's first vote}.
local meta = redis.call('HMGET', KEYS[1], 'status', 'closesAt', 'options', 'refreshWindow')
if not meta[1] then return {'unknown', '', 0} end
if meta[1] ~= 'open' or tonumber(meta[2]) <= tonumber(ARGV[3]) then return {'closed', '', 0} end
local option = tonumber(ARGV[2])
if option < 1 or option > tonumber(meta[3]) then return {'invalid', '', 0} end
local previous = redis.call('HGET', KEYS[2], ARGV[1])
if previous == ARGV[2] then return {'same', previous, 0} end
redis.call('HSET', KEYS[2], ARGV[1], ARGV[2])
if previous then redis.call('HINCRBY', KEYS[3], previous, -1) end
redis.call('HINCRBY', KEYS[3], ARGV[2], 1)
local refresh = 0
if meta[4] ~= ARGV[4] then
  redis.call('HSET', KEYS[1], 'refreshWindow', ARGV[4])
  refresh = 1
end
if previous then return {'changed', previous, refresh} end
return {'counted', '', refresh}
`);

const CLOSE = new Script(`
-- KEYS[1] poll hash  KEYS[2] votes  KEYS[3] polls:open  KEYS[4] polls:unsettled
-- ARGV[1] poll id  ARGV[2] now (ms)  ARGV[3] closed-by JSON or ''
-- Returns -1 for an unknown poll, 1 when this call closed it, 0 when it was closed already.
local status = redis.call('HGET', KEYS[1], 'status')
if not status then return -1 end
if status ~= 'open' then return 0 end
redis.call('HSET', KEYS[1], 'status', 'closed', 'closedAt', ARGV[2])
if ARGV[3] ~= '' then redis.call('HSET', KEYS[1], 'closedBy', ARGV[3]) end
if redis.call('HGET', KEYS[1], 'anonymous') == '1' then
  redis.call('HDEL', KEYS[1], 'salt')
  redis.call('DEL', KEYS[2])
end
redis.call('ZREM', KEYS[3], ARGV[1])
redis.call('ZADD', KEYS[4], ARGV[2], ARGV[1])
return 1
`);

const CLAIM_REFRESH = new Script(`
-- KEYS[1] poll hash  ARGV[1] now (ms)  ARGV[2] least time between updates (ms)
-- Returns -1 for a closed or unknown poll, 0 when granted, else when the next update is allowed (ms).
if redis.call('HGET', KEYS[1], 'status') ~= 'open' then return -1 end
local last = tonumber(redis.call('HGET', KEYS[1], 'lastRefresh') or '0')
if tonumber(ARGV[1]) - last < tonumber(ARGV[2]) then return last + tonumber(ARGV[2]) end
redis.call('HSET', KEYS[1], 'lastRefresh', ARGV[1])
return 0
`);

const CACHE_SIZE = 1_000;

export class RedisPollStore implements PollStore {
  /** Poll records never change once created; the salt only until close. Kept per process. */
  private readonly cache = new Map<string, { poll: Poll; salt?: string }>();

  constructor(
    private readonly redis: RedisClient,
    private readonly prefix: string,
  ) {}

  private keys(tenant: string) {
    return tenantKeys(this.prefix, tenant);
  }

  async create(draft: NewPoll): Promise<Poll> {
    const k = this.keys(draft.tenant);
    const n = await this.redis.incr(k.pollSeq);
    const poll = Poll.parse({ id: `POLL-${n}`, ...draft });
    const closesAt = Date.parse(poll.closesAt);
    const fields: Record<string, string> = { record: JSON.stringify(poll), status: 'open', closesAt: String(closesAt), options: String(poll.options.length), anonymous: poll.anonymous ? '1' : '0' };
    if (poll.anonymous) fields['salt'] = randomBytes(32).toString('hex');
    // The tenant list first (its own slot on a Redis Cluster; upkeep skips a tenant without polls),
    // then the poll and its index together in the tenant's slot.
    await this.redis.sadd(globalKeys(this.prefix).pollTenants, poll.tenant);
    await this.redis.multi().hset(k.poll(poll.id), fields).zadd(k.pollsOpen, closesAt, poll.id).exec();
    return poll;
  }

  /** The poll record and (anonymous polls) its salt, from the cache or Redis. */
  private async record(tenant: string, id: string): Promise<{ poll: Poll; salt?: string } | undefined> {
    const cacheKey = `${tenant}/${id}`;
    const cached = this.cache.get(cacheKey);
    if (cached) return cached;
    const [json, salt] = await this.redis.hmget(this.keys(tenant).poll(id), 'record', 'salt');
    if (!json) return undefined;
    const entry = { poll: Poll.parse(JSON.parse(json)), ...(salt ? { salt } : {}) };
    if (entry.poll.anonymous && !salt) return entry; // closed: nothing to cache for votes
    if (this.cache.size >= CACHE_SIZE) this.cache.delete(this.cache.keys().next().value as string);
    this.cache.set(cacheKey, entry);
    return entry;
  }

  async get(tenant: string, id: string): Promise<PollState | undefined> {
    const k = this.keys(tenant);
    const [meta, counts] = await Promise.all([this.redis.hmget(k.poll(id), 'record', 'status', 'closedAt', 'closedBy'), this.redis.hgetall(k.pollCounts(id))]);
    const [json, status, closedAt, closedBy] = meta;
    if (!json) return undefined;
    const poll = Poll.parse(JSON.parse(json));
    const state: PollState = { poll, status: status === 'closed' ? 'closed' : 'open', counts: poll.options.map((_, i) => Number(counts[String(i + 1)] ?? 0)) };
    if (closedAt) state.closedAt = new Date(Number(closedAt)).toISOString();
    if (closedBy) state.closedBy = Participant.parse(JSON.parse(closedBy));
    return state;
  }

  async vote(tenant: string, id: string, voter: string, option: number, now: Date, window: number): Promise<VoteOutcome> {
    const entry = await this.record(tenant, id);
    if (!entry) return { result: 'unknown', refresh: false };
    if (!Number.isInteger(option)) return { result: 'invalid', refresh: false };
    if (entry.poll.anonymous && !entry.salt) return { result: 'closed', refresh: false };
    const who = entry.salt ? createHmac('sha256', entry.salt).update(voter).digest('hex') : voter;
    const k = this.keys(tenant);
    const [result, previous, refresh] = (await VOTE.run(this.redis, [k.poll(id), k.pollVotes(id), k.pollCounts(id)], [who, String(option), now.getTime(), String(window)])) as [string, string, number];
    switch (result) {
      case 'counted':
      case 'changed':
        return { result, poll: entry.poll, refresh: refresh === 1, ...(previous ? { previous: Number(previous) } : {}) };
      case 'same':
        return { result, poll: entry.poll, refresh: false };
      default:
        return { result: result as 'closed' | 'unknown' | 'invalid', refresh: false };
    }
  }

  async close(tenant: string, id: string, by: ParticipantT | undefined, now: Date): Promise<{ closedNow: boolean; state: PollState } | undefined> {
    const k = this.keys(tenant);
    const reply = await CLOSE.run(this.redis, [k.poll(id), k.pollVotes(id), k.pollsOpen, k.pollsUnsettled], [id, now.getTime(), by ? JSON.stringify(by) : '']);
    this.cache.delete(`${tenant}/${id}`);
    if (reply === -1) return undefined;
    const state = await this.get(tenant, id);
    return state ? { closedNow: reply === 1, state } : undefined;
  }

  async claimRefresh(tenant: string, id: string, now: Date, everyMs: number): Promise<{ granted: true } | { granted: false; nextAt: number } | 'closed'> {
    const reply = (await CLAIM_REFRESH.run(this.redis, [this.keys(tenant).poll(id)], [now.getTime(), everyMs])) as number;
    if (reply === -1) return 'closed';
    return reply === 0 ? { granted: true } : { granted: false, nextAt: reply };
  }

  async settle(tenant: string, id: string): Promise<void> {
    const k = this.keys(tenant);
    await this.redis.multi().hset(k.poll(id), 'settled', '1').zrem(k.pollsUnsettled, id).exec();
  }

  async overdue(tenant: string, now: Date, graceMs: number): Promise<{ toClose: string[]; unsettled: string[] }> {
    const k = this.keys(tenant);
    const before = now.getTime() - graceMs;
    const [toClose, unsettled] = await Promise.all([this.redis.zrangebyscore(k.pollsOpen, '-inf', before), this.redis.zrangebyscore(k.pollsUnsettled, '-inf', before)]);
    return { toClose, unsettled };
  }

  async tenants(): Promise<string[]> {
    return this.redis.smembers(globalKeys(this.prefix).pollTenants);
  }
}

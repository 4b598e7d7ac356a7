/**
 * Pulse rounds in Redis, behind the core's `PulseStore` port, under one org-wide hash tag.
 *
 * Anonymity: a person's answer is kept under a marker, HMAC-SHA256(round key, person id), computed
 * in this process — the person id is never sent to Redis. The round key is random per round and
 * lives only in the round's hash until the round closes; closing (one script) moves the answers,
 * sorted by content, into a plain list and deletes the markers and the key, so afterwards nothing
 * links anyone to an answer.
 */
import { createHmac, randomBytes } from 'node:crypto';
import type { RedisClient } from './redis.js';
import type { PulseAnswer, PulseStore, RoundInfo, RoundState } from '../core/polls/pulse-model.js';
import { globalKeys } from './keys.js';
import { Script } from './script.js';

const OPEN = new Script(`
-- KEYS[1] round hash  KEYS[2] pulse:open
-- ARGV[1] round id  ARGV[2] info JSON  ARGV[3] closes at (ms)  ARGV[4] round key
-- Returns 1 when opened, 0 when the round exists already.
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
redis.call('HSET', KEYS[1], 'info', ARGV[2], 'status', 'open', 'closesAt', ARGV[3], 'key', ARGV[4])
redis.call('ZADD', KEYS[2], ARGV[3], ARGV[1])
return 1
`);

const ANSWER = new Script(`
-- KEYS[1] round hash  KEYS[2] markers
-- ARGV[1] marker  ARGV[2] answer JSON  ARGV[3] now (ms)
local meta = redis.call('HMGET', KEYS[1], 'status', 'closesAt')
if not meta[1] then return 'unknown' end
if meta[1] ~= 'open' or tonumber(meta[2]) <= tonumber(ARGV[3]) then return 'closed' end
if redis.call('HSET', KEYS[2], ARGV[1], ARGV[2]) == 1 then return 'saved' end
return 'changed'
`);

const CLOSE = new Script(`
-- KEYS[1] round hash  KEYS[2] markers  KEYS[3] answers  KEYS[4] pulse:open  KEYS[5] pulse:unsettled  KEYS[6] closed:<pulse>
-- ARGV[1] round id  ARGV[2] now (ms)
-- Returns 1 when this call closed the round, 0 when it was closed (or unknown).
if redis.call('HGET', KEYS[1], 'status') ~= 'open' then return 0 end
local answers = redis.call('HVALS', KEYS[2])
table.sort(answers)
for i = 1, #answers, 1000 do
  redis.call('RPUSH', KEYS[3], unpack(answers, i, math.min(i + 999, #answers)))
end
redis.call('DEL', KEYS[2])
redis.call('HDEL', KEYS[1], 'key')
redis.call('HSET', KEYS[1], 'status', 'closed', 'closedAt', ARGV[2], 'responses', #answers)
redis.call('ZREM', KEYS[4], ARGV[1])
redis.call('ZADD', KEYS[5], ARGV[2], ARGV[1])
redis.call('ZADD', KEYS[6], ARGV[2], ARGV[1])
return 1
`);

export class RedisPulseStore implements PulseStore {
  private readonly keys;

  constructor(
    private readonly redis: RedisClient,
    prefix: string,
  ) {
    this.keys = globalKeys(prefix);
  }

  async open(round: RoundInfo): Promise<boolean> {
    const k = this.keys;
    const opened = await OPEN.run(this.redis, [k.pulseRound(round.id), k.pulseOpen], [round.id, JSON.stringify(round), Date.parse(round.closesAt), randomBytes(32).toString('hex')]);
    return opened === 1;
  }

  async get(roundId: string): Promise<RoundState | undefined> {
    const k = this.keys;
    const [[info, status, closedAt, responses], open] = await Promise.all([this.redis.hmget(k.pulseRound(roundId), 'info', 'status', 'closedAt', 'responses'), this.redis.hlen(k.pulseMarkers(roundId))]);
    if (!info) return undefined;
    const round = JSON.parse(info) as RoundInfo;
    const state: RoundState = { ...round, status: status === 'closed' ? 'closed' : 'open', responses: status === 'closed' ? Number(responses ?? 0) : open };
    if (closedAt) state.closedAt = new Date(Number(closedAt)).toISOString();
    return state;
  }

  async answer(roundId: string, personId: string, answer: PulseAnswer, now: Date): Promise<'saved' | 'changed' | 'closed' | 'unknown'> {
    const k = this.keys;
    const key = await this.redis.hget(k.pulseRound(roundId), 'key');
    if (!key) return (await this.redis.exists(k.pulseRound(roundId))) === 1 ? 'closed' : 'unknown';
    const marker = createHmac('sha256', Buffer.from(key, 'hex')).update(personId).digest('hex');
    return (await ANSWER.run(this.redis, [k.pulseRound(roundId), k.pulseMarkers(roundId)], [marker, JSON.stringify(answer), now.getTime()])) as 'saved' | 'changed' | 'closed' | 'unknown';
  }

  async answers(roundId: string): Promise<PulseAnswer[]> {
    const k = this.keys;
    const status = await this.redis.hget(k.pulseRound(roundId), 'status');
    // An open round's answers are read without their markers, in content order.
    const raw = status === 'closed' ? await this.redis.lrange(k.pulseAnswers(roundId), 0, -1) : (await this.redis.hvals(k.pulseMarkers(roundId))).sort();
    return raw.map((json) => JSON.parse(json) as PulseAnswer);
  }

  async close(roundId: string, now: Date): Promise<boolean> {
    const k = this.keys;
    const info = await this.redis.hget(k.pulseRound(roundId), 'info');
    if (!info) return false;
    const { pulse } = JSON.parse(info) as RoundInfo;
    const closed = await CLOSE.run(this.redis, [k.pulseRound(roundId), k.pulseMarkers(roundId), k.pulseAnswers(roundId), k.pulseOpen, k.pulseUnsettled, k.pulseClosed(pulse)], [roundId, now.getTime()]);
    return closed === 1;
  }

  async settle(roundId: string): Promise<void> {
    await this.redis.zrem(this.keys.pulseUnsettled, roundId);
  }

  async pending(): Promise<{ open: Array<{ id: string; closesAt: number }>; unsettled: string[] }> {
    const [open, unsettled] = await Promise.all([this.redis.zrange(this.keys.pulseOpen, '0', '-1', 'WITHSCORES'), this.redis.zrange(this.keys.pulseUnsettled, '0', '-1')]);
    const rounds: Array<{ id: string; closesAt: number }> = [];
    for (let i = 0; i + 1 < open.length; i += 2) rounds.push({ id: open[i] as string, closesAt: Number(open[i + 1]) });
    return { open: rounds, unsettled };
  }

  async closedRounds(pulse: string, limit: number): Promise<string[]> {
    return this.redis.zrevrange(this.keys.pulseClosed(pulse), 0, limit - 1);
  }
}

/**
 * Kudos in Redis, under the organization's `{org}` hash tag (src/store/keys.ts): the giver's daily
 * count, the duplicate marker, the receiver's index and the audit entry change in one script, so
 * two requests at once can never both pass the limit and a double-delivered one counts once.
 */
import type { RedisClient } from './redis.js';
import type { KudosGift, KudosGiven, KudosStore } from '../core/kudos/ports.js';
import type { AuditEntry } from '../core/ports.js';
import { AUDIT_MAX_LENGTH, auditFields } from './audit.js';
import { orgKeys } from './keys.js';
import { Script } from './script.js';

/** Received kudos are kept this long (weekly summaries look back a week; a year for trends). */
const KEEP_MS = 400 * 86_400_000;
/** The daily counter outlives its day in every time zone. */
const DAY_COUNTER_MS = 3 * 86_400_000;

const GIVE = new Script(`
-- KEYS[1] given counter (giver, local date)  KEYS[2] duplicate marker  KEYS[3] kudos:seq
-- KEYS[4] received zset of the receiver  KEYS[5] audit
-- ARGV[1] now (ms)  ARGV[2] max per day  ARGV[3] duplicate window (ms)  ARGV[4] counter TTL (ms)
-- ARGV[5] forget received before (ms)  ARGV[6] audit max length  ARGV[7..] audit fields ("__ID__" filled in)
-- Returns {1, id, count} when given, {2, id} for a duplicate, {0, count} over the limit.
local now = tonumber(ARGV[1])
local dup = redis.call('GET', KEYS[2])
if dup then
  local sep = string.find(dup, '|', 1, true)
  local at = tonumber(string.sub(dup, 1, sep - 1))
  if now - at >= 0 and now - at < tonumber(ARGV[3]) then return {2, string.sub(dup, sep + 1)} end
end
local count = tonumber(redis.call('GET', KEYS[1]) or '0')
if count >= tonumber(ARGV[2]) then return {0, count} end
redis.call('SET', KEYS[1], count + 1, 'PX', ARGV[4])
local id = 'K-' .. redis.call('INCR', KEYS[3])
redis.call('ZADD', KEYS[4], now, id)
redis.call('ZREMRANGEBYSCORE', KEYS[4], '-inf', '(' .. ARGV[5])
redis.call('SET', KEYS[2], now .. '|' .. id, 'PX', tonumber(ARGV[3]) * 2)
local fields = {}
for i = 7, #ARGV do
  if ARGV[i] == '__ID__' then fields[#fields + 1] = id else fields[#fields + 1] = ARGV[i] end
end
redis.call('XADD', KEYS[5], 'MAXLEN', '~', ARGV[6], '*', unpack(fields))
return {1, id, count + 1}
`);

export class RedisKudosStore implements KudosStore {
  private readonly keys;

  constructor(
    private readonly redis: RedisClient,
    prefix: string,
  ) {
    this.keys = orgKeys(prefix);
  }

  async give(gift: KudosGift, audit: AuditEntry): Promise<KudosGiven> {
    const k = this.keys;
    const now = gift.at.getTime();
    const reply = (await GIVE.run(
      this.redis,
      [k.kudosGiven(gift.from, gift.giverDate), k.kudosDuplicate(gift.from, gift.fingerprint), k.kudosSeq, k.kudosReceived(gift.to), k.audit],
      [now, gift.maxPerDay, gift.duplicateWindowMs, DAY_COUNTER_MS, now - KEEP_MS, AUDIT_MAX_LENGTH, ...auditFields({ ...audit, subject: '__ID__' })],
    )) as [number, string | number, number?];
    if (reply[0] === 1) return { outcome: 'given', id: String(reply[1]), count: Number(reply[2]) };
    if (reply[0] === 2) return { outcome: 'duplicate', id: String(reply[1]) };
    return { outcome: 'limit', count: Number(reply[1]) };
  }

  async received(personId: string, from: Date, to: Date): Promise<number> {
    return this.redis.zcount(this.keys.kudosReceived(personId), from.getTime(), `(${to.getTime()}`);
  }
}

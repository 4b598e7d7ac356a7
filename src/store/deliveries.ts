/**
 * What the outbox remembers about deliveries: where each saved message landed (for replies,
 * updates and links), which idempotency keys were delivered, the ones that failed for good, and
 * which jobs wait for a message to be delivered.
 */
import type { RedisClient } from './redis.js';
import type { MessageRef } from '../chat/platform.js';
import type { MessageLinks } from '../core/ports.js';
import { tenantKeys } from './keys.js';
import { Script } from './script.js';

const SENT_TTL_SECONDS = 7 * 24 * 3600;

// KEYS[1] out:sent:<key>, KEYS[2] out:refs, KEYS[3] out:versions, KEYS[4] out:wait:<saved as> (when saved)
// ARGV[1] marker TTL (s), ARGV[2] saved as ('' for none), ARGV[3] its MessageRef JSON,
// ARGV[4] the message an update replaced ('' for none), ARGV[5] the version it set,
// ARGV[6] 1 to record where the saved message landed now (and release its waiters), 0 to leave
//         that to \`complete\` (its link is still to come): the marker keeps the ref meanwhile
// Returns the ids of the jobs that waited for the saved message (released: the caller promotes them).
const MARK_SENT = new Script(`
redis.call('SET', KEYS[1], ARGV[2] == '' and '1' or ARGV[3], 'EX', ARGV[1])
if ARGV[4] ~= '' and tonumber(ARGV[5]) > tonumber(redis.call('HGET', KEYS[3], ARGV[4]) or '-1') then
  redis.call('HSET', KEYS[3], ARGV[4], ARGV[5])
end
if ARGV[2] == '' or ARGV[6] ~= '1' then return {} end
redis.call('HSET', KEYS[2], ARGV[2], ARGV[3])
local waiting = redis.call('SMEMBERS', KEYS[4])
if #waiting > 0 then redis.call('DEL', KEYS[4]) end
return waiting
`);

// KEYS[1] out:refs, KEYS[2] out:wait:<message key>
// ARGV[1] the message key, ARGV[2] its MessageRef JSON (with its link, when it has one)
// Returns the ids of the jobs that waited for the message (released).
const COMPLETE = new Script(`
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
local waiting = redis.call('SMEMBERS', KEYS[2])
if #waiting > 0 then redis.call('DEL', KEYS[2]) end
return waiting
`);

// KEYS[1] out:refs, KEYS[2] out:wait:<message key>
// ARGV[1] the message key, ARGV[2] the waiting job's id, ARGV[3] how long to remember it (ms)
// Returns 1 when the message was delivered meanwhile (nothing recorded), else 0.
const WAIT_FOR = new Script(`
if redis.call('HEXISTS', KEYS[1], ARGV[1]) == 1 then return 1 end
redis.call('SADD', KEYS[2], ARGV[2])
redis.call('PEXPIRE', KEYS[2], ARGV[3])
return 0
`);

export interface DeliveryFailure {
  key: string;
  code: string;
  message: string;
  at: string;
}

export class DeliveryLog implements MessageLinks {
  constructor(
    private readonly redis: RedisClient,
    private readonly prefix: string,
  ) {}

  private keys(tenant: string) {
    return tenantKeys(this.prefix, tenant);
  }

  /** True when this idempotency key was delivered already. */
  async wasSent(tenant: string, key: string): Promise<boolean> {
    return (await this.redis.exists(this.keys(tenant).outSent(key))) === 1;
  }

  /** Where a saved message landed, if it was delivered. */
  async ref(tenant: string, messageKey: string): Promise<MessageRef | undefined> {
    const json = await this.redis.hget(this.keys(tenant).outRefs, messageKey);
    return json ? (JSON.parse(json) as MessageRef) : undefined;
  }

  async links(tenant: string, keys: string[]): Promise<Map<string, string>> {
    const out = new Map<string, string>();
    if (keys.length === 0) return out;
    const rows = await this.redis.hmget(this.keys(tenant).outRefs, ...keys);
    rows.forEach((json, i) => {
      const link = json ? (JSON.parse(json) as MessageRef).link : undefined;
      if (link) out.set(keys[i] as string, link);
    });
    return out;
  }

  /** The last version delivered as an update of a message, or -1. */
  async deliveredVersion(tenant: string, messageKey: string): Promise<number> {
    const v = await this.redis.hget(this.keys(tenant).outVersions, messageKey);
    return v === null ? -1 : Number(v);
  }

  /**
   * Records a delivery the moment the platform took it, in one atomic step: the idempotency marker
   * (holding where a saved message landed), the version an update set, and — when `complete` —
   * where the saved message landed and which jobs waited for it. Those released jobs' ids are
   * returned; the caller wakes them. Not `complete`: the message's link is still to be fetched
   * (`complete` records it after), and a retry finds the ref in the marker (`unfinished`).
   */
  async markSent(
    tenant: string,
    key: string,
    saved?: { messageKey: string; ref: MessageRef },
    update?: { messageKey: string; version: number },
    complete = true,
  ): Promise<string[]> {
    const k = this.keys(tenant);
    if (!saved && !update) {
      await this.redis.set(k.outSent(key), '1', 'EX', SENT_TTL_SECONDS);
      return [];
    }
    const keys = [k.outSent(key), k.outRefs, k.outVersions];
    if (saved) keys.push(k.outWaiting(saved.messageKey));
    const args = [SENT_TTL_SECONDS, saved?.messageKey ?? '', saved ? JSON.stringify(saved.ref) : '', update?.messageKey ?? '', update?.version ?? -1, complete ? 1 : 0];
    return (await MARK_SENT.run(this.redis, keys, args)) as string[];
  }

  /** Records where a saved message landed, with its extras (its link), and releases the jobs that waited for it. */
  async complete(tenant: string, messageKey: string, ref: MessageRef): Promise<string[]> {
    const k = this.keys(tenant);
    return (await COMPLETE.run(this.redis, [k.outRefs, k.outWaiting(messageKey)], [messageKey, JSON.stringify(ref)])) as string[];
  }

  /**
   * A saved message that was delivered (its marker holds where) but not completed: the attempt
   * that sent it ended before it recorded the link. Undefined when there is nothing left to do.
   */
  async unfinished(tenant: string, key: string, messageKey: string): Promise<MessageRef | undefined> {
    const k = this.keys(tenant);
    const [marker, recorded] = await Promise.all([this.redis.get(k.outSent(key)), this.redis.hexists(k.outRefs, messageKey)]);
    if (recorded === 1 || !marker || !marker.startsWith('{')) return undefined;
    return JSON.parse(marker) as MessageRef;
  }

  /** Forgets that an attempt went to the platform (it was refused: its outcome is known). */
  async forgetAttempt(tenant: string, key: string): Promise<void> {
    await this.redis.del(this.keys(tenant).outTried(key));
  }

  /**
   * Records that job `jobId` waits for message `messageKey` (released by the `markSent` that
   * saves it), unless it was delivered meanwhile: then returns true and records nothing.
   */
  async waitFor(tenant: string, messageKey: string, jobId: string, forMs: number): Promise<boolean> {
    const k = this.keys(tenant);
    return (await WAIT_FOR.run(this.redis, [k.outRefs, k.outWaiting(messageKey)], [messageKey, jobId, Math.ceil(forMs)])) === 1;
  }

  /** Records a permanent failure once; returns false when it was already recorded. */
  async recordFailure(tenant: string, failure: DeliveryFailure): Promise<boolean> {
    return (await this.redis.hsetnx(this.keys(tenant).outFailed, failure.key, JSON.stringify(failure))) === 1;
  }

  /** True when the delivery with this idempotency key failed for good. */
  async failed(tenant: string, key: string): Promise<boolean> {
    return (await this.redis.hexists(this.keys(tenant).outFailed, key)) === 1;
  }

  /** Permanent failures of a tenant, by idempotency key. */
  async failures(tenant: string): Promise<DeliveryFailure[]> {
    const all = await this.redis.hvals(this.keys(tenant).outFailed);
    return all.map((json) => JSON.parse(json) as DeliveryFailure);
  }
}

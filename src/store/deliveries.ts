/**
 * What the outbox remembers about deliveries: where each saved message landed (for replies,
 * updates and links), which idempotency keys were delivered, and the ones that failed for good.
 */
import type { Redis } from 'ioredis';
import type { MessageRef } from '../chat/platform.js';
import type { MessageLinks } from '../core/ports.js';
import { tenantKeys } from './keys.js';

const SENT_TTL_SECONDS = 7 * 24 * 3600;

export interface DeliveryFailure {
  key: string;
  code: string;
  message: string;
  at: string;
}

export class DeliveryLog implements MessageLinks {
  constructor(
    private readonly redis: Redis,
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

  /** Records a delivery atomically: the idempotency marker, and where/which version it landed. */
  async markSent(tenant: string, key: string, saved?: { messageKey: string; ref: MessageRef }, update?: { messageKey: string; version: number }): Promise<void> {
    const k = this.keys(tenant);
    const tx = this.redis.multi().set(k.outSent(key), '1', 'EX', SENT_TTL_SECONDS);
    if (saved) tx.hset(k.outRefs, saved.messageKey, JSON.stringify(saved.ref));
    if (update) tx.hset(k.outVersions, update.messageKey, String(update.version));
    await tx.exec();
  }

  /** Records a permanent failure once; returns false when it was already recorded. */
  async recordFailure(tenant: string, failure: DeliveryFailure): Promise<boolean> {
    return (await this.redis.hsetnx(this.keys(tenant).outFailed, failure.key, JSON.stringify(failure))) === 1;
  }

  /** Permanent failures of a tenant, by idempotency key. */
  async failures(tenant: string): Promise<DeliveryFailure[]> {
    const all = await this.redis.hvals(this.keys(tenant).outFailed);
    return all.map((json) => JSON.parse(json) as DeliveryFailure);
  }
}

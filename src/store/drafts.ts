/** Form drafts in Redis for an hour (text too long for the platform to carry in the form). */
import { randomUUID } from 'node:crypto';
import type { RedisClient } from './redis.js';
import type { Drafts } from '../core/ports.js';
import { tenantKeys } from './keys.js';

const TTL_SECONDS = 3600;

export class RedisDrafts implements Drafts {
  constructor(
    private readonly redis: RedisClient,
    private readonly prefix: string,
  ) {}

  async save(tenant: string, content: string): Promise<string> {
    const id = randomUUID();
    await this.redis.set(tenantKeys(this.prefix, tenant).draft(id), content, 'EX', TTL_SECONDS);
    return id;
  }

  async load(tenant: string, id: string): Promise<string | undefined> {
    return (await this.redis.get(tenantKeys(this.prefix, tenant).draft(id))) ?? undefined;
  }
}

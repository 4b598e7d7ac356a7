/** The audit trail: one capped Redis stream per tenant (`XADD … MAXLEN ~ 100000`). */
import type { RedisClient } from './redis.js';
import type { AuditEntry, AuditLog } from '../core/ports.js';
import { tenantKeys } from './keys.js';

export const AUDIT_MAX_LENGTH = 100_000;
const FIELDS = ['actor', 'at', 'type', 'subject', 'from', 'to', 'detail'] as const;

/** The stream fields of an entry, in a fixed order (also used by the store's Lua scripts). */
export function auditFields(entry: AuditEntry): string[] {
  const out: string[] = [];
  for (const field of FIELDS) {
    const value = entry[field];
    if (value !== undefined) out.push(field, value);
  }
  return out;
}

function parseEntry(fields: string[]): AuditEntry {
  const map = new Map<string, string>();
  for (let i = 0; i + 1 < fields.length; i += 2) map.set(fields[i] as string, fields[i + 1] as string);
  const entry: AuditEntry = { actor: map.get('actor') ?? '', at: map.get('at') ?? '', type: map.get('type') ?? '', subject: map.get('subject') ?? '' };
  for (const optional of ['from', 'to', 'detail'] as const) {
    const value = map.get(optional);
    if (value !== undefined) entry[optional] = value;
  }
  return entry;
}

export class RedisAuditLog implements AuditLog {
  constructor(
    private readonly redis: RedisClient,
    private readonly prefix: string,
  ) {}

  async append(tenant: string, entry: AuditEntry): Promise<void> {
    await this.redis.xadd(tenantKeys(this.prefix, tenant).audit, 'MAXLEN', '~', AUDIT_MAX_LENGTH, '*', ...auditFields(entry));
  }

  async recent(tenant: string, limit: number): Promise<AuditEntry[]> {
    const rows = await this.redis.xrevrange(tenantKeys(this.prefix, tenant).audit, '+', '-', 'COUNT', limit);
    return rows.reverse().map(([, fields]) => parseEntry(fields));
  }
}

/**
 * Read-only paths into the escalation records for metrics, briefings, reports and exports: what
 * is open, what changed in a time range (from the audit stream, whose ids are timestamps), and
 * every record page by page. It writes nothing; the escalation store owns the records.
 */
import type { RedisClient } from './redis.js';
import { Escalation } from '../core/escalations/model.js';
import type { EscalationReader } from '../core/metrics/ports.js';
import { globalKeys, tenantKeys } from './keys.js';

const PAGE = 500;

export class RedisEscalationReader implements EscalationReader {
  constructor(
    private readonly redis: RedisClient,
    private readonly prefix: string,
  ) {}

  private parse(rows: Array<string | null>): Escalation[] {
    return rows.flatMap((json) => {
      if (!json) return [];
      const parsed = Escalation.safeParse(JSON.parse(json));
      return parsed.success ? [parsed.data] : [];
    });
  }

  async tenants(): Promise<string[]> {
    return this.redis.smembers(globalKeys(this.prefix).tenants);
  }

  async open(tenant: string): Promise<Escalation[]> {
    const k = tenantKeys(this.prefix, tenant);
    const ids = await this.redis.zrange(k.escOpen, '0', '-1');
    return this.get(tenant, ids);
  }

  async touchedSince(tenant: string, from: Date): Promise<string[]> {
    const key = tenantKeys(this.prefix, tenant).audit;
    const ids = new Set<string>();
    let start = String(from.getTime());
    for (;;) {
      // Stream ids are "<ms>-<seq>": a time is an id.
      const rows = await this.redis.xrange(key, start, '+', 'COUNT', PAGE);
      for (const [, fields] of rows) {
        const type = fields[fields.indexOf('type') + 1] ?? '';
        const subject = fields[fields.indexOf('subject') + 1] ?? '';
        if (type.startsWith('escalation.') && /^ESC-\d+$/.test(subject)) ids.add(subject);
      }
      if (rows.length < PAGE) break;
      start = `(${(rows.at(-1) as [string, string[]])[0]}`;
    }
    return [...ids];
  }

  async get(tenant: string, ids: readonly string[]): Promise<Escalation[]> {
    if (ids.length === 0) return [];
    return this.parse(await this.redis.hmget(tenantKeys(this.prefix, tenant).escRecords, ...ids));
  }

  async *all(tenant: string): AsyncIterable<Escalation[]> {
    const key = tenantKeys(this.prefix, tenant).escRecords;
    let cursor = '0';
    do {
      const [next, flat] = await this.redis.hscan(key, cursor, 'COUNT', PAGE);
      cursor = next;
      const page = this.parse(flat.filter((_, i) => i % 2 === 1));
      if (page.length > 0) yield page;
    } while (cursor !== '0');
  }
}

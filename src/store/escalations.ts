/**
 * Escalation records in Redis, behind the core's `EscalationStore` port. Every multi-key change is
 * one Lua script, so a record, its indexes and its audit entry are written together or not at all.
 */
import type { RedisClient } from './redis.js';
import type { AuditEntry } from '../core/ports.js';
import { Escalation, isOpen } from '../core/escalations/model.js';
import type { CreateResult, EscalationStore, NewEscalation, RecordQuery } from '../core/escalations/store.js';
import { AUDIT_MAX_LENGTH, auditFields } from './audit.js';
import { globalKeys, tenantKeys } from './keys.js';
import { Script } from './script.js';

const CREATE = new Script(`
-- KEYS[1] esc:seq  KEYS[2] esc:records  KEYS[3] esc:versions  KEYS[4] esc:open
-- KEYS[5] esc:sources  KEYS[6] esc:dirty  KEYS[7] audit  KEYS[8] esc:all
-- ARGV[1] record JSON with "__ESC_ID__" / "__ESC_NUMBER__" placeholders  ARGV[2] source key or ''
-- ARGV[3] created at (ms)  ARGV[4] audit max length  ARGV[5..] audit fields ("__ESC_ID__" filled in)
-- Returns {1, id, json} when created, {0, existing id} when the source has a record already.
if ARGV[2] ~= '' then
  local existing = redis.call('HGET', KEYS[5], ARGV[2])
  if existing then return {0, existing} end
end
local n = redis.call('INCR', KEYS[1])
local id = 'ESC-' .. n
local json = string.gsub(ARGV[1], '"__ESC_ID__"', '"' .. id .. '"', 1)
json = string.gsub(json, '"__ESC_NUMBER__"', tostring(n), 1)
redis.call('HSET', KEYS[2], id, json)
redis.call('HSET', KEYS[3], id, '1')
redis.call('ZADD', KEYS[4], ARGV[3], id)
redis.call('ZADD', KEYS[8], ARGV[3], id)
if ARGV[2] ~= '' then redis.call('HSET', KEYS[5], ARGV[2], id) end
redis.call('ZADD', KEYS[6], ARGV[3], id)
local fields = {}
for i = 5, #ARGV do
  if ARGV[i] == '__ESC_ID__' then fields[#fields + 1] = id else fields[#fields + 1] = ARGV[i] end
end
redis.call('XADD', KEYS[7], 'MAXLEN', '~', ARGV[4], '*', unpack(fields))
return {1, id, json}
`);

const UPDATE = new Script(`
-- KEYS[1] esc:records  KEYS[2] esc:versions  KEYS[3] esc:open  KEYS[4] esc:dirty  KEYS[5] audit
-- ARGV[1] id  ARGV[2] expected version  ARGV[3] new version  ARGV[4] record JSON
-- ARGV[5] '1' if still open  ARGV[6] created at (ms)  ARGV[7] changed at (ms)
-- ARGV[8] audit max length  ARGV[9..] audit fields
-- Returns 1 when written, 0 when another change came first (compare-and-set).
if redis.call('HGET', KEYS[2], ARGV[1]) ~= ARGV[2] then return 0 end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[4])
redis.call('HSET', KEYS[2], ARGV[1], ARGV[3])
if ARGV[5] == '1' then redis.call('ZADD', KEYS[3], ARGV[6], ARGV[1]) else redis.call('ZREM', KEYS[3], ARGV[1]) end
redis.call('ZADD', KEYS[4], ARGV[7], ARGV[1])
redis.call('XADD', KEYS[5], 'MAXLEN', '~', ARGV[8], '*', unpack(ARGV, 9))
return 1
`);

const CLEAN = new Script(`
-- KEYS[1] esc:versions  KEYS[2] esc:dirty  ARGV[1] id  ARGV[2] version whose effects were queued
if redis.call('HGET', KEYS[1], ARGV[1]) == ARGV[2] then redis.call('ZREM', KEYS[2], ARGV[1]) return 1 end
return 0
`);

/** How many records a search reads at a time. */
const SEARCH_BATCH = 200;

export class RedisEscalationStore implements EscalationStore {
  constructor(
    private readonly redis: RedisClient,
    private readonly prefix: string,
  ) {}

  private keys(tenant: string) {
    return tenantKeys(this.prefix, tenant);
  }

  private parse(json: string): Escalation {
    return Escalation.parse(JSON.parse(json));
  }

  async create(tenant: string, draft: NewEscalation, audit: AuditEntry, sourceKey?: string): Promise<CreateResult> {
    const k = this.keys(tenant);
    // "id" first, so the placeholder the script replaces is this one.
    const json = JSON.stringify({ id: '__ESC_ID__', number: '__ESC_NUMBER__', ...draft });
    const fields = auditFields({ ...audit, subject: '__ESC_ID__' });
    const reply = (await CREATE.run(
      this.redis,
      [k.escSeq, k.escRecords, k.escVersions, k.escOpen, k.escSources, k.escDirty, k.audit, k.escAll],
      [json, sourceKey ?? '', Date.parse(draft.createdAt), AUDIT_MAX_LENGTH, ...fields],
    )) as [number, string, string?];
    await this.redis.sadd(globalKeys(this.prefix).tenants, tenant);
    if (reply[0] === 0) return { created: false, existingId: reply[1] };
    return { created: true, record: this.parse(reply[2] as string) };
  }

  async get(tenant: string, id: string): Promise<Escalation | undefined> {
    const json = await this.redis.hget(this.keys(tenant).escRecords, id);
    return json ? this.parse(json) : undefined;
  }

  async update(tenant: string, record: Escalation, expectedVersion: number, audit: AuditEntry): Promise<boolean> {
    const k = this.keys(tenant);
    const reply = await UPDATE.run(
      this.redis,
      [k.escRecords, k.escVersions, k.escOpen, k.escDirty, k.audit],
      [record.id, String(expectedVersion), String(record.version), JSON.stringify(record), isOpen(record) ? '1' : '0', Date.parse(record.createdAt), Date.parse(record.updatedAt), AUDIT_MAX_LENGTH, ...auditFields(audit)],
    );
    return reply === 1;
  }

  async listOpen(tenant: string): Promise<Escalation[]> {
    const k = this.keys(tenant);
    const ids = await this.redis.zrange(k.escOpen, '0', '-1');
    if (ids.length === 0) return [];
    const rows = await this.redis.hmget(k.escRecords, ...ids);
    return rows.flatMap((json) => (json ? [this.parse(json)] : []));
  }

  async search(tenant: string, query: RecordQuery): Promise<{ records: Escalation[]; more: boolean }> {
    const k = this.keys(tenant);
    await this.indexOlderRecords(tenant);
    const min = query.since ? String(query.since.getTime()) : '-inf';
    const records: Escalation[] = [];
    let skipped = 0;
    for (let from = 0; ; from += SEARCH_BATCH) {
      const ids = await this.redis.zrevrangebyscore(k.escAll, '+inf', min, 'LIMIT', from, SEARCH_BATCH);
      if (ids.length === 0) break;
      for (const json of await this.redis.hmget(k.escRecords, ...ids)) {
        if (!json) continue;
        const e = this.parse(json);
        if (!query.keep(e)) continue;
        if (skipped < query.offset) {
          skipped += 1;
          continue;
        }
        if (records.length === query.limit) return { records, more: true };
        records.push(e);
      }
      if (ids.length < SEARCH_BATCH) break;
    }
    return { records, more: false };
  }

  /** Records stored before the `esc:all` index existed are added to it (once; ZADD NX). */
  private async indexOlderRecords(tenant: string): Promise<void> {
    const k = this.keys(tenant);
    const [indexed, stored] = await Promise.all([this.redis.zcard(k.escAll), this.redis.hlen(k.escRecords)]);
    if (indexed >= stored) return;
    let cursor = '0';
    do {
      const [next, flat] = await this.redis.hscan(k.escRecords, cursor, 'COUNT', 500);
      cursor = next;
      const args: Array<string | number> = [];
      for (let i = 0; i + 1 < flat.length; i += 2) args.push(Date.parse(this.parse(flat[i + 1] as string).createdAt), flat[i] as string);
      if (args.length > 0) await this.redis.zadd(k.escAll, 'NX', ...args);
    } while (cursor !== '0');
  }

  async dirty(tenant: string, olderThanMs: number, now: Date): Promise<string[]> {
    return this.redis.zrangebyscore(this.keys(tenant).escDirty, '-inf', now.getTime() - olderThanMs);
  }

  async clean(tenant: string, id: string, version: number): Promise<void> {
    const k = this.keys(tenant);
    await CLEAN.run(this.redis, [k.escVersions, k.escDirty], [id, String(version)]);
  }

  async tenants(): Promise<string[]> {
    return this.redis.smembers(globalKeys(this.prefix).tenants);
  }
}

/**
 * Records that belong to the organization rather than to one tenant (cover requests, handoffs),
 * under the `{org}` hash tag so that a record, its index and the organization's audit trail
 * change together in one script, also on Redis Cluster.
 *
 *   <p>:{org}:<collection>:seq        string  last number (INCR)
 *   <p>:{org}:<collection>            hash    id → record JSON
 *   <p>:{org}:<collection>:versions   hash    id → version (compare-and-set)
 *   <p>:{org}:<collection>:index:<k>  zset    created at (ms) → id, per index key (e.g. a department)
 *   <p>:{org}:audit                   stream  the organization's audit trail (capped ~100k)
 */
import type { RedisClient } from './redis.js';
import type { AuditEntry } from '../core/ports.js';
import { AUDIT_MAX_LENGTH, auditFields } from './audit.js';
import { orgKeys } from './keys.js';
import { Script } from './script.js';

const CREATE = new Script(`
-- KEYS[1] seq  KEYS[2] records  KEYS[3] versions  KEYS[4] index (may be unused)  KEYS[5] audit
-- ARGV[1] id prefix  ARGV[2] record JSON with "__ID__" / "__NUMBER__" placeholders  ARGV[3] index score or ''
-- ARGV[4] audit max length  ARGV[5..] audit fields ("__ID__" filled in)
-- Returns {id, json}.
local n = redis.call('INCR', KEYS[1])
local id = ARGV[1] .. n
local json = string.gsub(ARGV[2], '"__ID__"', '"' .. id .. '"', 1)
json = string.gsub(json, '"__NUMBER__"', tostring(n), 1)
redis.call('HSET', KEYS[2], id, json)
redis.call('HSET', KEYS[3], id, '1')
if ARGV[3] ~= '' then redis.call('ZADD', KEYS[4], ARGV[3], id) end
local fields = {}
for i = 5, #ARGV do
  if ARGV[i] == '__ID__' then fields[#fields + 1] = id else fields[#fields + 1] = ARGV[i] end
end
redis.call('XADD', KEYS[5], 'MAXLEN', '~', ARGV[4], '*', unpack(fields))
return {id, json}
`);

const UPDATE = new Script(`
-- KEYS[1] records  KEYS[2] versions  KEYS[3] extra hash  KEYS[4] audit
-- ARGV[1] id  ARGV[2] expected version  ARGV[3] record JSON  ARGV[4] extra field or ''
-- ARGV[5] the extra field's expected value ('\\0' for absent)  ARGV[6] its new value
-- ARGV[7] audit max length  ARGV[8..] audit fields
-- Returns 1 when written, 0 when the record (or the extra field) changed first.
if redis.call('HGET', KEYS[2], ARGV[1]) ~= ARGV[2] then return 0 end
if ARGV[4] ~= '' then
  local current = redis.call('HGET', KEYS[3], ARGV[4])
  if (current or '\\0') ~= ARGV[5] then return 0 end
  redis.call('HSET', KEYS[3], ARGV[4], ARGV[6])
end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[3])
redis.call('HSET', KEYS[2], ARGV[1], tostring(tonumber(ARGV[2]) + 1))
redis.call('XADD', KEYS[4], 'MAXLEN', '~', ARGV[7], '*', unpack(ARGV, 8))
return 1
`);

export interface Versioned<T> {
  record: T;
  version: number;
}

/** A change to another hash made only if that field still holds what was read. */
export interface ExtraChange {
  key: string;
  field: string;
  /** What the field held when read (undefined: absent). */
  expected: string | undefined;
  value: string;
}

export class OrgRecords<T> {
  private readonly keys;

  constructor(
    private readonly redis: RedisClient,
    prefix: string,
    private readonly collection: string,
    private readonly idPrefix: string,
    private readonly parse: (json: string) => T,
  ) {
    this.keys = orgKeys(prefix);
  }

  private get records(): string {
    return this.keys.records(this.collection);
  }

  private get versions(): string {
    return `${this.records}:versions`;
  }

  /** Numbers and stores a record (`id`/`number` fields are filled in), with its audit entry. */
  async create(draft: Record<string, unknown>, audit: AuditEntry, index?: { key: string; score: number }): Promise<T> {
    const json = JSON.stringify({ id: '__ID__', number: '__NUMBER__', ...draft });
    const reply = (await CREATE.run(
      this.redis,
      [`${this.records}:seq`, this.records, this.versions, index ? `${this.records}:index:${index.key}` : `${this.records}:index:-`, this.keys.audit],
      [this.idPrefix, json, index ? String(index.score) : '', AUDIT_MAX_LENGTH, ...auditFields({ ...audit, subject: '__ID__' })],
    )) as [string, string];
    return this.parse(reply[1]);
  }

  async get(id: string): Promise<Versioned<T> | undefined> {
    const [json, version] = await this.redis.multi().hget(this.records, id).hget(this.versions, id).exec().then((r) => (r ?? []).map(([, v]) => v as string | null));
    return json && version ? { record: this.parse(json), version: Number(version) } : undefined;
  }

  /** Replaces a record if still at `expected` (and `extra`'s field unchanged), with its audit entry. */
  async update(id: string, expected: number, record: T, audit: AuditEntry, extra?: ExtraChange): Promise<boolean> {
    const reply = await UPDATE.run(
      this.redis,
      [this.records, this.versions, extra?.key ?? this.records, this.keys.audit],
      [id, String(expected), JSON.stringify(record), extra?.field ?? '', extra?.expected ?? '\0', extra?.value ?? '', AUDIT_MAX_LENGTH, ...auditFields(audit)],
    );
    return reply === 1;
  }

  /** The records of an index whose scores are within [from, to], oldest first. */
  async between(indexKey: string, from: number, to: number): Promise<T[]> {
    const ids = await this.redis.zrangebyscore(`${this.records}:index:${indexKey}`, from, to);
    if (ids.length === 0) return [];
    const found = await this.redis.hmget(this.records, ...ids);
    return found.flatMap((json) => (json ? [this.parse(json)] : []));
  }

  /** The newest record of an index. */
  async newest(indexKey: string): Promise<T | undefined> {
    const [id] = await this.redis.zrevrange(`${this.records}:index:${indexKey}`, 0, 0);
    return id ? (await this.get(id))?.record : undefined;
  }
}

/** The shifts feature's records in Redis (organization-wide, under `{org}`): overrides, cover requests, handoffs. */
import type { RedisClient } from './redis.js';
import type { ParticipantT } from '../core/escalations/model.js';
import type { AuditEntry } from '../core/ports.js';
import { overrideKey } from '../core/shifts/rota.js';
import { CoverRequest, Handoff, type Acknowledged, type NewHandoff, type ShiftStore, type Taken } from '../core/shifts/model.js';
import { AUDIT_MAX_LENGTH, auditFields } from './audit.js';
import { orgKeys } from './keys.js';
import { OrgRecords } from './org-records.js';

export class RedisShiftStore implements ShiftStore {
  private readonly keys;
  private readonly covers: OrgRecords<CoverRequest>;
  private readonly handoffs: OrgRecords<Handoff>;

  constructor(
    private readonly redis: RedisClient,
    prefix: string,
  ) {
    this.keys = orgKeys(prefix);
    this.covers = new OrgRecords(redis, prefix, 'covers', 'C-', (json) => CoverRequest.parse(JSON.parse(json)));
    this.handoffs = new OrgRecords(redis, prefix, 'handoffs', 'HO-', (json) => Handoff.parse(JSON.parse(json)));
  }

  async overrides(): Promise<Map<string, string[]>> {
    const all = await this.redis.hgetall(this.keys.overrides);
    return new Map(Object.entries(all).map(([k, json]) => [k, JSON.parse(json) as string[]]));
  }

  async override(shiftId: string, date: string): Promise<string[] | undefined> {
    const json = await this.redis.hget(this.keys.overrides, overrideKey(shiftId, date));
    return json ? (JSON.parse(json) as string[]) : undefined;
  }

  async setOverride(shiftId: string, date: string, people: string[], audit: AuditEntry): Promise<void> {
    await this.redis
      .multi()
      .hset(this.keys.overrides, overrideKey(shiftId, date), JSON.stringify(people))
      .xadd(this.keys.audit, 'MAXLEN', '~', AUDIT_MAX_LENGTH, '*', ...auditFields(audit))
      .exec();
  }

  async forgetOverridesBefore(date: string): Promise<number> {
    const old = (await this.redis.hkeys(this.keys.overrides)).filter((k) => (k.split('/')[1] ?? '') < date);
    if (old.length > 0) await this.redis.hdel(this.keys.overrides, ...old);
    return old.length;
  }

  createCover(request: Omit<CoverRequest, 'id' | 'number'>, audit: AuditEntry): Promise<CoverRequest> {
    return this.covers.create(request, audit);
  }

  async getCover(id: string): Promise<CoverRequest | undefined> {
    return (await this.covers.get(id))?.record;
  }

  async takeCover(id: string, taker: string, at: string, scheduled: string[], audit: AuditEntry): Promise<Taken> {
    for (let attempt = 0; attempt < 5; attempt += 1) {
      const found = await this.covers.get(id);
      if (!found) return { outcome: 'missing' };
      const request = found.record;
      if (request.takenBy) return { outcome: 'already', request };
      const field = overrideKey(request.shiftId, request.date);
      const current = await this.redis.hget(this.keys.overrides, field);
      const people = current ? (JSON.parse(current) as string[]) : scheduled;
      const next = people.includes(request.requester) ? people.map((p) => (p === request.requester ? taker : p)) : [...people, taker];
      const taken: CoverRequest = { ...request, takenBy: taker, takenAt: at };
      const extra = { key: this.keys.overrides, field, expected: current ?? undefined, value: JSON.stringify([...new Set(next)]) };
      if (await this.covers.update(id, found.version, taken, audit, extra)) return { outcome: 'taken', request: taken };
    }
    throw new Error(`cover request ${id} kept changing; try again`);
  }

  createHandoff(handoff: Omit<NewHandoff, 'version'>, audit: AuditEntry): Promise<Handoff> {
    return this.handoffs.create({ ...handoff, version: 1 }, audit, { key: handoff.department, score: Date.parse(handoff.createdAt) });
  }

  async getHandoff(id: string): Promise<Handoff | undefined> {
    return (await this.handoffs.get(id))?.record;
  }

  /** A department's handoffs written in [from, to] (ms), oldest first. */
  handoffsBetween(department: string, from: number, to: number): Promise<Handoff[]> {
    return this.handoffs.between(department, from, to);
  }

  latestHandoff(department: string): Promise<Handoff | undefined> {
    return this.handoffs.newest(department);
  }

  async recordHandoffCards(id: string, cards: Handoff['cards'], audit: AuditEntry): Promise<Handoff> {
    for (let attempt = 0; attempt < 5; attempt += 1) {
      const found = await this.handoffs.get(id);
      if (!found) throw new Error(`handoff ${id} is gone`);
      const handoff: Handoff = { ...found.record, cards, version: found.record.version + 1 };
      if (await this.handoffs.update(id, found.version, handoff, audit)) return handoff;
    }
    throw new Error(`handoff ${id} kept changing; try again`);
  }

  async acknowledgeHandoff(id: string, by: ParticipantT, at: string, audit: AuditEntry): Promise<Acknowledged> {
    for (let attempt = 0; attempt < 5; attempt += 1) {
      const found = await this.handoffs.get(id);
      if (!found) return { outcome: 'missing' };
      if (found.record.acknowledgedAt) return { outcome: 'already', handoff: found.record };
      const handoff: Handoff = { ...found.record, acknowledgedAt: at, acknowledgedBy: by, version: found.record.version + 1 };
      if (await this.handoffs.update(id, found.version, handoff, audit)) return { outcome: 'acknowledged', handoff };
    }
    throw new Error(`handoff ${id} kept changing; try again`);
  }
}

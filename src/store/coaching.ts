/**
 * The coaching feature's records in Redis, under the organization's `{org}` hash tag: nudges and
 * suggestions as OrgRecords (numbered, versioned, audited), and the indexes beside them (see
 * keys.ts): nudges sent to each person, held nudges, signals seen, the caps, folded signals, opt-outs.
 */
import type { RedisClient } from './redis.js';
import { Nudge, Suggestion, type FoldedSignal, type NewNudge, type NewSuggestion } from '../core/coaching/model.js';
import type { CoachingStore, DeliveryStatus, Versioned } from '../core/coaching/ports.js';
import type { AuditEntry } from '../core/ports.js';
import { AUDIT_MAX_LENGTH, auditFields } from './audit.js';
import type { DeliveryLog } from './deliveries.js';
import { coachingKeys, orgKeys } from './keys.js';
import { OrgRecords } from './org-records.js';

export class RedisCoachingStore implements CoachingStore {
  private readonly keys;
  private readonly audit;
  private readonly nudges: OrgRecords<Nudge>;
  private readonly suggestions: OrgRecords<Suggestion>;

  constructor(
    private readonly redis: RedisClient,
    private readonly prefix: string,
  ) {
    this.keys = coachingKeys(prefix);
    this.audit = orgKeys(prefix).audit;
    this.nudges = new OrgRecords(redis, prefix, 'nudges', 'N-', (json) => Nudge.parse(JSON.parse(json)));
    this.suggestions = new OrgRecords(redis, prefix, 'suggestions', 'S-', (json) => Suggestion.parse(JSON.parse(json)));
  }

  async createNudge(nudge: NewNudge, audit: AuditEntry): Promise<Nudge> {
    const created = await this.nudges.create(nudge, audit, { key: nudge.from, score: Date.parse(nudge.createdAt) });
    if (created.status === 'held') await this.redis.zadd(this.keys.held, Date.parse(created.dueAt), created.id);
    return created;
  }

  getNudge(id: string): Promise<Versioned<Nudge> | undefined> {
    return this.nudges.get(id);
  }

  async updateNudge(id: string, expected: number, nudge: Nudge, audit: AuditEntry): Promise<boolean> {
    const done = await this.nudges.update(id, expected, nudge, audit);
    if (done && nudge.status === 'held') await this.redis.zadd(this.keys.held, Date.parse(nudge.dueAt), id);
    if (done && nudge.status !== 'held') await this.redis.zrem(this.keys.held, id);
    return done;
  }

  async markSent(personId: string, nudgeId: string, at: Date): Promise<void> {
    await this.redis.zadd(this.keys.sent(personId), 'NX', at.getTime(), nudgeId);
  }

  async sentBy(personId: string, from: Date): Promise<Nudge[]> {
    const ids = await this.redis.zrevrangebyscore(`${orgKeys(this.prefix).records('nudges')}:index:${personId}`, '+inf', String(from.getTime()));
    const found = await Promise.all(ids.map((id) => this.nudges.get(id)));
    return found.flatMap((f) => (f ? [f.record] : []));
  }

  async held(): Promise<Nudge[]> {
    const ids = await this.redis.zrange(this.keys.held, '0', '-1');
    const found = await Promise.all(ids.map((id) => this.nudges.get(id)));
    return found.flatMap((f) => (f?.record.status === 'held' ? [f.record] : []));
  }

  async nudgesSent(scope: string, personId: string, from: Date, to: Date): Promise<number> {
    return this.redis.zcount(coachingKeys(this.prefix, scope).sent(personId), from.getTime(), `(${to.getTime()}`);
  }

  async foldedSignals(personId: string, from: Date, to: Date): Promise<FoldedSignal[]> {
    const rows = await this.redis.zrangebyscore(this.keys.folded(personId), from.getTime(), `(${to.getTime()}`);
    return rows.map((json) => {
      const { rule, at, detail } = JSON.parse(json) as FoldedSignal;
      return { rule, at, detail };
    });
  }

  async claimSignal(key: string, outcome: string): Promise<boolean> {
    return (await this.redis.hsetnx(this.keys.signals, key, outcome)) === 1;
  }

  createSuggestion(suggestion: NewSuggestion, audit: AuditEntry): Promise<Suggestion> {
    return this.suggestions.create(suggestion, audit, { key: suggestion.person, score: Date.parse(suggestion.createdAt) });
  }

  getSuggestion(id: string): Promise<Versioned<Suggestion> | undefined> {
    return this.suggestions.get(id);
  }

  updateSuggestion(id: string, expected: number, suggestion: Suggestion, audit: AuditEntry): Promise<boolean> {
    return this.suggestions.update(id, expected, suggestion, audit);
  }

  correctiveCount(personId: string, from: Date, to: Date): Promise<number> {
    return this.redis.zcount(this.keys.caps(personId), from.getTime(), `(${to.getTime()}`);
  }

  async countCorrective(personId: string, suggestionId: string, at: Date): Promise<void> {
    await this.redis.zadd(this.keys.caps(personId), 'NX', at.getTime(), suggestionId);
  }

  async fold(personId: string, signal: FoldedSignal & { key: string }, audit: AuditEntry): Promise<void> {
    const member = JSON.stringify({ rule: signal.rule, at: signal.at, detail: signal.detail, key: signal.key });
    await this.redis
      .multi()
      .zadd(this.keys.folded(personId), Date.parse(signal.at), member)
      .xadd(this.audit, 'MAXLEN', '~', AUDIT_MAX_LENGTH, '*', ...auditFields(audit))
      .exec();
  }

  async optedOut(personId: string): Promise<boolean> {
    return (await this.redis.hexists(this.keys.optOut, personId)) === 1;
  }

  async setOptOut(personId: string, out: boolean, audit: AuditEntry): Promise<boolean> {
    const changed = out ? await this.redis.hsetnx(this.keys.optOut, personId, audit.at) : await this.redis.hdel(this.keys.optOut, personId);
    if (changed === 1) await this.redis.xadd(this.audit, 'MAXLEN', '~', AUDIT_MAX_LENGTH, '*', ...auditFields(audit));
    return changed === 1;
  }
}

/** The outbox's own records, as the coaching feature asks about a nudge's delivery. */
export function deliveryStatus(log: DeliveryLog): DeliveryStatus {
  return {
    status: async (tenant, key) => {
      if (await log.wasSent(tenant, key)) return 'delivered';
      return (await log.failed(tenant, key)) ? 'failed' : 'pending';
    },
  };
}

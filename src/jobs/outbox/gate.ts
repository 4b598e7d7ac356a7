/**
 * The outbox gate: one Redis script per delivery attempt says what the attempt does — skip it (a
 * duplicate, a stale update), wait for the message it needs, wait for its reserved send time, or
 * send now with the references it needs. Pacing holds across every worker process and uses
 * Redis's clock, not the workers'. How the reservations work: gate-script.ts.
 */
import type { RedisClient } from '../../store/redis.js';
import type { Delivery } from '../../chat/delivery.js';
import type { Bucket, MessageRef, PacingRules } from '../../chat/platform.js';
import { tenantKeys } from '../../store/keys.js';
import { BLOCK, OPEN, RESERVE } from './gate-script.js';
import { linkedKeys } from './resolve-links.js';

export type Verdict =
  /** Delivered before, under this idempotency key. */
  | { kind: 'duplicate' }
  /** An update older than (or as old as) one delivered already. */
  | { kind: 'stale' }
  /** Needs message `messageKey` (replied to, updated or linked), not delivered yet. */
  | { kind: 'missing'; messageKey: string }
  /** Its send time is reserved, `ms` from now. */
  | { kind: 'wait'; ms: number }
  /**
   * May be sent now: the conversation it was paced in, and the messages it needs. `tried`: when
   * an earlier attempt went to the platform without being recorded as sent (its outcome is
   * unknown: the message may be there already).
   */
  | { kind: 'send'; conversation: string | undefined; refs: Map<string, MessageRef>; tried?: number };

/** How long an attempt that went to the platform is remembered (a retry after that posts without asking). */
export const ATTEMPT_MEMORY_MS = 24 * 3600_000;

/** Which scope a 429 covers. */
export type LimitScope = 'conversation' | 'tenant';

/** The messages a delivery needs delivered first; the replied-to or updated one comes first. */
export function dependencies(d: Delivery): string[] {
  const first = d.target.kind === 'reply' ? d.target.to : d.target.kind === 'update' ? d.target.of : undefined;
  const linked = linkedKeys(d.message);
  return first === undefined ? linked : [first, ...linked.filter((k) => k !== first)];
}

const limited = (pacing: PacingRules) => pacing.conversation.length > 0 || pacing.tenant.length > 0;

/** Whether the producer can reserve a delivery's slot when it queues it: it needs no other message
 * (whose delivery tells where a reply or an update goes), and the platform has limits. */
export function reservable(d: Delivery, pacing: PacingRules): boolean {
  return limited(pacing) && dependencies(d).length === 0;
}

/** The conversation a delivery is paced in ('' = its reply/update target's, '-' = none). */
function pacedIn(d: Delivery): string {
  switch (d.target.kind) {
    case 'conversation':
    case 'thread':
      return d.target.conversation;
    case 'dm':
      return `dm-${d.target.user}`;
    case 'whisper':
      return '-';
    case 'reply':
    case 'update':
      return '';
  }
}

const gcraCache = new WeakMap<Bucket[], number[]>();

/** Buckets as the scripts take them: count, then (ms between sends, burst tolerance ms) each. */
function gcra(buckets: Bucket[]): number[] {
  let out = gcraCache.get(buckets);
  if (!out) {
    out = [buckets.length];
    for (const b of buckets) {
      // Whole milliseconds, rounded towards slower.
      const interval = Math.ceil(1000 / b.perSecond);
      out.push(interval, (b.capacity - 1) * interval);
    }
    gcraCache.set(buckets, out);
  }
  return out;
}

export class OutboxGate {
  constructor(
    private readonly redis: RedisClient,
    private readonly prefix: string,
  ) {}

  /**
   * Reserves, as the producer queues them, the send times of a tenant's `reservable` deliveries:
   * key → ms until its slot (0: now; a delivery that holds a slot already keeps it), or -1 for one
   * delivered already.
   */
  async reserve(tenant: string, deliveries: Delivery[], pacing: PacingRules): Promise<Map<string, number>> {
    const k = tenantKeys(this.prefix, tenant);
    const keys = [k.paceTenant, k.paceTenantHeld, k.paceTenantBulk, ...deliveries.map((d) => k.outSent(d.key))];
    const args: Array<string | number> = [k.paceConversation(''), k.paceConversationHeld(''), k.paceConversationBulk(''), ...gcra(pacing.conversation), ...gcra(pacing.tenant), deliveries.length];
    for (const d of deliveries) args.push(d.key, d.priority === 'bulk' ? 'b' : 'i', pacedIn(d));
    const waits = (await RESERVE.run(this.redis, keys, args)) as number[];
    return new Map(deliveries.map((d, i) => [d.key, Number(waits[i])]));
  }

  /**
   * Decides one attempt of `d`, reserving its send time when it must wait (see `Verdict`).
   * `firstRun`: the job has never run before; unless the producer reserved its slot, it holds none
   * to look up.
   */
  async open(d: Delivery, pacing: PacingRules, firstRun = false): Promise<Verdict> {
    const k = tenantKeys(this.prefix, d.tenant);
    const needs = dependencies(d);
    const lookup = !firstRun || (needs.length === 0 && limited(pacing));
    const keys = [k.outSent(d.key), k.outRefs, k.outVersions, k.paceTenant, k.paceTenantHeld, k.paceTenantBulk, k.outTried(d.key)];
    const args = [
      d.key,
      d.priority === 'bulk' ? 'b' : 'i',
      pacedIn(d),
      k.paceConversation(''),
      k.paceConversationHeld(''),
      k.paceConversationBulk(''),
      d.target.kind === 'update' ? d.target.version : -1,
      lookup ? 0 : 1,
      needs.length,
      ...needs,
      ...gcra(pacing.conversation),
      ...gcra(pacing.tenant),
      ATTEMPT_MEMORY_MS,
    ];
    const reply = (await OPEN.run(this.redis, keys, args)) as Array<string | number | null>;
    switch (reply[0]) {
      case 'duplicate':
        return { kind: 'duplicate' };
      case 'stale':
        return { kind: 'stale' };
      case 'missing':
        return { kind: 'missing', messageKey: String(reply[1]) };
      case 'wait':
        return { kind: 'wait', ms: Number(reply[1]) };
      default: {
        const refs = new Map<string, MessageRef>();
        needs.forEach((key, i) => refs.set(key, JSON.parse(String(reply[i + 3])) as MessageRef));
        const tried = reply[2] ? Number(reply[2]) : undefined;
        return { kind: 'send', conversation: reply[1] ? String(reply[1]) : undefined, refs, ...(tried !== undefined ? { tried } : {}) };
      }
    }
  }

  /**
   * Stops sends in a scope for `ms` (the platform's Retry-After), for every delivery waiting on
   * it: new reservations start after the block, and slots inside it are reserved again.
   */
  async block(tenant: string, scope: LimitScope, conversation: string | undefined, pacing: PacingRules, ms: number): Promise<void> {
    if (ms <= 0) return;
    const k = tenantKeys(this.prefix, tenant);
    if (scope === 'conversation' && conversation !== undefined) {
      await BLOCK.run(this.redis, [k.paceConversation(conversation)], [Math.ceil(ms), ...gcra(pacing.conversation)]);
    } else {
      await BLOCK.run(this.redis, [k.paceTenant], [Math.ceil(ms), ...gcra(pacing.tenant)]);
    }
  }
}

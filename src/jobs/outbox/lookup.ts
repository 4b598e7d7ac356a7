/**
 * Looking up deliveries whose earlier attempt has an unknown outcome (it reached the platform and
 * was never recorded as sent: its worker died mid-call, or the answer was lost). Before posting
 * again, the outbox asks the platform for its recent tagged messages in that place (Slack:
 * conversations.history / conversations.replies with message metadata) and adopts a message it
 * finds.
 *
 * Slack allows apps outside its Marketplace one history call a minute per workspace (Tier 1, at
 * most 15 messages), so lookups are few and shared:
 *
 * - only unknown-outcome deliveries ask (never a first attempt, never one after a known failure);
 * - one call per place at a time: every delivery asking while it runs waits for the same answer,
 *   and the answer serves later ones for `REMEMBER_MS` (recovered jobs are paced through the gate
 *   and come back one by one) as long as it was asked after their attempt;
 * - the wait is bounded (`WAIT_MS`): a call that fails, is rate-limited or is too slow means
 *   "unknown", and the caller posts anyway and counts a possible duplicate.
 */
import type { ChatPlatform, MessageRef, TaggedMessages, TaggedPlace } from '../../chat/platform.js';

/** How long a delivery waits for a lookup before it posts anyway. */
export const LOOKUP_WAIT_MS = 5_000;
/** How long one lookup's answer serves other deliveries in the same place. */
const REMEMBER_MS = 60_000;
/** Messages from this long before an attempt are looked at too (clocks of workers and platform differ). */
const SKEW_MS = 60_000;

/** What a lookup says about one delivery. */
export type Lookup = { kind: 'found'; ref: MessageRef } | { kind: 'absent' } | { kind: 'unknown'; reason: 'lookup_failed' | 'history_incomplete' };

interface Asked {
  /** When the call was made; it serves attempts that started before. */
  at: number;
  since: number;
  answer: Promise<TaggedMessages | undefined>;
}

function placeKey(platform: ChatPlatform, tenant: string, where: TaggedPlace): string {
  return 'user' in where ? `${platform.kind} ${tenant} dm ${where.user}` : `${platform.kind} ${tenant} ${where.conversation} ${where.thread ?? ''}`;
}

export class TaggedLookups {
  private readonly asked = new Map<string, Asked>();

  constructor(
    private readonly now: () => number = Date.now,
    private readonly waitMs = LOOKUP_WAIT_MS,
  ) {}

  /**
   * Whether the delivery tagged `key`, whose earlier attempt went to the platform at `tried` (ms),
   * is in `where` already. The platform must have `findTagged`.
   */
  async find(platform: ChatPlatform, tenant: string, where: TaggedPlace, key: string, tried: number): Promise<Lookup> {
    const find = platform.findTagged?.bind(platform);
    if (!find) return { kind: 'unknown', reason: 'lookup_failed' };
    const now = this.now();
    for (const [k, a] of this.asked) if (now - a.at > REMEMBER_MS) this.asked.delete(k);
    const place = placeKey(platform, tenant, where);
    let asked = this.asked.get(place);
    // An answer serves a delivery when it was asked after that delivery's attempt, and looked back
    // far enough to see what the attempt posted.
    if (!asked || asked.at < tried || asked.since > tried) {
      const since = tried - SKEW_MS;
      asked = { at: now, since, answer: find(tenant, where, new Date(since)).catch(() => undefined) };
      this.asked.set(place, asked);
    }
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<undefined>((done) => (timer = setTimeout(() => done(undefined), this.waitMs)));
    const answer = await Promise.race([asked.answer, timeout]).finally(() => clearTimeout(timer));
    // A failed call is remembered like an answer (asking again within the minute would be refused
    // too); a slow one keeps running for the deliveries that come after.
    if (!answer) return { kind: 'unknown', reason: 'lookup_failed' };
    const ref = answer.found.get(key);
    if (ref) return { kind: 'found', ref };
    return answer.complete ? { kind: 'absent' } : { kind: 'unknown', reason: 'history_incomplete' };
  }
}

/**
 * The outbox processor: delivers one `Delivery` through its platform, exactly once per
 * idempotency key as far as the platform allows (the marker is written right after the platform
 * accepts, so only a crash in that instant can repeat a message).
 *
 * - pacing: a token from the conversation's and the tenant's buckets, or wait (not an attempt);
 * - 429: block the scope for Retry-After and wait (not an attempt, counted as rate-limited);
 * - transient errors: thrown, so BullMQ retries with exponential backoff and jitter;
 * - permanent errors: recorded once, then `UnrecoverableError` so the job is never retried.
 */
import { DelayedError, UnrecoverableError, type Job } from 'bullmq';
import type { Delivery } from '../../chat/delivery.js';
import { ChatError, RateLimitedError } from '../../chat/errors.js';
import type { ChatPlatform, MessageRef, PlatformDirectory } from '../../chat/platform.js';
import type { AuditLog } from '../../core/ports.js';
import type { Logger } from '../../log.js';
import type { Metrics } from '../../metrics.js';
import type { DeliveryLog } from '../../store/deliveries.js';
import { tenantKeys } from '../../store/keys.js';
import type { Pacer, PaceScope } from './pacer.js';
import { linkedKeys, resolveLinks } from './resolve-links.js';

/** How long a delivery waits for the message it replies to, updates or links to. */
export const DEPENDENCY_WAIT_MS = 30 * 60_000;
const DEPENDENCY_RETRY_MS = 250;

export interface OutboxDeps {
  platforms: PlatformDirectory;
  /** Queues deliveries (a failed delivery's fallbacks). */
  enqueue: (deliveries: Delivery[]) => Promise<void>;
  deliveries: DeliveryLog;
  pacer: Pacer;
  audit: AuditLog;
  metrics: Metrics;
  log: Logger;
  prefix: string;
}

/** Failures that mean "this person or conversation cannot be reached": a delivery's fallbacks go instead. */
const UNREACHABLE = new Set(['blocked', 'conversation_not_found', 'not_in_channel']);

/** Why a delivery finished without calling the platform. */
type Outcome = 'delivered' | 'duplicate' | 'stale-update';

class PermanentFailure extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

async function later(job: Job, token: string | undefined, ms: number): Promise<never> {
  // Waiting is not a failed attempt: the job goes back to the delayed set for `ms`.
  await job.moveToDelayed(Date.now() + Math.max(1, Math.ceil(ms)) + Math.floor(Math.random() * 50), token);
  throw new DelayedError();
}

export function createOutboxProcessor(deps: OutboxDeps) {
  const { deliveries, metrics } = deps;

  async function refOrWait(job: Job, token: string | undefined, tenant: string, key: string): Promise<MessageRef> {
    const ref = await deliveries.ref(tenant, key);
    if (ref) return ref;
    if (Date.now() - job.timestamp > DEPENDENCY_WAIT_MS) {
      throw new PermanentFailure('missing_message', `message "${key}" was never delivered`);
    }
    return later(job, token, DEPENDENCY_RETRY_MS);
  }

  function scopes(platform: ChatPlatform, d: Delivery, conversation: string | undefined): PaceScope[] {
    const k = tenantKeys(deps.prefix, d.tenant);
    const out: PaceScope[] = [{ key: k.paceTenant, buckets: platform.pacing.tenant }];
    if (conversation !== undefined) out.unshift({ key: k.paceConversation(conversation), buckets: platform.pacing.conversation });
    return out;
  }

  async function recordPermanent(d: Delivery, code: string, message: string): Promise<void> {
    const first = await deliveries.recordFailure(d.tenant, { key: d.key, code, message, at: new Date().toISOString() });
    if (!first) return;
    metrics.outboxPermanentFailures.inc({ platform: d.platform, code });
    deps.log.error({ key: d.key, tenant: d.tenant, code, reason: message }, 'delivery failed for good; recorded, not retried');
    await deps.audit.append(d.tenant, { actor: 'shiftlead', at: new Date().toISOString(), type: 'outbox.failed', subject: d.key, detail: `${code}: ${message}` });
  }

  async function deliver(d: Delivery, job: Job, token: string | undefined): Promise<Outcome> {
    const platform = deps.platforms(d.platform);
    if (!platform) throw new PermanentFailure('no_platform', `platform "${d.platform}" is not configured here`);
    if (await deliveries.wasSent(d.tenant, d.key)) return 'duplicate';

    const target = d.target;
    let thread: MessageRef | undefined;
    let original: MessageRef | undefined;
    if (target.kind === 'reply') thread = await refOrWait(job, token, d.tenant, target.to);
    if (target.kind === 'update') {
      original = await refOrWait(job, token, d.tenant, target.of);
      if (target.version <= (await deliveries.deliveredVersion(d.tenant, target.of))) return 'stale-update';
    }
    const links = new Map<string, MessageRef>();
    for (const key of linkedKeys(d.message)) links.set(key, await refOrWait(job, token, d.tenant, key));
    const message = links.size > 0 ? resolveLinks(d.message, links) : d.message;

    const conversation =
      target.kind === 'conversation' || target.kind === 'thread' ? target.conversation
      : target.kind === 'dm' ? `dm-${target.user}`
      : target.kind === 'whisper' ? undefined
      : (thread ?? original)?.conversation;
    const paceScopes = scopes(platform, d, conversation);
    const wait = await deps.pacer.take(paceScopes);
    if (wait > 0) {
      metrics.outboxPaced.inc({ platform: d.platform });
      return later(job, token, wait);
    }

    let saved: MessageRef | undefined;
    try {
      switch (target.kind) {
        case 'conversation':
          saved = await platform.post(d.tenant, target.conversation, message);
          break;
        case 'thread':
          saved = await platform.post(d.tenant, target.conversation, message, { conversation: target.conversation, id: target.parent });
          break;
        case 'reply':
          saved = await platform.post(d.tenant, (thread as MessageRef).conversation, message, thread);
          break;
        case 'update':
          await platform.update(d.tenant, original as MessageRef, message);
          break;
        case 'dm':
          saved = await platform.dm(d.tenant, target.user, message);
          break;
        case 'whisper':
          await platform.whisper(d.tenant, target.conversation, target.user, message);
          break;
      }
    } catch (error) {
      if (error instanceof RateLimitedError) {
        metrics.outboxRateLimited.inc({ platform: d.platform });
        const blocked = error.scope === 'tenant' ? paceScopes.slice(-1) : paceScopes.slice(0, 1);
        await deps.pacer.block(blocked, error.retryAfterMs);
        return later(job, token, error.retryAfterMs);
      }
      if (error instanceof ChatError && error.permanent) throw new PermanentFailure(error.code, error.message);
      const attempts = job.opts.attempts ?? 1;
      if (job.attemptsMade + 1 >= attempts) {
        await recordPermanent(d, 'retries_exhausted', error instanceof Error ? error.message : String(error));
      }
      throw error;
    }
    await deliveries.markSent(
      d.tenant,
      d.key,
      saved && d.saveAs ? { messageKey: d.saveAs, ref: saved } : undefined,
      target.kind === 'update' ? { messageKey: target.of, version: target.version } : undefined,
    );
    metrics.outboxDelivered.inc({ platform: d.platform, op: target.kind });
    return 'delivered';
  }

  return async function processDelivery(d: Delivery, job: Job, token: string | undefined): Promise<Outcome> {
    try {
      const outcome = await deliver(d, job, token);
      if (outcome === 'duplicate') metrics.outboxDuplicates.inc({ platform: d.platform });
      return outcome;
    } catch (error) {
      if (error instanceof PermanentFailure) {
        await recordPermanent(d, error.code, error.message);
        if (d.fallback && UNREACHABLE.has(error.code)) await deps.enqueue(d.fallback);
        throw new UnrecoverableError(`${error.code}: ${error.message}`);
      }
      throw error;
    }
  };
}

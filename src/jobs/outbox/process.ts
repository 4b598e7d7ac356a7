/**
 * The outbox processor: delivers one `Delivery` through its platform, exactly once per
 * idempotency key as far as the platform allows: the marker is written the moment the platform
 * returns the message's id (its link and other extras are a step of their own after it, which a
 * retry completes without posting), so only a crash between the platform's answer and that write
 * can leave an attempt whose outcome is unknown.
 *
 * - one gate script per attempt (gate.ts): duplicate, stale, waiting for a message, waiting for
 *   a reserved send time, or send;
 * - waiting is not an attempt: the job is delayed to its reserved time, or parked until the
 *   message it needs is delivered (whose `markSent` releases it) — nothing polls;
 * - 429: block the scope for Retry-After and wait (not an attempt, counted as rate-limited);
 * - transient errors: thrown, so BullMQ retries with exponential backoff and jitter;
 * - permanent errors: recorded once, then `UnrecoverableError` so the job is never retried.
 *
 * Payloads are validated by the producer (`Queues.addBulk`), not again on every attempt.
 */
import { DelayedError, UnrecoverableError, type Job, type Queue } from 'bullmq';
import type { Delivery } from '../../chat/delivery.js';
import { ChatError, RateLimitedError } from '../../chat/errors.js';
import type { ChatPlatform, MessageRef, PacingRules, PlatformDirectory, TaggedPlace } from '../../chat/platform.js';
import type { AuditLog } from '../../core/ports.js';
import type { Logger } from '../../log.js';
import type { Metrics } from '../../metrics.js';
import type { DeliveryLog } from '../../store/deliveries.js';
import type { OutboxGate, Verdict } from './gate.js';
import { TaggedLookups } from './lookup.js';
import { resolveLinks } from './resolve-links.js';

/** How long a delivery waits for the message it replies to, updates or links to. */
export const DEPENDENCY_WAIT_MS = 30 * 60_000;
/** How often a delivery waiting for another message looks again, however it is woken. */
export const DEPENDENCY_RECHECK_MS = 10_000;
/** Waits for a reserved slot up to this long happen in memory, by up to `MAX_SLEEPERS` jobs at once. */
const SHORT_WAIT_MS = 250;
const MAX_SLEEPERS = 8;

export interface OutboxDeps {
  platforms: PlatformDirectory;
  /** Queues deliveries (a failed delivery's fallbacks). */
  enqueue: (deliveries: Delivery[]) => Promise<void>;
  deliveries: DeliveryLog;
  gate: OutboxGate;
  /** The outbox queue, to wake jobs released by a delivery. */
  queue: Queue;
  audit: AuditLog;
  metrics: Metrics;
  log: Logger;
  /** Looks up unknown-outcome deliveries (one per process: lookups are shared). */
  lookups?: TaggedLookups;
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

/** Where a post goes, as `findTagged` looks for it; undefined for what is not a new message. */
function taggedPlace(d: Delivery, refs: Map<string, MessageRef>): TaggedPlace | undefined {
  const target = d.target;
  switch (target.kind) {
    case 'conversation':
      return { conversation: target.conversation };
    case 'thread':
      return { conversation: target.conversation, thread: target.parent };
    case 'reply': {
      const thread = refs.get(target.to) as MessageRef;
      return { conversation: thread.conversation, thread: thread.threadRoot ?? thread.id };
    }
    case 'dm':
      return { user: target.user };
    default:
      return undefined;
  }
}

async function later(job: Job, token: string | undefined, at: number): Promise<never> {
  // Waiting is not a failed attempt: the job goes back to the delayed set until `at`.
  await job.moveToDelayed(Math.ceil(at), token);
  throw new DelayedError();
}

export function createOutboxProcessor(deps: OutboxDeps) {
  const { deliveries, metrics } = deps;
  const lookups = deps.lookups ?? new TaggedLookups();
  /**
   * Saved messages this process is delivering right now (`<tenant> <message key>` → settles when
   * the attempt ends). A confirmation queued with its card usually runs beside it here: it waits
   * for that attempt in memory instead of parking in Redis and being woken again.
   */
  const inFlight = new Map<string, Promise<void>>();
  let sleepers = 0;

  async function recordPermanent(d: Delivery, code: string, message: string): Promise<void> {
    const first = await deliveries.recordFailure(d.tenant, { key: d.key, code, message, at: new Date().toISOString() });
    if (!first) return;
    metrics.outboxPermanentFailures.inc({ platform: d.platform, code });
    deps.log.error({ key: d.key, tenant: d.tenant, code, reason: message }, 'delivery failed for good; recorded, not retried');
    await deps.audit.append(d.tenant, { actor: 'shiftlead', at: new Date().toISOString(), type: 'outbox.failed', subject: d.key, detail: `${code}: ${message}` });
  }

  /** Wakes jobs now rather than at their delay (released waiters; a job whose message came meanwhile). */
  async function wake(ids: string[]): Promise<void> {
    const backend = deps.queue.getBackend();
    // A job that is no longer delayed (already woken, or removed) needs nothing.
    await Promise.all(ids.map((id) => backend.promote(id).catch(() => undefined)));
  }

  /**
   * Asks the gate, and handles here what is cheaper to wait out in memory than through Redis: a
   * message this process is delivering right now, and a reserved slot a few ms away (a BullMQ
   * delay costs Redis ~40 commands; a few jobs may sleep here instead).
   */
  async function decide(d: Delivery, job: Job, pacing: PacingRules): Promise<Verdict> {
    let firstRun = job.attemptsStarted <= 1;
    const awaited = new Set<string>();
    for (let round = 0; ; round += 1) {
      const verdict = await deps.gate.open(d, pacing, firstRun);
      if (round >= 5) return verdict;
      if (verdict.kind === 'missing') {
        const local = inFlight.get(`${d.tenant} ${verdict.messageKey}`);
        if (!local || awaited.has(verdict.messageKey)) return verdict;
        awaited.add(verdict.messageKey);
        await local;
      } else if (verdict.kind === 'wait' && verdict.ms <= SHORT_WAIT_MS && sleepers < MAX_SLEEPERS) {
        metrics.outboxPaced.inc({ platform: d.platform });
        sleepers += 1;
        await new Promise((r) => setTimeout(r, verdict.ms)).finally(() => (sleepers -= 1));
        firstRun = false;
      } else {
        return verdict;
      }
    }
  }

  /** Parks the job until `messageKey` is delivered (or the dependency deadline passes). */
  async function waitForMessage(d: Delivery, job: Job, token: string | undefined, messageKey: string): Promise<never> {
    const deadline = job.timestamp + DEPENDENCY_WAIT_MS;
    if (Date.now() >= deadline) throw new PermanentFailure('missing_message', `message "${messageKey}" was never delivered`);
    // Delayed first, recorded as waiting second: whoever delivers the message finds the job
    // delayed and can wake it; if it came in between, the record says so and the job wakes itself.
    // A wake-up lost to a crash (a worker killed between the two steps, or between releasing the
    // waiters and waking them) costs at most DEPENDENCY_RECHECK_MS: the job looks again by then.
    await job.moveToDelayed(Math.min(deadline, Date.now() + DEPENDENCY_RECHECK_MS), token);
    if (await deliveries.waitFor(d.tenant, messageKey, job.id as string, deadline - Date.now() + 60_000)) await wake([job.id as string]);
    throw new DelayedError();
  }

  async function send(platform: ChatPlatform, d: Delivery, refs: Map<string, MessageRef>): Promise<MessageRef | undefined> {
    const target = d.target;
    const message = refs.size > 0 ? resolveLinks(d.message, refs) : d.message;
    // Posts carry their idempotency key as a tag, so that a retry with an unknown outcome can find them.
    switch (target.kind) {
      case 'conversation':
        return platform.post(d.tenant, target.conversation, message, undefined, d.key);
      case 'thread':
        return platform.post(d.tenant, target.conversation, message, { conversation: target.conversation, id: target.parent }, d.key);
      case 'reply': {
        const thread = refs.get(target.to) as MessageRef;
        return platform.post(d.tenant, thread.conversation, message, thread, d.key);
      }
      case 'update':
        await platform.update(d.tenant, refs.get(target.of) as MessageRef, message);
        return undefined;
      case 'dm':
        return platform.dm(d.tenant, target.user, message, d.key);
      case 'whisper':
        await platform.whisper(d.tenant, target.conversation, target.user, message);
        return undefined;
    }
  }

  async function deliver(d: Delivery, job: Job, token: string | undefined): Promise<Outcome> {
    const platform = deps.platforms(d.platform);
    if (!platform) throw new PermanentFailure('no_platform', `platform "${d.platform}" is not configured here`);

    const verdict = await decide(d, job, platform.pacing);
    switch (verdict.kind) {
      case 'duplicate':
        // Sent by an attempt that ended before its extras: they are done here, never the post.
        await finishEarlier(platform, d);
        return 'duplicate';
      case 'stale':
        return 'stale-update';
      case 'missing':
        return waitForMessage(d, job, token, verdict.messageKey);
      case 'wait':
        metrics.outboxPaced.inc({ platform: d.platform });
        return later(job, token, Date.now() + verdict.ms);
      case 'send':
        break;
    }

    let saved: MessageRef | undefined;
    try {
      const adopted = verdict.tried === undefined ? undefined : await adopt(platform, d, verdict.refs, verdict.tried);
      if (adopted) metrics.outboxAdopted.inc({ platform: d.platform });
      saved = adopted ?? (await send(platform, d, verdict.refs));
    } catch (error) {
      if (error instanceof RateLimitedError) {
        // Refused, so not posted: the next attempt's outcome is not in doubt.
        await deliveries.forgetAttempt(d.tenant, d.key);
        metrics.outboxRateLimited.inc({ platform: d.platform });
        await deps.gate.block(d.tenant, error.scope, verdict.conversation, platform.pacing, error.retryAfterMs);
        return later(job, token, Date.now() + error.retryAfterMs);
      }
      if (error instanceof ChatError && error.permanent) throw new PermanentFailure(error.code, error.message);
      const attempts = job.opts.attempts ?? 1;
      if (job.attemptsMade + 1 >= attempts) {
        await recordPermanent(d, 'retries_exhausted', error instanceof Error ? error.message : String(error));
      }
      throw error;
    }
    const target = d.target;
    const saving = saved && d.saveAs ? { messageKey: d.saveAs, ref: saved } : undefined;
    const extras = saving !== undefined && needsLink(platform, d, saving.ref);
    // Recorded as sent the moment the platform gave its id, before anything else can fail or
    // crash: from here on no attempt posts it again. Its link (a call of its own) comes after.
    const released = await deliveries.markSent(d.tenant, d.key, saving, target.kind === 'update' ? { messageKey: target.of, version: target.version } : undefined, !extras);
    metrics.outboxDelivered.inc({ platform: d.platform, op: target.kind });
    if (saving && extras) released.push(...(await complete(platform, d.tenant, saving.messageKey, saving.ref)));
    if (released.length > 0) await wake(released);
    return 'delivered';
  }

  /**
   * An earlier attempt of this delivery went to the platform at `tried` and was never recorded as
   * sent. For a post, looks for it by its tag (lookup.ts) and returns it when found (adopted, not
   * posted again); when the platform cannot look, or the lookup cannot tell, the caller posts and
   * the possible duplicate is counted.
   */
  async function adopt(platform: ChatPlatform, d: Delivery, refs: Map<string, MessageRef>, tried: number): Promise<MessageRef | undefined> {
    const where = taggedPlace(d, refs);
    if (!where) return undefined; // an update or a whisper: sending it again changes nothing
    metrics.outboxUnknownOutcomes.inc({ platform: d.platform });
    if (!platform.findTagged) {
      metrics.outboxPossibleDuplicates.inc({ platform: d.platform, reason: 'no_history' });
      return undefined;
    }
    const found = await lookups.find(platform, d.tenant, where, d.key, tried);
    if (found.kind === 'found') return found.ref;
    if (found.kind === 'unknown') {
      metrics.outboxPossibleDuplicates.inc({ platform: d.platform, reason: found.reason });
      deps.log.warn({ key: d.key, tenant: d.tenant, reason: found.reason }, 'posting a delivery whose earlier attempt may have been posted (could not look it up)');
    }
    return undefined;
  }

  /** A saved post whose platform gives its link by a call of its own (`ChatPlatform.link`). */
  function needsLink(platform: ChatPlatform, d: Delivery, ref: MessageRef): boolean {
    return platform.link !== undefined && ref.link === undefined && ['conversation', 'thread', 'reply'].includes(d.target.kind);
  }

  /** The step after the post: its link (best effort; a message without one is still delivered), then where it landed, released to the deliveries waiting for it. */
  async function complete(platform: ChatPlatform, tenant: string, messageKey: string, ref: MessageRef): Promise<string[]> {
    const link = await platform.link?.(tenant, ref).catch(() => undefined);
    return deliveries.complete(tenant, messageKey, link ? { ...ref, link } : ref);
  }

  /** Completes a saved message an earlier attempt sent but did not complete (it crashed in between). */
  async function finishEarlier(platform: ChatPlatform, d: Delivery): Promise<void> {
    if (d.saveAs === undefined) return;
    const ref = await deliveries.unfinished(d.tenant, d.key, d.saveAs);
    if (!ref) return;
    const released = needsLink(platform, d, ref) ? await complete(platform, d.tenant, d.saveAs, ref) : await deliveries.complete(d.tenant, d.saveAs, ref);
    if (released.length > 0) await wake(released);
  }

  return async function processDelivery(d: Delivery, job: Job, token: string | undefined): Promise<Outcome> {
    const saving = d.saveAs === undefined ? undefined : `${d.tenant} ${d.saveAs}`;
    const mine = saving !== undefined && !inFlight.has(saving) ? { saving, settle: () => {} } : undefined;
    if (mine) inFlight.set(mine.saving, new Promise<void>((done) => (mine.settle = done)));
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
    } finally {
      if (mine) {
        inFlight.delete(mine.saving);
        mine.settle();
      }
    }
  };
}

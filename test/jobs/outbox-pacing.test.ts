/**
 * Pacing by reservation, priorities and dependencies, through the real app and queue. Nothing
 * here measures speed: each test checks how many times a job ran, what order messages arrived
 * in, or a lower bound the design guarantees (a 429's Retry-After).
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Delivery, DeliveryPriority } from '../../src/chat/delivery.js';
import type { PacingRules } from '../../src/chat/platform.js';
import { OutboxGate } from '../../src/jobs/outbox/gate.js';
import { QueueOutbox } from '../../src/jobs/outbox/outbox.js';
import { tenantKeys } from '../../src/store/keys.js';
import { counter, startTestApp, waitForJob } from '../support/app.js';
import { HttpTestPlatform } from '../support/http-platform.js';
import { Recorder } from '../support/recorder.js';
import { deletePrefix, newRedis } from '../support/redis.js';

const TENANT = 'slack-T0PACE';

function delivery(key: string, conversation: string, priority?: DeliveryPriority): Delivery {
  return {
    key,
    tenant: TENANT,
    platform: 'slack',
    target: { kind: 'conversation', conversation },
    message: { text: key, blocks: [] },
    ...(priority ? { priority } : {}),
  };
}

const texts = (recorder: Recorder) => recorder.requests.map((r) => (r.json as { message: { text: string } }).message.text);

const cleanups: Array<() => Promise<void>> = [];

afterEach(async () => {
  for (const fn of cleanups.splice(0)) await fn();
});

/** The real app delivering to a Recorder; `reserveWhenQueued`: the producer reserves slots (as app.ts does). */
async function setup(pacing: PacingRules, reserveWhenQueued = false) {
  const recorder = new Recorder();
  const url = await recorder.start();
  const app = await startTestApp({ extraPlatforms: [new HttpTestPlatform(url, pacing)] });
  cleanups.push(async () => {
    await app.close();
    await recorder.stop();
    const redis = newRedis();
    await deletePrefix(redis, app.prefix);
    redis.disconnect();
  });
  const outbox = new QueueOutbox(app.queues, reserveWhenQueued ? { gate: new OutboxGate(app.redis, app.prefix), pacing: () => pacing } : undefined);
  return { app, recorder, outbox, queue: app.queues.get('outbox') };
}

describe.each([
  ['reserved when queued', true],
  ['reserved by the worker', false],
])('outbox pacing, slots %s', (_mode, reserveWhenQueued) => {
  it('reserves each backlogged delivery a send time once: no polling', async () => {
    const { app, recorder, outbox, queue } = await setup({ conversation: [{ capacity: 2, perSecond: 5 }], tenant: [] }, reserveWhenQueued);
    const keys = Array.from({ length: 12 }, (_, i) => `backlog-${i}`);
    await outbox.enqueue(keys.map((k) => delivery(k, 'C0BUSY')));
    await recorder.waitFor((r) => r.length === 12);
    for (const key of keys) await waitForJob(queue, key, ['completed']);

    const started = await Promise.all(keys.map(async (k) => (await queue.getJob(k))?.attemptsStarted));
    if (reserveWhenQueued) {
      // Queued delayed to their slots: each job runs once, at its time.
      expect(started.every((n) => n === 1)).toBe(true);
    } else {
      // Two go at once (the burst); the others reserve their time once and run again at it (those
      // due within a few hundred ms wait in memory and run once).
      expect(started.every((n) => n === 1 || n === 2)).toBe(true);
      const delayed = started.filter((n) => n === 2).length;
      expect(delayed).toBeGreaterThanOrEqual(5);
      expect(await counter(app, 'shiftlead_outbox_paced_total')).toBeGreaterThanOrEqual(delayed);
    }
    expect(new Set(texts(recorder))).toEqual(new Set(keys));
  });

  it('moves the next send past Retry-After for every delivery waiting on the conversation', async () => {
    const { recorder, outbox, queue } = await setup({ conversation: [{ capacity: 1, perSecond: 1 }], tenant: [] }, reserveWhenQueued);
    recorder.script = (_req, i) => (i === 0 ? { status: 429, headers: { 'retry-after': '2' }, body: { ok: false, error: 'ratelimited' } } : undefined);
    const keys = ['rl-a', 'rl-b', 'rl-c'];
    await outbox.enqueue(keys.map((k) => delivery(k, 'C0LIMITED')));
    for (const key of keys) await waitForJob(queue, key, ['completed']);

    // rl-b and rl-c had slots 1 s and 2 s after rl-a; the 429 (Retry-After: 2 s) moved them past it.
    const [limited, ...rest] = recorder.requests;
    expect(rest).toHaveLength(3);
    for (const r of rest) expect(r.at - (limited?.at ?? 0)).toBeGreaterThanOrEqual(2000);
  });
});

// The same script decides whoever reserves (its steals are unit-tested in outbox-gate.test.ts):
// end to end once, the way the app queues.
describe('outbox priorities', () => {
  it('puts an interactive message ahead of a conversation’s bulk backlog', async () => {
    const { recorder, outbox, queue } = await setup({ conversation: [{ capacity: 1, perSecond: 4 }], tenant: [] }, true);
    const bulk = Array.from({ length: 20 }, (_, i) => delivery(`brief-${i}`, 'C0FLOOR', 'bulk'));
    await outbox.enqueue(bulk);
    await recorder.waitFor((r) => r.length >= 2);
    await outbox.enqueue([delivery('card-1', 'C0FLOOR')]);
    await waitForJob(queue, 'card-1', ['completed']);
    await recorder.waitFor((r) => r.length === 21, 15_000);

    // Without priorities the card would come last; with them it waits at most a slot or two,
    // so most of the bulk backlog is delivered after it.
    const order = texts(recorder);
    expect(order.slice(order.indexOf('card-1') + 1).length).toBeGreaterThanOrEqual(12);
  });

  it('puts an interactive message ahead of a bulk fan-out that fills the tenant’s rate', async () => {
    const { recorder, outbox, queue } = await setup({ conversation: [], tenant: [{ capacity: 1, perSecond: 4 }] }, true);
    await outbox.enqueue(Array.from({ length: 20 }, (_, i) => delivery(`pulse-${i}`, `D0AGENT${i}`, 'bulk')));
    await recorder.waitFor((r) => r.length >= 2);
    await outbox.enqueue([delivery('card-2', 'C0SUPPORT')]);
    await waitForJob(queue, 'card-2', ['completed']);
    await recorder.waitFor((r) => r.length === 21, 15_000);

    const order = texts(recorder);
    expect(order.slice(order.indexOf('card-2') + 1).length).toBeGreaterThanOrEqual(12);
  });

});

describe('outbox dependencies and payloads', () => {
  it('parks a reply until its card is delivered, then runs it once more: no polling', async () => {
    const { app, recorder, outbox, queue } = await setup({ conversation: [], tenant: [] });
    recorder.answer = () => ({ status: 200, body: { id: '1700000000.000200' } });
    await outbox.enqueue([{ ...delivery('line-1', 'C0X'), target: { kind: 'reply', to: 'card-9' } }]);
    const redis = newRedis();
    cleanups.push(async () => redis.disconnect());
    const waiting = tenantKeys(app.prefix, TENANT).outWaiting('card-9');
    await expect.poll(() => redis.smembers(waiting)).toEqual(['line-1']);
    // However long the card takes, the reply does not run again until it is delivered.
    await new Promise((r) => setTimeout(r, 600));
    expect((await queue.getJob('line-1'))?.attemptsStarted).toBe(1);

    await outbox.enqueue([{ ...delivery('card-post', 'C0SUPPORT'), saveAs: 'card-9' }]);
    await waitForJob(queue, 'line-1', ['completed']);
    expect((await queue.getJob('line-1'))?.attemptsStarted).toBe(2);
    expect(await redis.exists(waiting)).toBe(0);
    expect(recorder.requests.find((r) => (r.json as { message: { text: string } }).message.text === 'line-1')?.json).toMatchObject({ conversation: 'C0SUPPORT', thread: '1700000000.000200' });
  });

  it('lets a confirmation queued with its card wait for it in memory: each runs once', async () => {
    const { recorder, outbox, queue } = await setup({ conversation: [], tenant: [] });
    recorder.answer = () => ({ status: 200, body: { id: '1700000000.000300' } });
    await outbox.enqueue([
      { ...delivery('card-post', 'C0SUPPORT'), saveAs: 'card-7' },
      { ...delivery('confirm', 'x'), target: { kind: 'dm', user: 'U0ANA' }, message: { text: 'Posted: [open it](ref:card-7)', blocks: [] } },
    ]);
    await waitForJob(queue, 'confirm', ['completed']);
    expect((await queue.getJob('confirm'))?.attemptsStarted).toBe(1);
    expect((await queue.getJob('card-post'))?.attemptsStarted).toBe(1);
    expect(recorder.requests.map((r) => (r.json as { message: { text: string } }).message.text)).toEqual(['card-post', 'Posted: open it']);
  });

  it('fails a job that bypassed the producer with an invalid payload once, without calling the platform', async () => {
    const { recorder, queue } = await setup({ conversation: [], tenant: [] });
    await queue.add('conversation', { key: 'hand-made', tenant: TENANT, platform: 'slack', target: { kind: 'conversation' }, message: { text: 'x' } }, { jobId: 'hand-made' });
    await waitForJob(queue, 'hand-made', ['failed']);
    const job = await queue.getJob('hand-made');
    expect(job?.failedReason).toMatch(/^invalid outbox payload: .*target\.conversation/);
    expect(job?.attemptsMade).toBe(1);
    expect(recorder.requests).toHaveLength(0);
  });
});

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Delivery } from '../../src/chat/delivery.js';
import { QueueOutbox } from '../../src/jobs/outbox/outbox.js';
import { RedisAuditLog } from '../../src/store/audit.js';
import { DeliveryLog } from '../../src/store/deliveries.js';
import { counter, eventually, startTestApp, waitForJob } from '../support/app.js';
import { HttpTestPlatform } from '../support/http-platform.js';
import { Recorder } from '../support/recorder.js';
import { deletePrefix } from '../support/redis.js';

const TENANT = 'slack-T0TEST';
const text = (body: string) => ({ text: body, blocks: [{ type: 'section' as const, text: body }] });
const post = (key: string, body = key, extra: Partial<Delivery> = {}): Delivery => ({
  key,
  tenant: TENANT,
  platform: 'slack',
  target: { kind: 'conversation', conversation: 'C0SUPPORT' },
  message: text(body),
  ...extra,
});

describe('outbox', () => {
  let recorder: Recorder;
  let app: Awaited<ReturnType<typeof startTestApp>>;
  let outbox: QueueOutbox;

  beforeEach(async () => {
    recorder = new Recorder();
    const url = await recorder.start();
    app = await startTestApp({ extraPlatforms: [new HttpTestPlatform(url)] });
    outbox = new QueueOutbox(app.queues);
  });

  afterEach(async () => {
    await app.close();
    await recorder.stop();
    const { newRedis } = await import('../support/redis.js');
    const redis = newRedis();
    await deletePrefix(redis, app.prefix);
    redis.disconnect();
  });

  it('delivers a duplicate idempotency key once, even after its job is gone', async () => {
    await Promise.all([outbox.enqueue([post('dup-1')]), outbox.enqueue([post('dup-1')])]);
    await waitForJob(app.queues.get('outbox'), 'dup-1', ['completed']);
    await outbox.enqueue([post('dup-1')]);
    // The finished job is removed (as retention eventually does); the delivery log still knows the key.
    await app.queues.get('outbox').remove('dup-1');
    await outbox.enqueue([post('dup-1')]);
    await waitForJob(app.queues.get('outbox'), 'dup-1', ['completed']);
    expect(await counter(app, 'shiftlead_outbox_duplicates_total')).toBe(1);
    expect(recorder.requests.filter((r) => r.path === '/post')).toHaveLength(1);
  });

  it('waits out a 429 with Retry-After: 1 and counts it as rate-limited, not failed', async () => {
    recorder.script = (_req, i) => (i === 0 ? { status: 429, headers: { 'retry-after': '1' }, body: { ok: false, error: 'ratelimited' } } : undefined);
    await outbox.enqueue([post('rl-1')]);
    await waitForJob(app.queues.get('outbox'), 'rl-1', ['completed']);
    const [first, second] = recorder.requests;
    expect(recorder.requests).toHaveLength(2);
    expect((second?.at ?? 0) - (first?.at ?? 0)).toBeGreaterThanOrEqual(1000);
    expect(await counter(app, 'shiftlead_outbox_rate_limited_total')).toBe(1);
    expect(await counter(app, 'shiftlead_jobs_failed_total')).toBe(0);
    expect(await counter(app, 'shiftlead_jobs_retried_total')).toBe(0);
    // One attempt in all: the successful one. The 429 moved the job back without spending one.
    expect((await app.queues.get('outbox').getJob('rl-1'))?.attemptsMade).toBe(1);
  });

  it('records a permanent error once and never retries it', async () => {
    recorder.answer = () => ({ status: 404, body: { ok: false, error: 'channel_not_found' } });
    await outbox.enqueue([post('gone-1')]);
    await waitForJob(app.queues.get('outbox'), 'gone-1', ['failed']);
    await outbox.enqueue([post('gone-1')]);
    const deliveries = new DeliveryLog(app.redis, app.prefix);
    const failures = await deliveries.failures(TENANT);
    expect(failures).toMatchObject([{ key: 'gone-1', code: 'conversation_not_found' }]);
    const audit = await new RedisAuditLog(app.redis, app.prefix).recent(TENANT, 10);
    expect(audit.filter((e) => e.type === 'outbox.failed')).toHaveLength(1);
    expect(recorder.requests).toHaveLength(1);
    expect(await counter(app, 'shiftlead_outbox_permanent_failures_total', { code: 'conversation_not_found' })).toBe(1);
  });

  it('retries a transient error with backoff and delivers', async () => {
    recorder.script = (_req, i) => (i === 0 ? { status: 503 } : undefined);
    await outbox.enqueue([post('flaky-1')]);
    await waitForJob(app.queues.get('outbox'), 'flaky-1', ['completed']);
    expect(recorder.requests).toHaveLength(2);
    expect(await counter(app, 'shiftlead_jobs_retried_total', { queue: 'outbox' })).toBe(1);
  });

  it('holds a reply until the message it replies to is delivered, then threads it', async () => {
    await outbox.enqueue([{ ...post('reply-1'), target: { kind: 'reply', to: 'card-1' } }]);
    await new Promise((r) => setTimeout(r, 300));
    expect(recorder.requests).toHaveLength(0);
    recorder.answer = () => ({ status: 200, body: { id: '1700000000.000100' } });
    await outbox.enqueue([post('card-post', 'card', { saveAs: 'card-1' })]);
    await waitForJob(app.queues.get('outbox'), 'reply-1', ['completed']);
    const reply = recorder.requests.find((r) => (r.json as { message: { text: string } }).message.text === 'reply-1');
    expect(reply?.json).toMatchObject({ thread: '1700000000.000100', conversation: 'C0SUPPORT' });
  });

  it('drops an update older than the last one delivered', async () => {
    await outbox.enqueue([post('card-post', 'card', { saveAs: 'card-2' })]);
    await waitForJob(app.queues.get('outbox'), 'card-post', ['completed']);
    const update = (v: number): Delivery => ({ ...post(`upd-v${v}`, `v${v}`), target: { kind: 'update', of: 'card-2', version: v } });
    await outbox.enqueue([update(3)]);
    await waitForJob(app.queues.get('outbox'), 'upd-v3', ['completed']);
    await outbox.enqueue([update(2)]);
    await waitForJob(app.queues.get('outbox'), 'upd-v2', ['completed']);
    expect(recorder.requests.filter((r) => r.path === '/update').map((r) => (r.json as { message: { text: string } }).message.text)).toEqual(['v3']);
  });

  it('rejects a malformed delivery before it is queued', async () => {
    await expect(outbox.enqueue([{ ...post('bad:key') }])).rejects.toThrow(/idempotency keys/);
    await expect(outbox.enqueue([{ ...post('12345') }])).rejects.toThrow(/all digits/);
    await eventually(async () => (await app.queues.get('outbox').getJobCounts()).waiting === 0);
    expect(recorder.requests).toHaveLength(0);
  });
});

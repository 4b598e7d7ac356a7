import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Delivery } from '../../src/chat/delivery.js';
import { QueueOutbox } from '../../src/jobs/outbox/outbox.js';
import { RedisAuditLog } from '../../src/store/audit.js';
import { DeliveryLog } from '../../src/store/deliveries.js';
import { counter, eventually, startTestApp, waitForJob } from '../support/app.js';
import { HttpTestPlatform } from '../support/http-platform.js';
import { Recorder } from '../support/recorder.js';
import { deletePrefix, newRedis } from '../support/redis.js';

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
    await recorder.start();
    app = await startTestApp({ extraPlatforms: [new HttpTestPlatform(recorder.url)] });
    outbox = new QueueOutbox(app.queues);
  });

  afterEach(async () => {
    await app.close();
    await recorder.stop();
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

  it('a reply whose wake-up was lost (a worker killed after its message was delivered) still goes, within the re-check interval', async () => {
    await outbox.enqueue([{ ...post('reply-lost'), target: { kind: 'reply', to: 'card-lost' } }]);
    await new Promise((r) => setTimeout(r, 300));
    // The card is recorded as delivered straight in the delivery log, as a worker that died before waking its waiters leaves it.
    const redis = newRedis();
    const log = new DeliveryLog(redis, app.prefix);
    await log.markSent(TENANT, 'card-lost-post', { messageKey: 'card-lost', ref: { conversation: 'C0SUPPORT', id: '1700000000.000200' } });
    redis.disconnect();
    await waitForJob(app.queues.get('outbox'), 'reply-lost', ['completed'], 25_000);
    const reply = recorder.requests.find((r) => (r.json as { message: { text: string } }).message.text === 'reply-lost');
    expect(reply?.json).toMatchObject({ thread: '1700000000.000200', conversation: 'C0SUPPORT' });
  });

  it('records a post as sent the moment the platform gives its id; its link is a step of its own that never posts again', async () => {
    // This app's platform asks for links by a call of its own, as Slack does.
    await app.close();
    const redis = newRedis();
    await deletePrefix(redis, app.prefix);
    redis.disconnect();
    app = await startTestApp({ extraPlatforms: [new HttpTestPlatform(recorder.url, undefined, 'slack', { links: true, linkTimeoutMs: 1_500 })] });
    outbox = new QueueOutbox(app.queues);
    const deliveries = new DeliveryLog(app.redis, app.prefix);
    recorder.answer = (req) => ({ status: 200, body: { id: req.path === '/post' ? '1700000000.000900' : 'x' } });
    // The first link request is never answered: the link step gives up, the post stands.
    recorder.script = (req) => (req.path === '/link' ? { hold: true } : undefined);
    const confirm: Delivery = { ...post('confirm-9', 'Posted: [open ESC-9](ref:card-9)'), target: { kind: 'dm', user: 'U0ANALIMA' } };
    await outbox.enqueue([post('card-post-9', 'card', { saveAs: 'card-9' }), confirm]);
    await recorder.waitFor((r) => r.some((x) => x.path === '/link'));
    expect(await deliveries.wasSent(TENANT, 'card-post-9')).toBe(true);
    // The confirmation links to the card: it waits for the link step, not for a second post.
    expect(recorder.requests.filter((r) => r.path === '/dm')).toHaveLength(0);
    await waitForJob(app.queues.get('outbox'), 'confirm-9', ['completed']);
    expect(recorder.requests.filter((r) => r.path === '/post')).toHaveLength(1);
    const dm = recorder.requests.find((r) => r.path === '/dm')?.json as { message: { text: string } };
    expect(dm.message.text).toBe('Posted: open ESC-9');
    expect(await deliveries.ref(TENANT, 'card-9')).toEqual({ conversation: 'C0SUPPORT', id: '1700000000.000900' });

    // With an answer, the link is recorded and the next message links to it.
    recorder.script = () => undefined;
    await outbox.enqueue([post('card-post-10', 'card', { saveAs: 'card-10' }), { ...confirm, key: 'confirm-10', message: text('Posted: [open ESC-10](ref:card-10)') }]);
    await waitForJob(app.queues.get('outbox'), 'confirm-10', ['completed']);
    const second = recorder.requests.filter((r) => r.path === '/dm').at(-1)?.json as { message: { text: string } };
    expect(second.message.text).toBe('Posted: [open ESC-10](https://chat.example/C0SUPPORT/1700000000.000900)');
  });

  it('completes a post whose attempt ended between "sent" and its link (a crash): the retry fetches the link, never posts', async () => {
    await app.close();
    const redis = newRedis();
    await deletePrefix(redis, app.prefix);
    redis.disconnect();
    app = await startTestApp({ extraPlatforms: [new HttpTestPlatform(recorder.url, undefined, 'slack', { links: true })] });
    outbox = new QueueOutbox(app.queues);
    // What a worker killed right after recording the post leaves: the marker (with where the post
    // landed), no recorded ref, a confirmation waiting for it.
    const deliveries = new DeliveryLog(app.redis, app.prefix);
    await deliveries.markSent(TENANT, 'card-post-11', { messageKey: 'card-11', ref: { conversation: 'C0SUPPORT', id: '1700000000.001100' } }, undefined, false);
    await outbox.enqueue([{ ...post('confirm-11', 'Posted: [open ESC-11](ref:card-11)'), target: { kind: 'dm', user: 'U0ANALIMA' } }]);
    await new Promise((r) => setTimeout(r, 300));
    expect(recorder.requests.filter((r) => r.path === '/dm')).toHaveLength(0);
    // The stalled job runs again.
    await outbox.enqueue([post('card-post-11', 'card', { saveAs: 'card-11' })]);
    await waitForJob(app.queues.get('outbox'), 'confirm-11', ['completed']);
    expect(recorder.requests.filter((r) => r.path === '/post')).toHaveLength(0);
    expect(recorder.requests.filter((r) => r.path === '/link')).toHaveLength(1);
    const dm = recorder.requests.find((r) => r.path === '/dm')?.json as { message: { text: string } };
    expect(dm.message.text).toBe('Posted: [open ESC-11](https://chat.example/C0SUPPORT/1700000000.001100)');
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

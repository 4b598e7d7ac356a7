/**
 * The outbox across real processes: pacing holds with two workers sharing a conversation, and a
 * worker SIGKILLed mid-delivery leaves a message that is still delivered exactly once.
 */
import type { ChildProcess } from 'node:child_process';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import type { Delivery } from '../../src/chat/delivery.js';
import type { PacingRules } from '../../src/chat/platform.js';
import { QueueOutbox } from '../../src/jobs/outbox/outbox.js';
import { Queues } from '../../src/jobs/queues.js';
import { waitForJob } from '../support/app.js';
import { exited, runTs } from '../support/processes.js';
import { Recorder } from '../support/recorder.js';
import { deletePrefix, redisUrl, uniquePrefix } from '../support/redis.js';

const WORKER = 'test/support/outbox-worker-child.ts';

function delivery(key: string, conversation: string): Delivery {
  return { key, tenant: 'slack-T0PACE', platform: 'slack', target: { kind: 'conversation', conversation }, message: { text: key, blocks: [] } };
}

describe('outbox across processes', () => {
  const children: ChildProcess[] = [];
  const cleanups: Array<() => Promise<void>> = [];

  afterEach(async () => {
    for (const child of children.splice(0)) {
      child.kill('SIGKILL');
      await exited(child);
    }
    for (const fn of cleanups.splice(0)) await fn();
  });

  async function setup() {
    const prefix = uniquePrefix();
    const recorder = new Recorder();
    const url = await recorder.start();
    const redis = new Redis(redisUrl(), { maxRetriesPerRequest: null });
    const queues = new Queues(redis, prefix);
    cleanups.push(async () => {
      await queues.close();
      await recorder.stop();
      await deletePrefix(redis, prefix);
      redis.disconnect();
    });
    return { prefix, recorder, url, queues, outbox: new QueueOutbox(queues) };
  }

  it('holds the per-conversation rate with two worker processes', async () => {
    const { prefix, recorder, url, outbox } = await setup();
    // Two tokens of burst, then four per second: 12 messages need at least (12 - 2) / 4 = 2.5 s.
    const pacing: PacingRules = { conversation: [{ capacity: 2, perSecond: 4 }], tenant: [] };
    const env = { REDIS_URL: redisUrl(), PREFIX: prefix, RECORDER_URL: url, PACING: JSON.stringify(pacing) };
    // Both tracked even if one fails to start, so that afterEach stops the other.
    const started = await Promise.allSettled([runTs(WORKER, env, 'ready'), runTs(WORKER, env, 'ready')]);
    for (const s of started) if (s.status === 'fulfilled') children.push(s.value);
    for (const s of started) if (s.status === 'rejected') throw s.reason;
    // Warm both processes up first (their first request pays for connections and compilation),
    // so that the spacing measured below is the pacing's, not a cold start's.
    await outbox.enqueue(Array.from({ length: 4 }, (_, i) => delivery(`warm-${i}`, `C0WARM${i}`)));
    await recorder.waitFor((r) => r.filter((x) => x.answered).length === 4, 20_000);
    recorder.requests.splice(0);

    await outbox.enqueue(Array.from({ length: 12 }, (_, i) => delivery(`pace-${i}`, 'C0BUSY')));
    await outbox.enqueue(Array.from({ length: 2 }, (_, i) => delivery(`other-${i}`, 'C0QUIET')));
    await recorder.waitFor((r) => r.filter((x) => x.answered).length === 14, 20_000);

    const busy = recorder.requests.filter((r) => (r.json as { conversation: string }).conversation === 'C0BUSY').map((r) => r.at).sort((a, b) => a - b);
    const quiet = recorder.requests.filter((r) => (r.json as { conversation: string }).conversation === 'C0QUIET');
    expect(busy).toHaveLength(12);
    const first = busy[0] as number;
    const last = busy[busy.length - 1] as number;
    expect(last - first).toBeGreaterThanOrEqual(2_500 - 150);
    // In any one-second window: at most the burst plus what refills in that second (2 + 4), plus
    // one for a request that arrives late over loopback.
    for (const start of busy) expect(busy.filter((t) => t >= start && t < start + 1000).length).toBeLessThanOrEqual(7);
    // Both processes took part.
    expect(new Set(recorder.requests.map((r) => (r.json as { pid: number }).pid)).size).toBe(2);
    // Another conversation is not held back by the busy one.
    expect(Math.max(...quiet.map((r) => r.at)) - first).toBeLessThan(1_500);
  });

  it('delivers exactly once when a worker is SIGKILLed mid-delivery', async () => {
    const { prefix, recorder, url, queues, outbox } = await setup();
    // The platform never answers the first request: the worker is killed while it waits.
    recorder.script = (_req, i) => (i === 0 ? { hold: true } : undefined);
    const env = { REDIS_URL: redisUrl(), PREFIX: prefix, RECORDER_URL: url, LOCK_MS: '2000', STALLED_MS: '1000' };
    const first = await runTs(WORKER, env, 'ready');
    children.push(first);
    await outbox.enqueue([delivery('kill-1', 'C0KILL')]);
    await recorder.waitFor((r) => r.length === 1);
    first.kill('SIGKILL');
    await exited(first);
    expect(recorder.requests[0]?.answered).toBe(false);

    children.push(await runTs(WORKER, env, 'ready'));
    await waitForJob(queues.get('outbox'), 'kill-1', ['completed'], 20_000);
    expect(recorder.requests.filter((r) => r.answered)).toHaveLength(1);
    // Nothing else arrives afterwards.
    await new Promise((r) => setTimeout(r, 2_500));
    expect(recorder.requests.filter((r) => r.answered)).toHaveLength(1);
  }, 60_000);
});

/**
 * Shift reminders exactly once: three worker processes on one Redis, and all workers stopped
 * across a reminder's time and started again (it fires late, once; or is dropped once the shift has
 * started). Real processes, real Redis, a stand-in platform recording every DM.
 */
import type { ChildProcess } from 'node:child_process';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { RedisTenantDirectory } from '../../src/store/tenants.js';
import { startTestApp } from '../support/app.js';
import { shiftConfig } from '../support/shift-config.js';
import { exited, runTs } from '../support/processes.js';
import { Recorder } from '../support/recorder.js';
import { deletePrefix, redisUrl, uniquePrefix } from '../support/redis.js';

const CHILD = 'test/support/shift-worker-child.ts';
const BEN = 'U0BENOKAF';

describe('shift reminders across processes', () => {
  const children: ChildProcess[] = [];
  const cleanups: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const child of children.splice(0)) {
      child.kill('SIGKILL');
      await exited(child);
    }
    for (const fn of cleanups.splice(0)) await fn();
  });

  async function setup(at: string) {
    const prefix = uniquePrefix();
    const recorder = new Recorder();
    const url = await recorder.start();
    const redis = new Redis(redisUrl(), { maxRetriesPerRequest: null });
    // The organization's Slack workspace, as if the bot had seen it.
    await new RedisTenantDirectory(redis, prefix).seen('slack', 'slack-T0TEST');
    const offset = Date.parse(at) - Date.now();
    // A web process plans the schedules (it runs no workers): the reminder waits in Redis until a worker takes it.
    const web = await startTestApp({ role: 'web', prefix, config: shiftConfig(), clock: { now: () => new Date(Date.now() + offset) } });
    await web.schedules.reconcile();
    cleanups.push(async () => {
      await web.close();
      await recorder.stop();
      await deletePrefix(redis, prefix);
      redis.disconnect();
    });
    const worker = async () => {
      const child = await runTs(CHILD, { REDIS_URL: redisUrl(), PREFIX: prefix, RECORDER_URL: url, CLOCK_OFFSET_MS: String(offset) }, 'ready');
      children.push(child);
      return child;
    };
    const dms = () => recorder.requests.filter((r) => r.path === '/dm' && (r.json as { user?: string }).user === BEN);
    return { recorder, worker, dms };
  }

  it('three worker processes on one Redis send each reminder once', async () => {
    // 04:59:57 on Monday: Ben's reminder for Early (06:00) is due in three seconds.
    const { recorder, worker, dms } = await setup('2027-03-01T04:59:57Z');
    await Promise.all([worker(), worker(), worker()]);
    await recorder.waitFor(() => dms().length > 0, 20_000);
    await new Promise((r) => setTimeout(r, 1_500));
    expect(dms()).toHaveLength(1);
    expect(JSON.stringify(dms()[0]?.json)).toContain('starts at 07:00 your time');
  }, 90_000);

  it('with every worker stopped across the reminder time, it is sent once when one starts again', async () => {
    const { recorder, worker, dms } = await setup('2027-03-01T04:59:58Z');
    // No worker runs at 05:00 (app time): the reminder waits in Redis, overdue.
    await new Promise((r) => setTimeout(r, 4_000));
    expect(dms()).toEqual([]);
    await Promise.all([worker(), worker()]);
    await recorder.waitFor(() => dms().length > 0, 20_000);
    await new Promise((r) => setTimeout(r, 1_500));
    expect(dms()).toHaveLength(1);
  }, 90_000);
});

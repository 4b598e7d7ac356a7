/** Starting the real app in-process for tests, on a unique prefix, and waiting on its jobs. */
import { readFileSync } from 'node:fs';
import type { Queue } from 'bullmq';
import { startApp, type AppOptions, type RunningApp } from '../../src/app.js';
import { parseEnv } from '../../src/config/env.js';
import { parseTeamConfig } from '../../src/config/team-config.js';
import type { MessageRef } from '../../src/chat/platform.js';
import { DeliveryLog } from '../../src/store/deliveries.js';
import type { TeamConfig } from '../../src/config/team-config-schema.js';
import { silentLogger } from '../../src/log.js';
import { withoutShifts } from './configs.js';
import { redisUrl, uniquePrefix } from './redis.js';

/** The example configuration, without its shifts (see `withoutShifts`). */
export function exampleConfig(): TeamConfig {
  return parseTeamConfig(withoutShifts(readFileSync(new URL('../../shiftlead.example.yaml', import.meta.url), 'utf8')));
}

export async function startTestApp(overrides: Partial<AppOptions> = {}): Promise<RunningApp & { prefix: string }> {
  const prefix = overrides.prefix ?? uniquePrefix();
  const app = await startApp({
    env: parseEnv({}),
    config: exampleConfig(),
    redisUrl: redisUrl(),
    log: silentLogger,
    role: 'all',
    prefix,
    port: 0,
    ...overrides,
  });
  return { ...app, prefix };
}

/** Polls until a job reaches one of `states` (BullMQ state names). */
export async function waitForJob(queue: Queue, id: string, states: string[], timeoutMs = 15_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const job = await queue.getJob(id);
    const state = job ? await job.getState() : 'missing';
    if (states.includes(state)) return state;
    if (Date.now() > deadline) throw new Error(`job ${id} is ${state}, not ${states.join('/')}, after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Where the outbox delivered the message saved under `key` (e.g. a record's card), once it has. */
export async function deliveredRef(app: RunningApp & { prefix: string }, tenant: string, key: string, timeoutMs = 10_000): Promise<MessageRef> {
  const log = new DeliveryLog(app.redis, app.prefix);
  let ref: MessageRef | undefined;
  await eventually(async () => (ref = await log.ref(tenant, key)) !== undefined, timeoutMs, `the delivery of ${key}`);
  return ref as MessageRef;
}

/** Polls until `check` returns true. */
export async function eventually(check: () => boolean | Promise<boolean>, timeoutMs = 15_000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`${what} not met in ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** The current value of a counter in the app's registry (summed over labels matching `labels`). */
export async function counter(app: RunningApp, name: string, labels: Record<string, string> = {}): Promise<number> {
  const metric = app.metrics.registry.getSingleMetric(name);
  if (!metric) return 0;
  const { values } = await metric.get();
  return values
    .filter((v) => Object.entries(labels).every(([k, want]) => String((v.labels as Record<string, unknown>)[k]) === want))
    .reduce((sum, v) => sum + v.value, 0);
}

/**
 * The worker side of a process (roles `worker` and `all`): one BullMQ worker per queue, each
 * handing its jobs to the outbox, the features' timers and schedules, platform events, or upkeep.
 */
import { UnrecoverableError, type Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Delivery } from '../chat/delivery.js';
import type { PlatformDirectory } from '../chat/platform.js';
import { InvalidTimerError, type Features } from '../core/feature.js';
import type { Logger } from '../log.js';
import type { Metrics } from '../metrics.js';
import { RedisAuditLog } from '../store/audit.js';
import { DeliveryLog } from '../store/deliveries.js';
import { OutboxGate } from './outbox/gate.js';
import type { RedisOutage } from '../store/redis-outage.js';
import { createOutboxProcessor } from './outbox/process.js';
import type { Queues } from './queues.js';
import type { Payload, QueueName } from './registry.js';
import type { ScheduleEngine } from './schedules.js';
import { startWorker, type WorkerSettings } from './worker.js';

export type WorkerOverrides = Partial<Record<QueueName, Partial<WorkerSettings>>>;

export interface WorkerDeps {
  /** A connection that retries forever (maxRetriesPerRequest: null). */
  connection: Redis;
  /** Where Redis connection errors go (told once per outage), instead of one log line each. */
  outage?: RedisOutage;
  prefix: string;
  metrics: Metrics;
  log: Logger;
  platforms: PlatformDirectory;
  /** Queues deliveries (the outbox's producer side). */
  enqueue: (deliveries: Delivery[]) => Promise<void>;
  /** The queues (the outbox wakes jobs that waited for a message it delivered). */
  queues: Queues;
  features: Features;
  schedules: ScheduleEngine;
  /** Platform events accepted at the door (Slack reactions, uninstalls), by platform. */
  events: (payload: Payload<'events'>) => Promise<void>;
  settings?: WorkerOverrides;
}

export function startWorkers(deps: WorkerDeps): Worker[] {
  const { connection, prefix, metrics, log, features } = deps;
  const base = { connection, prefix, metrics, log, ...(deps.outage ? { outage: deps.outage } : {}) };
  const settings = (queue: QueueName, defaults: Partial<WorkerSettings> = {}) => ({ ...base, settings: { ...defaults, ...deps.settings?.[queue] } });
  return [
    startWorker(
      'outbox',
      createOutboxProcessor({
        platforms: deps.platforms,
        enqueue: deps.enqueue,
        deliveries: new DeliveryLog(connection, prefix),
        gate: new OutboxGate(connection, prefix),
        queue: deps.queues.get('outbox'),
        audit: new RedisAuditLog(connection, prefix),
        metrics,
        log,
      }),
      settings('outbox', { concurrency: 16 }),
    ),
    startWorker(
      'timers',
      async (payload) => {
        try {
          await features.fireTimer(payload);
        } catch (error) {
          if (error instanceof InvalidTimerError) throw new UnrecoverableError(error.message);
          throw error;
        }
      },
      settings('timers'),
    ),
    startWorker('schedules', (payload) => deps.schedules.process(payload), settings('schedules', { concurrency: 32 })),
    startWorker('events', deps.events, settings('events')),
    startWorker(
      'maintenance',
      async () => {
        for (const failure of await features.upkeep()) {
          // A Redis outage is told once, by the outage probe; anything else here on its own.
          if (deps.outage?.failed(failure.error) !== true) log.warn({ err: failure.error, feature: failure.name }, 'upkeep failed; it runs again in a minute');
        }
        await deps.schedules.reconcile({ periodic: true });
      },
      settings('maintenance', { concurrency: 1 }),
    ),
  ];
}

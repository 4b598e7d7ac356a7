/**
 * The typed queue registry: every queue's name and the zod schema of its payload. Producers
 * validate before adding; workers validate before processing (except where the producer's check
 * is the only door, `VALIDATED_BY_PRODUCER`) and fail a job that can never succeed with
 * `UnrecoverableError`.
 */
import type { DefaultJobOptions } from 'bullmq';
import { z } from 'zod';
import { Delivery } from '../chat/delivery.js';

const TimerPayload = z
  .object({ kind: z.string().min(1), tenant: z.string().regex(/^[A-Za-z0-9._-]+$/) })
  .catchall(z.union([z.string(), z.number(), z.boolean()]));

/** An inbound platform event handed to a worker after the HTTP request was acknowledged. */
const PlatformEvent = z.strictObject({
  platform: z.enum(['slack', 'teams']),
  tenant: z.string().regex(/^[A-Za-z0-9._-]+$/),
  kind: z.string().min(1),
  body: z.record(z.string(), z.unknown()),
});

const Maintenance = z.strictObject({ task: z.enum(['reconcile']) });

/** One occurrence of a recurring schedule (src/core/schedule). */
const ScheduleOccurrence = z.strictObject({
  kind: z.string().regex(/^[a-z][a-zA-Z0-9.-]*$/),
  item: z.string().min(1).max(200),
  date: z.string().regex(/^\d{4}-\d\d-\d\d$/),
  at: z.iso.datetime(),
  data: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).optional(),
});

export const QUEUES = {
  /** Every outgoing message: post, reply, update, DM, whisper. */
  outbox: Delivery,
  /** One-off timers: SLA deadlines, re-notifications, reminders. */
  timers: TimerPayload,
  /** Platform events processed after their ack (reactions that create escalations). */
  events: PlatformEvent,
  /** Recurring upkeep (reconciling records whose effects were not queued, replanning schedules). */
  maintenance: Maintenance,
  /** Occurrences of recurring schedules (shift reminders, briefings, pulses), one delayed job each. */
  schedules: ScheduleOccurrence,
} as const;

/**
 * Queues whose only producer validates every payload (`Queues.add`/`addBulk`), so workers do not
 * parse it again on every attempt: the outbox, where that parse is a measurable share of the work.
 */
export const VALIDATED_BY_PRODUCER: ReadonlySet<string> = new Set(['outbox']);

export type QueueName = keyof typeof QUEUES;
export type Payload<N extends QueueName> = z.infer<(typeof QUEUES)[N]>;
export const QUEUE_NAMES = Object.keys(QUEUES) as QueueName[];

/** The BullMQ queue name: one hash tag per queue, so queues spread over a Redis Cluster. */
export function bullName(name: QueueName): string {
  return `{${name}}`;
}

const DAY = 24 * 3600;

/**
 * Job defaults per queue. BullMQ's own default is one attempt; a bot that must never lose a
 * message retries with exponential backoff and jitter, and keeps finished jobs long enough for
 * their ids to keep de-duplicating.
 */
export const JOB_DEFAULTS: Record<QueueName, DefaultJobOptions> = {
  outbox: {
    attempts: 8,
    backoff: { type: 'exponential', delay: 2_000, jitter: 0.5 },
    removeOnComplete: { age: DAY, count: 50_000 },
    removeOnFail: { age: 30 * DAY },
  },
  timers: {
    attempts: 6,
    backoff: { type: 'exponential', delay: 5_000, jitter: 0.5 },
    removeOnComplete: { age: 7 * DAY, count: 50_000 },
    removeOnFail: { age: 30 * DAY },
  },
  events: {
    attempts: 6,
    backoff: { type: 'exponential', delay: 2_000, jitter: 0.5 },
    removeOnComplete: { age: DAY, count: 50_000 },
    removeOnFail: { age: 30 * DAY },
  },
  schedules: {
    attempts: 6,
    backoff: { type: 'exponential', delay: 5_000, jitter: 0.5 },
    removeOnComplete: { age: 3 * DAY, count: 200_000 },
    removeOnFail: { age: 30 * DAY },
  },
  maintenance: {
    attempts: 1,
    removeOnComplete: { count: 100 },
    removeOnFail: { count: 100 },
  },
};

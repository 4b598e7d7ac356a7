/**
 * Recurring upkeep on the `maintenance` queue. The scheduler is upserted only when it differs from
 * what Redis holds (re-upserting an overdue cron drops its run; see reference/bullmq.md §2.3).
 */
import type { Queues } from './queues.js';

export const RECONCILE_SCHEDULER = 'v1-reconcile';
export const RECONCILE_EVERY_MS = 60_000;

export async function ensureMaintenanceSchedule(queues: Queues, everyMs = RECONCILE_EVERY_MS): Promise<void> {
  const queue = queues.get('maintenance');
  const current = await queue.getJobScheduler(RECONCILE_SCHEDULER);
  if (current && Number(current.every) === everyMs) return;
  await queue.upsertJobScheduler(RECONCILE_SCHEDULER, { every: everyMs }, { name: 'reconcile', data: { task: 'reconcile' } });
}

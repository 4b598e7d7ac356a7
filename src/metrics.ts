/** Prometheus metrics, one registry per running app (tests run several in one process). */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export interface Metrics {
  registry: Registry;
  jobsCompleted: Counter<'queue'>;
  jobsFailed: Counter<'queue'>;
  jobsRetried: Counter<'queue'>;
  outboxDelivered: Counter<'platform' | 'op'>;
  outboxRateLimited: Counter<'platform'>;
  outboxPaced: Counter<'platform'>;
  outboxDuplicates: Counter<'platform'>;
  outboxPermanentFailures: Counter<'platform' | 'code'>;
  outboxUnknownOutcomes: Counter<'platform'>;
  outboxAdopted: Counter<'platform'>;
  outboxPossibleDuplicates: Counter<'platform' | 'reason'>;
  queueDepth: Gauge<'queue' | 'state'>;
  scheduleFired: Counter<'kind' | 'late'>;
  scheduleDropped: Counter<'kind'>;
  scheduleLateness: Histogram<'kind'>;
  briefingsUndeliverable: Counter<'platform'>;
  httpDuration: Histogram<'method' | 'route' | 'status'>;
}

export function createMetrics(options: { defaultMetrics?: boolean } = {}): Metrics {
  const registry = new Registry();
  if (options.defaultMetrics) collectDefaultMetrics({ register: registry, prefix: 'shiftlead_' });
  const registers = [registry];
  return {
    registry,
    jobsCompleted: new Counter({ name: 'shiftlead_jobs_completed_total', help: 'Jobs completed, by queue', labelNames: ['queue'], registers }),
    jobsFailed: new Counter({ name: 'shiftlead_jobs_failed_total', help: 'Jobs failed for good (no attempts left or unrecoverable), by queue', labelNames: ['queue'], registers }),
    jobsRetried: new Counter({ name: 'shiftlead_jobs_retried_total', help: 'Job attempts that failed and will be retried, by queue', labelNames: ['queue'], registers }),
    outboxDelivered: new Counter({ name: 'shiftlead_outbox_delivered_total', help: 'Messages delivered by the outbox', labelNames: ['platform', 'op'], registers }),
    outboxRateLimited: new Counter({ name: 'shiftlead_outbox_rate_limited_total', help: 'Platform 429 answers (waited out, not failures)', labelNames: ['platform'], registers }),
    outboxPaced: new Counter({ name: 'shiftlead_outbox_paced_total', help: 'Deliveries held back by pacing', labelNames: ['platform'], registers }),
    outboxDuplicates: new Counter({ name: 'shiftlead_outbox_duplicates_total', help: 'Deliveries skipped because their idempotency key was delivered already', labelNames: ['platform'], registers }),
    outboxPermanentFailures: new Counter({ name: 'shiftlead_outbox_permanent_failures_total', help: 'Deliveries recorded as permanently failed', labelNames: ['platform', 'code'], registers }),
    outboxUnknownOutcomes: new Counter({
      name: 'shiftlead_outbox_unknown_outcomes_total',
      help: 'Retries of a delivery whose earlier attempt reached the platform but was never recorded as sent (a worker died, an answer was lost)',
      labelNames: ['platform'],
      registers,
    }),
    outboxAdopted: new Counter({ name: 'shiftlead_outbox_adopted_total', help: 'Unknown-outcome deliveries found already posted (by their tag) and adopted instead of posted again', labelNames: ['platform'], registers }),
    outboxPossibleDuplicates: new Counter({
      name: 'shiftlead_outbox_possible_duplicates_total',
      help: 'Unknown-outcome deliveries posted again without proof the first attempt failed: reason lookup_failed (history call failed, rate-limited or too slow), history_incomplete (more messages since than one call sees), no_history (the platform cannot read its history: Teams)',
      labelNames: ['platform', 'reason'],
      registers,
    }),
    queueDepth: new Gauge({ name: 'shiftlead_queue_depth', help: 'Jobs in each queue, by state (sampled at scrape)', labelNames: ['queue', 'state'], registers }),
    scheduleFired: new Counter({ name: 'shiftlead_schedule_fired_total', help: 'Schedule occurrences fired, by kind (late: marked as late)', labelNames: ['kind', 'late'], registers }),
    scheduleDropped: new Counter({ name: 'shiftlead_schedule_dropped_total', help: 'Schedule occurrences dropped because they fired too late to be useful', labelNames: ['kind'], registers }),
    scheduleLateness: new Histogram({
      name: 'shiftlead_schedule_lateness_seconds',
      help: 'How long after its time an occurrence was handled',
      labelNames: ['kind'],
      buckets: [0.1, 0.5, 1, 2, 5, 15, 60, 300, 3600],
      registers,
    }),
    briefingsUndeliverable: new Counter({ name: 'shiftlead_briefings_undeliverable_total', help: 'Briefings that could not be posted in their channel (the managers were told), by platform', labelNames: ['platform'], registers }),
    httpDuration: new Histogram({
      name: 'shiftlead_http_request_duration_seconds',
      help: 'HTTP request latency',
      labelNames: ['method', 'route', 'status'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers,
    }),
  };
}

/**
 * Where listening results become metrics: a rating poll's average and a resolved escalation's
 * rating are `csat` samples for the briefing. The metric store takes them (`FactMetricsSink`,
 * wired in modules.ts).
 */

export const METRIC_SOURCES = ['poll', 'escalations'] as const;
export type MetricSource = (typeof METRIC_SOURCES)[number];

/** One measurement of a metric, e.g. the CSAT of a closed poll. */
export interface MetricSample {
  /** Identifies the measurement: recording the same id again replaces it (a changed rating, a retried close). */
  id: string;
  metric: 'csat';
  /** The local calendar date it belongs to (organization time zone), `2027-01-08`. */
  date: string;
  /** The value (CSAT: the average rating, 1–5). */
  value: number;
  /** How many responses the value averages. */
  count: number;
  /** The department it belongs to, when there is one. */
  department?: string;
  source: MetricSource;
}

/** The metrics port as the listening features use it. */
export interface MetricsSink {
  /** Records a sample; recording an id again replaces the earlier sample. */
  record(sample: MetricSample): Promise<void>;
}

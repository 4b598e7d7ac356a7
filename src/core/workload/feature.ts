/** The weekly workload and burnout summary for managers, as a feature: one schedule kind. */
import type { Feature } from '../feature.js';
import type { WorkloadSummary } from './service.js';

export function workloadFeature(summary: WorkloadSummary): Feature {
  return { name: 'workload', schedules: [summary.kind()] };
}

/**
 * The metrics feature: the organization's numbers (ingest, CSV, connectors, Shiftlead's own
 * records), the morning briefing, the weekly report and export, and the at-a-glance page.
 */
import type { Feature } from '../feature.js';
import type { OwnRecords } from './own-records.js';

export interface MetricsFeatureDeps {
  own: OwnRecords;
}

/** How often upkeep recomputes Shiftlead's own numbers of yesterday and today. */
const OWN_UPKEEP_MS = 5 * 60_000;

export function metricsFeature(deps: MetricsFeatureDeps): Feature {
  return {
    name: 'metrics',
    upkeep: () => deps.own.ensureFresh(OWN_UPKEEP_MS),
  };
}

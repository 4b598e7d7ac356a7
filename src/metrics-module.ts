/**
 * The metrics feature wired to its Redis adapters and connectors: the organization's numbers,
 * Shiftlead's own records as a source, the ingest doors, briefings, reports and the Home page.
 */
import type { Features } from './core/feature.js';
import { metricsFeature } from './core/metrics/feature.js';
import { MetricsIngest } from './core/metrics/ingest.js';
import { OwnRecords } from './core/metrics/own-records.js';
import type { Outbox, Timers } from './core/ports.js';
import type { ModuleInfra } from './modules.js';
import { RedisEscalationReader } from './store/escalation-reader.js';
import { RedisMetricStore } from './store/metrics.js';

/** What the metrics feature offers the HTTP server and the platforms. */
export interface MetricsModule {
  feature: ReturnType<typeof metricsFeature>;
  ingest: MetricsIngest;
}

export function buildMetrics(infra: ModuleInfra, shared: { outbox: Outbox; timers: Timers; features: Features }): MetricsModule {
  const { redis, prefix, clock, settings } = infra;
  void shared;
  const store = new RedisMetricStore(redis, prefix, () => clock.now());
  const own = new OwnRecords({ reader: new RedisEscalationReader(redis, prefix), store, settings, clock, claim: (name, ms) => store.claim(name, ms) });
  return {
    feature: metricsFeature({ own }),
    ingest: new MetricsIngest({ store, settings, clock }),
  };
}

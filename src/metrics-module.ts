/**
 * The metrics feature wired to its Redis adapters and connectors: the organization's numbers,
 * Shiftlead's own records as a source, the ingest doors, briefings, reports and the Home page.
 */
import type { Env } from './config/env.js';
import { ZendeskApi } from './connectors/zendesk/api.js';
import { ZendeskConnector } from './connectors/zendesk/connector.js';
import type { Features } from './core/feature.js';
import { Briefings } from './core/metrics/briefings.js';
import { ConnectorSync } from './core/metrics/connector.js';
import { metricsFeature } from './core/metrics/feature.js';
import { MetricsIngest } from './core/metrics/ingest.js';
import { Home } from './core/metrics/home.js';
import { OwnRecords } from './core/metrics/own-records.js';
import { Reports, type FileDrop } from './core/metrics/reports.js';
import type { Outbox, Timers } from './core/ports.js';
import type { Settings } from './core/settings.js';
import type { ModuleInfra } from './modules.js';
import { RedisBriefingNotices } from './store/briefing-notices.js';
import { RedisConnectorStore } from './store/connector-store.js';
import { RedisEscalationReader } from './store/escalation-reader.js';
import { RedisHomeViewers } from './store/home.js';
import { RedisMetricStore } from './store/metrics.js';

/** What the metrics feature offers the HTTP server and the platforms. */
export interface MetricsModule {
  feature: ReturnType<typeof metricsFeature>;
  ingest: MetricsIngest;
}

/** The Zendesk connector, when ZENDESK_* are set. */
function zendesk(env: Env, settings: Settings): ZendeskConnector | undefined {
  if (!env.ZENDESK_EMAIL || !env.ZENDESK_API_TOKEN || !(env.ZENDESK_SUBDOMAIN || env.ZENDESK_API_URL)) return undefined;
  const api = new ZendeskApi({ baseUrl: env.ZENDESK_API_URL ?? `https://${env.ZENDESK_SUBDOMAIN}.zendesk.com`, email: env.ZENDESK_EMAIL, token: env.ZENDESK_API_TOKEN });
  return new ZendeskConnector(api, () => settings.config.organization.timezone, env.ZENDESK_SYNC_EVERY);
}

export function buildMetrics(infra: ModuleInfra, shared: { outbox: Outbox; timers: Timers; features: Features }): MetricsModule {
  const { redis, prefix, clock, settings, env, log, reach } = infra;
  const store = new RedisMetricStore(redis, prefix, () => clock.now());
  const reader = new RedisEscalationReader(redis, prefix);
  const own = new OwnRecords({ reader, store, settings, clock, claim: (name, ms) => store.claim(name, ms) });
  const connectorStore = new RedisConnectorStore(redis, prefix, store);
  const connectors = [zendesk(env, settings)].flatMap((connector) =>
    connector
      ? [new ConnectorSync({ connector, store: connectorStore, timers: shared.timers, clock, minIntervalMs: Math.ceil(60_000 / env.ZENDESK_REQUESTS_PER_MINUTE), log: (level, message, details) => log[level](details ?? {}, message) })]
      : [],
  );
  const briefings = new Briefings({
    settings,
    store,
    reader,
    own,
    outbox: shared.outbox,
    reach,
    clock,
    notices: new RedisBriefingNotices(redis, prefix, () => clock.now().getTime()),
    sections: () => shared.features.briefing,
    log: (level, message, details) => log[level](details ?? {}, message),
    onUndeliverable: (platform) => infra.metrics.briefingsUndeliverable.inc({ platform }),
    onSkipped: () => infra.metrics.scheduleDropped.inc({ kind: 'briefing' }),
  });
  const files: FileDrop = {
    send: async (to, list, comment) => {
      const platform = infra.platforms(to.platform);
      if (!platform?.sendFile) throw new Error(`files cannot be sent on ${to.platform} here`);
      await platform.sendFile(to.tenant, to.user, list, comment);
    },
  };
  const reports = new Reports({ settings, store, reader, own, outbox: shared.outbox, timers: shared.timers, reach, clock, files, sections: () => shared.features.report, log: (level, message, details) => log[level](details ?? {}, message) });
  const home = new Home({
    settings,
    store,
    reader,
    clock,
    timers: shared.timers,
    viewers: new RedisHomeViewers(redis, prefix),
    sections: () => shared.features.home,
    publish: async (viewer, page) => infra.platforms(viewer.platform)?.publishHome?.(viewer.tenant, viewer.user, page),
    log: (level, message, details) => log[level](details ?? {}, message),
  });
  return {
    feature: metricsFeature({ own, connectors, briefings, reports, home }),
    ingest: new MetricsIngest({ store, settings, clock }),
  };
}

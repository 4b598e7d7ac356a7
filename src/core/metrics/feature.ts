/**
 * The metrics feature: the organization's numbers (ingest, CSV, connectors, Shiftlead's own
 * records), the morning briefing, the weekly report and export, and the at-a-glance page.
 */
import { InvalidTimerError, type Feature } from '../feature.js';
import type { Briefings } from './briefings.js';
import { SYNC_TIMER, type ConnectorSync } from './connector.js';
import { HOME_TIMER, type Home } from './home.js';
import type { OwnRecords } from './own-records.js';
import { EXPORT_TIMER, type Reports } from './reports.js';

export interface MetricsFeatureDeps {
  own: OwnRecords;
  /** The helpdesk connectors configured (Zendesk). */
  connectors: readonly ConnectorSync[];
  briefings: Briefings;
  reports: Reports;
  home: Home;
}

/** How often upkeep recomputes Shiftlead's own numbers of yesterday and today. */
const OWN_UPKEEP_MS = 5 * 60_000;

export function metricsFeature(deps: MetricsFeatureDeps): Feature {
  return {
    name: 'metrics',
    commands: [
      {
        names: ['briefing'],
        usage: '[id]  a briefing as it would be posted now, shown only to you',
        run: (actor, text) => deps.briefings.preview(actor, text),
      },
      {
        names: ['report'],
        usage: '[export [from] [to]]  last week\'s report, only to you; export: CSV files (leads and managers)',
        run: (actor, text) => deps.reports.command(actor, text),
      },
      {
        names: ['home'],
        usage: 'your page at a glance: numbers, your open escalations, what waits for you',
        run: (actor) => deps.home.command(actor),
      },
    ],
    actions: [{ prefix: 'home.', run: (actor, actionId) => deps.home.action(actor, actionId) }],
    schedules: [deps.briefings.kind(), deps.reports.kind()],
    timers: [
      { kind: HOME_TIMER, fire: (payload) => deps.home.publish(payload) },
      { kind: EXPORT_TIMER, fire: (payload) => deps.reports.deliverExport(payload) },
      {
        kind: SYNC_TIMER,
        fire: async (payload) => {
          const sync = deps.connectors.find((c) => c.source === payload['source']);
          if (typeof payload['version'] !== 'number') throw new InvalidTimerError('malformed connector timer');
          // A connector that is no longer configured: its chain simply ends.
          if (sync) await sync.run(payload['version']);
        },
      },
    ],
    upkeep: async () => {
      for (const sync of deps.connectors) await sync.ensureRunning();
      await deps.own.ensureFresh(OWN_UPKEEP_MS);
      await deps.briefings.noticeUndeliverable();
      await deps.home.refreshAll();
    },
  };
}

/**
 * The feature modules, wired to their Redis adapters: one block per feature. The app composes
 * what this returns; adding a feature means adding it here, never a branch in app.ts.
 */
import type { RedisClient } from './store/redis.js';
import type { PlatformKind } from './chat/message.js';
import type { PacingRules } from './chat/platform.js';
import { adminFeature, type ReloadResult } from './core/admin/feature.js';
import { CoachingContext } from './core/coaching/context.js';
import { coachingFeature } from './core/coaching/feature.js';
import type { PlatformDirectory } from './chat/platform.js';
import type { Env } from './config/env.js';
import { escalationsFeature } from './core/escalations/feature.js';
import { isBreached, type Escalation } from './core/escalations/model.js';
import { EscalationRules } from './core/escalations/rules.js';
import { EscalationService } from './core/escalations/service.js';
import { Features } from './core/feature.js';
import { kudosFeature } from './core/kudos/feature.js';
import { KudosService } from './core/kudos/service.js';
import { workloadFeature } from './core/workload/feature.js';
import { WorkloadSummary } from './core/workload/service.js';
import { csatFollower, CsatService } from './core/polls/csat-after-resolve.js';
import { listeningFeature } from './core/polls/feature.js';
import { PollService } from './core/polls/poll-service.js';
import type { MetricsSink } from './core/polls/metrics-sink.js';
import { PulseService } from './core/polls/pulse-service.js';
import type { Clock } from './core/ports.js';
import type { Reach } from './core/reach.js';
import type { Settings } from './core/settings.js';
import { ShiftContext } from './core/shifts/context.js';
import { shiftsFeature } from './core/shifts/feature.js';
import type { EscalationSnapshot } from './core/shifts/model.js';
import { OutboxGate } from './jobs/outbox/gate.js';
import { QueueOutbox } from './jobs/outbox/outbox.js';
import type { Queues } from './jobs/queues.js';
import { QueueTimers } from './jobs/timers.js';
import type { Logger } from './log.js';
import type { Metrics } from './metrics.js';
import { buildMetrics, type MetricsModule } from './metrics-module.js';
import { deliveryStatus, RedisCoachingStore } from './store/coaching.js';
import { DeliveryLog } from './store/deliveries.js';
import { RedisDrafts } from './store/drafts.js';
import { RedisEscalationReader } from './store/escalation-reader.js';
import { RedisEscalationStore } from './store/escalations.js';
import { RedisKudosStore } from './store/kudos.js';
import { FactMetricsSink, RedisConnectorStore } from './store/connector-store.js';
import { RedisMetricStore } from './store/metrics.js';
import { RedisPollStore } from './store/polls.js';
import { RedisPulseStore } from './store/pulses.js';
import { RedisShiftStore } from './store/shifts.js';

export interface ModuleInfra {
  /** The store connection (fails fast). */
  redis: RedisClient;
  prefix: string;
  queues: Queues;
  clock: Clock;
  settings: Settings;
  /** Where the organization's people and channels are, for scheduled messages. */
  reach: Reach;
  log: Logger;
  /** Replans the schedules (after the rota changed). */
  replan: () => Promise<void>;
  /** Re-reads and applies the team configuration file. */
  reloadConfig: () => Promise<ReloadResult>;
  /** Each platform's rate limits: the outbox reserves send times as it queues (gate.ts). */
  pacing: (kind: PlatformKind) => PacingRules | undefined;
  env: Env;
  metrics: Metrics;
  /** The chat platforms this process has (filled in after the modules are built). */
  platforms: PlatformDirectory;
}

export interface Modules {
  features: Features;
  escalations: EscalationService;
  rules: () => EscalationRules;
  shifts: ShiftContext;
  metrics: MetricsModule;
}

export function buildModules(infra: ModuleInfra): Modules {
  const { redis, prefix, queues, clock, settings, reach, log } = infra;
  const outbox = new QueueOutbox(queues, { gate: new OutboxGate(redis, prefix), pacing: infra.pacing });
  const timers = new QueueTimers(queues, clock);

  const rules = settings.derive((s) => new EscalationRules(s.config, s.roster));
  const escalations = new EscalationService({
    store: new RedisEscalationStore(redis, prefix),
    outbox,
    timers,
    drafts: new RedisDrafts(redis, prefix),
    links: new DeliveryLog(redis, prefix),
    clock,
    rules,
    onEffectsFailed: (error, e) => log.warn({ err: error, id: e.id, tenant: e.tenant }, 'could not queue the effects of a change; the reconciler will retry'),
    onRequeued: (tenant, count) => log.info({ tenant, count }, 're-queued the effects of changed escalations'),
    // Re-notifications call on whoever is on shift in the department now.
    onShift: async (department, platform, at) => {
      const people = (await shifts.underWay(at)).filter((i) => i.shift.department === department).flatMap((i) => i.people);
      const on = [...new Set(people)].flatMap((id) => {
        const person = settings.roster.byId(id);
        const p = person && settings.roster.onPlatform(person, platform);
        return p ? [p] : [];
      });
      return on.length > 0 ? on : undefined;
    },
    // CSAT after a resolution: the listening feature's question, planned with the resolution.
    followers: [csatFollower(settings)],
  });

  const escalationStore = new RedisEscalationStore(redis, prefix);
  const openEscalations = async (department: string): Promise<EscalationSnapshot[]> => {
    const now = clock.now();
    const open = (await Promise.all((await escalationStore.tenants()).map((t) => escalationStore.listOpen(t)))).flat();
    return open
      .filter((e) => e.department === department)
      .map((e) => ({ id: e.id, severity: e.severity, status: e.status, summary: e.summary, createdAt: e.createdAt, breached: isBreached(e, now), ...(e.owner ? { owner: e.owner.personId ?? e.owner.name } : {}) }));
  };
  const shifts = new ShiftContext({ settings, store: new RedisShiftStore(redis, prefix), outbox, timers, clock, reach, openEscalations, replan: infra.replan });

  // Listening: polls, CSAT after resolution, the team pulse. Their CSAT samples become csat values
  // of the metric store (sources poll and escalations) for briefings, reports and Home.
  const samples: MetricsSink = new FactMetricsSink(new RedisConnectorStore(redis, prefix, new RedisMetricStore(redis, prefix, () => clock.now())));
  const listening = listeningFeature({
    settings,
    polls: new PollService({ store: new RedisPollStore(redis, prefix), outbox, timers, clock, settings, metrics: samples, onEffectsFailed: (error, tenant, id) => log.warn({ err: error, tenant, id }, 'could not queue a poll’s effects; upkeep will retry') }),
    csat: new CsatService({ escalations, metrics: samples, clock, settings, onMetricFailed: (error, id) => log.warn({ err: error, id }, 'could not record a CSAT rating as a metric') }),
    pulses: new PulseService({ store: new RedisPulseStore(redis, prefix), outbox, timers, clock, settings, reach, onProblem: (error, round) => log.warn({ err: error, round }, 'pulse round upkeep failed; it runs again in a minute') }),
  });

  const features = new Features()
    .add(escalationsFeature(escalations))
    .add(shiftsFeature(shifts))
    .add(adminFeature({ settings, reload: infra.reloadConfig }))
    .add(listening);

  // Kudos: public thank-yous, counted per person for the managers' weekly summary.
  const kudosStore = new RedisKudosStore(redis, prefix);
  features.add(kudosFeature(new KudosService({ settings, store: kudosStore, outbox, timers, clock })));
  // Coaching: nudges written by leads and managers, suggested nudges from the escalation records' signals.
  const coachingStore = new RedisCoachingStore(redis, prefix);
  const coaching = new CoachingContext({
    settings,
    store: coachingStore,
    outbox,
    timers,
    clock,
    reach,
    deliveries: deliveryStatus(new DeliveryLog(redis, prefix)),
    overrides: () => shifts.overrides(),
    recentEscalations: async (since) => {
      const reader = new RedisEscalationReader(redis, prefix);
      const out = new Map<string, Escalation>();
      for (const tenant of await reader.tenants()) {
        // Changed since (the audit stream's times), and created since (the records' own clock).
        const created = await escalationStore.search(tenant, { since, keep: () => true, offset: 0, limit: 10_000 });
        for (const e of [...(await reader.get(tenant, await reader.touchedSince(tenant, since))), ...created.records]) out.set(`${tenant}/${e.id}`, e);
      }
      return [...out.values()];
    },
  });
  features.add(coachingFeature(coaching));

  // The managers' weekly workload summary: nudges sent and signals folded over the cap come from
  // the coaching feature's records (the organization's, whichever platform they went out on).
  const shiftStore = new RedisShiftStore(redis, prefix);
  features.add(
    workloadFeature(
      new WorkloadSummary({
        settings,
        reader: new RedisEscalationReader(redis, prefix),
        kudos: kudosStore,
        ledger: {
          nudgesSent: (person, from, to) => coachingStore.nudgesSent('org', person, from, to),
          foldedSignals: (person, from, to) => coachingStore.foldedSignals(person, from, to),
        },
        overrides: () => shiftStore.overrides(),
        outbox,
        reach,
        log: (level, message, details) => log[level](details ?? {}, message),
      }),
    ),
  );

  // Metrics, briefings, reports and the at-a-glance page (wired in metrics-module.ts).
  const metrics = buildMetrics(infra, { outbox, timers, features });
  features.add(metrics.feature);

  return { features, escalations, rules, shifts, metrics };
}

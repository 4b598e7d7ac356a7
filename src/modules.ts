/**
 * The feature modules, wired to their Redis adapters: one block per feature. The app composes
 * what this returns; adding a feature means adding it here, never a branch in app.ts.
 */
import type { Redis } from 'ioredis';
import { escalationsFeature } from './core/escalations/feature.js';
import { EscalationRules } from './core/escalations/rules.js';
import { EscalationService } from './core/escalations/service.js';
import { Features } from './core/feature.js';
import type { Clock } from './core/ports.js';
import type { Reach } from './core/reach.js';
import type { Settings } from './core/settings.js';
import { QueueOutbox } from './jobs/outbox/outbox.js';
import type { Queues } from './jobs/queues.js';
import { QueueTimers } from './jobs/timers.js';
import type { Logger } from './log.js';
import { DeliveryLog } from './store/deliveries.js';
import { RedisDrafts } from './store/drafts.js';
import { RedisEscalationStore } from './store/escalations.js';

export interface ModuleInfra {
  /** The store connection (fails fast). */
  redis: Redis;
  prefix: string;
  queues: Queues;
  clock: Clock;
  settings: Settings;
  /** Where the organization's people and channels are, for scheduled messages. */
  reach: Reach;
  log: Logger;
}

export interface Modules {
  features: Features;
  escalations: EscalationService;
  rules: () => EscalationRules;
}

export function buildModules(infra: ModuleInfra): Modules {
  const { redis, prefix, queues, clock, settings, log } = infra;
  const outbox = new QueueOutbox(queues);
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
  });

  const features = new Features().add(escalationsFeature(escalations));
  return { features, escalations, rules };
}

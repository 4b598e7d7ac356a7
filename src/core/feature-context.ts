/**
 * What the parts of a feature share, whatever the feature: the current team configuration and
 * roster (replaced on reload), the clock, and who an actor is. A feature's own context extends it
 * with its ports and steps (src/core/shifts/context.ts, src/core/coaching/context.ts).
 */
import type { Person, TeamConfig } from '../config/team-config-schema.js';
import type { Actor } from './interactions.js';
import type { Clock } from './ports.js';
import type { Participant, Roster } from './roster.js';
import type { Settings } from './settings.js';

export class FeatureContext<Deps extends { settings: Settings; clock: Clock }> {
  constructor(readonly deps: Deps) {}

  get config(): TeamConfig {
    return this.deps.settings.config;
  }

  get roster(): Roster {
    return this.deps.settings.roster;
  }

  now(): Date {
    return this.deps.clock.now();
  }

  /** The roster person behind an actor. */
  person(actor: Pick<Actor, 'platform' | 'user' | 'email'>): Person | undefined {
    return this.roster.find(actor.platform, actor.user, actor.email);
  }

  participant(actor: Pick<Actor, 'platform' | 'user' | 'email'>): Participant {
    return this.roster.participant(actor.platform, actor.user, undefined, actor.email);
  }

  /** Leads and managers: who may assign, nudge and decide. */
  isLead(person: Person | undefined): boolean {
    return person?.role === 'lead' || person?.role === 'manager';
  }
}

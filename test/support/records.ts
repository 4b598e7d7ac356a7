/** Escalation records and rules for unit tests. */
import type { Escalation } from '../../src/core/escalations/model.js';
import { EscalationRules } from '../../src/core/escalations/rules.js';
import type { NewEscalation } from '../../src/core/escalations/store.js';
import { Roster } from '../../src/core/roster.js';
import { exampleConfig } from './app.js';
import type { TeamConfig } from '../../src/config/team-config-schema.js';

export function rulesFor(config: TeamConfig = exampleConfig()): EscalationRules {
  return new EscalationRules(config, new Roster(config.people));
}

export const ANA = { platform: 'slack' as const, user: 'U0ANALIMA', personId: 'ana', name: 'Ana Lima' };
export const BEN = { platform: 'slack' as const, user: 'U0BENOKAF', personId: 'ben', name: 'Ben Okafor' };
export const CARO = { platform: 'slack' as const, user: 'U0CARODIA', personId: 'caro', name: 'Carolina Díaz' };
export const STRANGER = { platform: 'slack' as const, user: 'U0STRANGE', name: 'U0STRANGE' };

export function draft(overrides: Partial<NewEscalation> = {}, at = new Date('2026-11-23T09:00:00Z')): NewEscalation {
  const iso = at.toISOString();
  return {
    tenant: 'slack-T0TEST',
    platform: 'slack',
    status: 'open',
    severity: 'P1',
    department: 'support',
    customer: 'Acme',
    summary: 'Checkout is down',
    requester: ANA,
    createdAt: iso,
    updatedAt: iso,
    cycle: 1,
    acknowledgeDueAt: new Date(at.getTime() + 15 * 60_000).toISOString(),
    resolveDueAt: new Date(at.getTime() + 4 * 3600_000).toISOString(),
    misses: { acknowledge: 0, resolve: 0 },
    version: 1,
    history: [{ at: iso, type: 'created', actor: ANA, to: 'open' }],
    channel: 'C0SUPPORT',
    ...overrides,
  };
}

export function record(overrides: Partial<Escalation> = {}, at?: Date): Escalation {
  return { id: 'ESC-7', number: 7, ...draft({}, at), ...overrides };
}

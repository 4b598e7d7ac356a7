/** What every part of the coaching feature needs: its ports, and small shared steps over them. */
import type { Person } from '../../config/team-config-schema.js';
import type { Escalation } from '../escalations/model.js';
import type { AuditEntry, Clock, Outbox, Timers } from '../ports.js';
import type { Reach } from '../reach.js';
import type { Settings } from '../settings.js';
import { FeatureContext } from '../feature-context.js';
import type { Overrides } from '../shifts/rota.js';
import type { CoachingStore, DeliveryStatus } from './ports.js';

export interface CoachingDeps {
  settings: Settings;
  store: CoachingStore;
  outbox: Outbox;
  timers: Timers;
  clock: Clock;
  reach: Reach;
  /** Whether the outbox delivered a nudge (for /nudge list). */
  deliveries: DeliveryStatus;
  /** Who works which shift occurrence when it was changed at run time (cover, assignments). */
  overrides(): Promise<Overrides>;
  /** Escalation records created or changed since `since`, in every tenant: the signals are read from them. */
  recentEscalations(since: Date): Promise<Escalation[]>;
}

export class CoachingContext extends FeatureContext<CoachingDeps> {
  /** An audit entry; coaching entries name who and whom, never a nudge's text. */
  audit(actor: string, type: string, subject: string, detail?: string): AuditEntry {
    return { actor, at: this.now().toISOString(), type, subject, ...(detail ? { detail } : {}) };
  }

  /** The person's leads and managers: of the departments they are on duty in or work shifts for (every manager when none). */
  reviewers(person: Person): Person[] {
    const departments = new Set<string>();
    for (const d of this.config.departments) if (d.onDuty.includes(person.id)) departments.add(d.id);
    for (const s of this.config.shifts) if (s.people.includes(person.id)) departments.add(s.department);
    const out = new Map<string, Person>();
    const everyLead = this.roster.people.filter((p) => p.role === 'lead');
    const everyManager = this.roster.people.filter((p) => p.role === 'manager');
    for (const d of this.config.departments.filter((x) => departments.has(x.id))) {
      const leads = d.leads.length > 0 ? d.leads.flatMap((id) => this.roster.byId(id) ?? []) : everyLead;
      const managers = d.managers.length > 0 ? d.managers.flatMap((id) => this.roster.byId(id) ?? []) : everyManager;
      for (const p of [...leads, ...managers]) out.set(p.id, p);
    }
    if (out.size === 0) for (const p of everyManager) out.set(p.id, p);
    out.delete(person.id);
    return [...out.values()];
  }
}

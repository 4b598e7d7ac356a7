/** What the team configuration says about escalations: routing, SLAs, who is on duty, who may do what. */
import type { PlatformKind } from '../../chat/message.js';
import type { Department, Person, Severity, TeamConfig } from '../../config/team-config-schema.js';
import type { Participant, Roster } from '../roster.js';
import type { Escalation } from './model.js';
import type { Policy } from './state-machine.js';

export class EscalationRules {
  constructor(
    readonly config: TeamConfig,
    readonly roster: Roster,
  ) {}

  get severities(): readonly Severity[] {
    return this.config.severities;
  }

  get departments(): readonly Department[] {
    return this.config.departments;
  }

  severity(id: string): Severity | undefined {
    return this.config.severities.find((s) => s.id === id);
  }

  department(id: string): Department | undefined {
    return this.config.departments.find((d) => d.id === id);
  }

  /** The deadlines for a severity in a department (the department may override the severity's). */
  sla(departmentId: string, severityId: string): { acknowledgeWithin: number; resolveWithin: number } {
    const severity = this.severity(severityId);
    const override = this.department(departmentId)?.sla[severityId];
    return {
      acknowledgeWithin: override?.acknowledgeWithin ?? severity?.acknowledgeWithin ?? 3_600_000,
      resolveWithin: override?.resolveWithin ?? severity?.resolveWithin ?? 86_400_000,
    };
  }

  deadlines(departmentId: string, severityId: string, from: Date): { acknowledgeDueAt: string; resolveDueAt: string } {
    const sla = this.sla(departmentId, severityId);
    return {
      acknowledgeDueAt: new Date(from.getTime() + sla.acknowledgeWithin).toISOString(),
      resolveDueAt: new Date(from.getTime() + sla.resolveWithin).toISOString(),
    };
  }

  /** The department's channel on a platform. */
  channel(departmentId: string, platform: PlatformKind): string | undefined {
    const channels = this.department(departmentId)?.channels;
    if (!channels) return undefined;
    return platform === 'console' ? (channels.console ?? `#${departmentId}`) : channels[platform];
  }

  /** The department's on-duty people who can be mentioned on a platform. */
  onDuty(departmentId: string, platform: PlatformKind): Participant[] {
    const ids = this.department(departmentId)?.onDuty ?? [];
    return ids.flatMap((id) => {
      const person = this.roster.byId(id);
      const p = person && this.roster.onPlatform(person, platform);
      return p ? [p] : [];
    });
  }

  /** Who hears about repeated misses: the department's managers, or every manager. */
  managers(departmentId: string): Person[] {
    const ids = this.department(departmentId)?.managers ?? [];
    const named = ids.flatMap((id) => this.roster.byId(id) ?? []);
    return named.length > 0 ? named : this.roster.people.filter((p) => p.role === 'manager');
  }

  get renotifyEvery(): number {
    return this.config.escalations.renotifyEvery;
  }

  get managerAfterMisses(): number {
    return this.config.escalations.managerAfterMisses;
  }

  get maxRenotifications(): number {
    return this.config.escalations.maxRenotifications;
  }

  policy(): Policy {
    return {
      resolve: this.config.escalations.resolve,
      roleOf: (actor) => this.roster.byId(actor.personId)?.role ?? 'agent',
      deadlines: (record: Escalation, now: Date) => this.deadlines(record.department, record.severity, now),
    };
  }
}

/** What the team configuration says about escalations: routing, SLAs, who is on duty, who may do what. */
import type { PlatformKind } from '../../chat/message.js';
import type { Department, EscalationLevel, Person, Severity, TeamConfig } from '../../config/team-config-schema.js';
import type { Participant, Roster } from '../roster.js';
import type { Escalation } from './model.js';
import type { Policy } from './state-machine.js';

/** One escalation level, with its delay filled in. */
export type Level = Required<EscalationLevel>;

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

  /** The department's managers, or every manager. */
  managers(departmentId: string): Person[] {
    return this.named(this.department(departmentId)?.managers ?? [], 'manager');
  }

  /** The department's leads, or every lead. */
  leads(departmentId: string): Person[] {
    return this.named(this.department(departmentId)?.leads ?? [], 'lead');
  }

  private named(ids: readonly string[], role: Person['role']): Person[] {
    const named = ids.flatMap((id) => this.roster.byId(id) ?? []);
    return named.length > 0 ? named : this.roster.people.filter((p) => p.role === role);
  }

  get renotifyEvery(): number {
    return this.config.escalations.renotifyEvery;
  }

  /**
   * Who hears about a missed deadline, level by level (`after`: ms from the deadline). Without
   * `levels`, the older keys make two levels: the on-duty people at the deadline, then the managers
   * at reminder `managerAfterMisses`.
   */
  levels(departmentId: string): Level[] {
    const configured = this.department(departmentId)?.levels ?? this.config.escalations.levels;
    if (configured) return configured.map((l) => ({ notify: l.notify, after: l.after ?? 0 }));
    const misses = this.config.escalations.managerAfterMisses ?? 3;
    return [
      { notify: 'onDuty', after: 0 },
      { notify: 'managers', after: (misses - 1) * this.renotifyEvery },
    ];
  }

  /** The people of a level (1-based) who can be reached on a platform. */
  levelPeople(departmentId: string, level: number, platform: PlatformKind): Participant[] {
    const notify = this.levels(departmentId)[level - 1]?.notify;
    if (notify === undefined) return [];
    if (notify === 'onDuty') return this.onDuty(departmentId, platform);
    const people = notify === 'leads' ? this.leads(departmentId) : notify === 'managers' ? this.managers(departmentId) : notify.flatMap((id) => this.roster.byId(id) ?? []);
    return people.flatMap((p) => this.roster.onPlatform(p, platform) ?? []);
  }

  /** How a level reads: "the managers", "the leads", or the people's names. */
  levelName(departmentId: string, level: number): string {
    const notify = this.levels(departmentId)[level - 1]?.notify;
    if (notify === undefined || Array.isArray(notify)) return (notify ?? []).map((id) => this.roster.byId(id)?.name ?? id).join(', ');
    return { onDuty: 'the people on duty', leads: 'the leads', managers: 'the managers' }[notify];
  }

  /** The severity the form starts with, if the configuration names one. */
  get defaultSeverity(): string | undefined {
    return this.config.escalations.defaultSeverity;
  }

  /** The department whose channel on a platform this conversation is. */
  departmentOfChannel(conversation: string | undefined, platform: PlatformKind): Department | undefined {
    if (!conversation) return undefined;
    return this.departments.find((d) => this.channel(d.id, platform) === conversation);
  }

  get maxRenotifications(): number {
    return this.config.escalations.maxRenotifications;
  }

  policy(): Policy {
    return {
      resolve: this.config.escalations.resolve,
      roleOf: (actor) => this.roster.byId(actor.personId)?.role ?? 'agent',
      deadlines: (record: Escalation, from: Date) => this.deadlines(record.department, record.severity, from),
      channel: (department, platform) => this.channel(department, platform),
    };
  }
}

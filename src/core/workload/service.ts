/**
 * The weekly workload summary for managers: its own schedule kind (`workload.weekly`), one
 * occurrence per department at `coaching.weeklySummary` (day and time in its zone, by default the
 * organization's), each a DM to the department's managers about the Monday–Sunday week before,
 * delivered as bulk traffic. Fired late (every worker down), it is still sent within a day, marked late.
 */
import type { Delivery } from '../../chat/delivery.js';
import type { Person } from '../../config/team-config-schema.js';
import { escalationFacts, escalationsCreated, lastCompleteWeek } from '../metrics/report-data.js';
import { slaOf } from '../metrics/own-records.js';
import type { EscalationReader } from '../metrics/ports.js';
import type { Outbox } from '../ports.js';
import type { Reach } from '../reach.js';
import { addDays, dailyOccurrences, localInstant, parseClockTime } from '../schedule/local-time.js';
import type { Occurrence, ScheduleKind } from '../schedule/schedule.js';
import type { Settings } from '../settings.js';
import { instancesStarting, type Overrides } from '../shifts/rota.js';
import { computeWorkload, type WorkloadWeek } from './compute.js';
import { workloadMessages } from './message.js';
import type { CoachingLedger, FoldedSignal, KudosCounts } from './ports.js';

export const WORKLOAD_KIND = 'workload.weekly';
/** Late runs are looked for this far before the week (a run that began then counts whole). */
const LOOK_BACK_DAYS = 14;
const DAY = 86_400_000;

export interface WorkloadDeps {
  settings: Settings;
  reader: EscalationReader;
  kudos: KudosCounts;
  ledger: CoachingLedger;
  /** Who works the occurrences changed at run time (cover, assignments). */
  overrides: () => Promise<Overrides>;
  outbox: Outbox;
  reach: Reach;
  log: (level: 'info' | 'warn', message: string, details?: Record<string, unknown>) => void;
}

export class WorkloadSummary {
  constructor(private readonly deps: WorkloadDeps) {}

  /** The zone of the summary's day, time and week. */
  get zone(): string {
    const config = this.deps.settings.config;
    return config.coaching.weeklySummary?.timezone ?? config.organization.timezone;
  }

  /** A department's managers (every manager when it names none). */
  managers(department: string): Person[] {
    const { config, roster } = this.deps.settings;
    const named = (config.departments.find((d) => d.id === department)?.managers ?? []).flatMap((id) => roster.byId(id) ?? []);
    return named.length > 0 ? named : roster.people.filter((p) => p.role === 'manager');
  }

  /** The numbers of a department's week [from, to] (local dates in the summary's zone). */
  async week(department: string, week: { from: string; to: string }, now: Date): Promise<WorkloadWeek> {
    const { settings, reader, kudos, ledger } = this.deps;
    const config = settings.config;
    const zone = this.zone;
    const start = localInstant(week.from, { hour: 0, minute: 0 }, zone).at;
    const end = localInstant(addDays(week.to, 1), { hour: 0, minute: 0 }, zone).at;
    const shifts = instancesStarting(config, new Date(start.getTime() - (LOOK_BACK_DAYS + 2) * DAY), new Date(end.getTime() + 2 * DAY), await this.deps.overrides(), (s) => s.department === department).filter(
      (i) => i.date >= addDays(week.from, -LOOK_BACK_DAYS) && i.date <= week.to,
    );
    const sla = (d: string, severity: string) => slaOf(settings, d, severity);
    const escalations = (await escalationsCreated(reader, week.from, week.to, zone, true, start))
      .filter((e) => e.department === department)
      .map((e) => ({ ...(e.owner?.personId ? { owner: e.owner.personId } : {}), breached: escalationFacts(e, sla, now).outcome.startsWith('missed') }));
    // Who is listed: whoever worked the department's shifts that week, its on-duty people, and the owners of its escalations.
    const ids = new Set<string>([
      ...shifts.filter((i) => i.date >= week.from).flatMap((i) => i.people),
      ...(config.departments.find((d) => d.id === department)?.onDuty ?? []),
      ...escalations.flatMap((e) => (e.owner ? [e.owner] : [])),
    ]);
    const people = [...ids].flatMap((id) => settings.roster.byId(id) ?? []);
    const counts = new Map<string, number>();
    const nudges = new Map<string, number>();
    const folded = new Map<string, FoldedSignal[]>();
    await Promise.all(
      people.map(async (p) => {
        const [k, n, f] = await Promise.all([kudos.received(p.id, start, end), ledger.nudgesSent(p.id, start, end), ledger.foldedSignals(p.id, start, end)]);
        counts.set(p.id, k);
        nudges.set(p.id, n);
        if (f.length > 0) folded.set(p.id, f);
      }),
    );
    return computeWorkload({ week, people, shifts, escalations, kudos: counts, nudges, folded, limits: { maxLateInARow: config.coaching.maxLateInARow, maxHoursPerWeek: config.coaching.maxHoursPerWeek } });
  }

  kind(): ScheduleKind {
    return {
      kind: WORKLOAD_KIND,
      // A weekly summary is still worth reading later that day, marked late; a day late, the next one is near.
      late: { kind: 'mark', withinMs: DAY },
      occurrences: async (from, to) => {
        const config = this.deps.settings.config;
        const rule = config.coaching.weeklySummary;
        if (!rule) return [];
        const times = dailyOccurrences({ at: parseClockTime(rule.at), zone: this.zone, days: [rule.day] }, from, to);
        return config.departments.flatMap((d) => times.map((x): Occurrence => ({ kind: WORKLOAD_KIND, item: d.id, date: x.date, at: x.at })));
      },
      fire: async (o, firing) => {
        const department = this.deps.settings.config.departments.find((d) => d.id === o.item);
        if (!department || !this.deps.settings.config.coaching.weeklySummary) return;
        const week = lastCompleteWeek(o.date);
        const messages = workloadMessages(department.name, await this.week(department.id, week, firing.now), this.zone, firing.markedLate);
        const deliveries: Delivery[] = [];
        for (const manager of this.managers(department.id)) {
          const address = await this.deps.reach.person(manager);
          if (!address) {
            this.deps.log('warn', 'the weekly workload summary has no way to reach a manager; not sent to them', { person: manager.id, department: department.id });
            continue;
          }
          messages.forEach((message, i) =>
            deliveries.push({ key: `org.workload.${department.id}.${o.date.replace(/-/g, '')}.${manager.id}.${i + 1}`, tenant: address.tenant, platform: address.platform, target: { kind: 'dm', user: address.user }, message, priority: 'bulk' }),
          );
        }
        await this.deps.outbox.enqueue(deliveries);
      },
    };
  }
}

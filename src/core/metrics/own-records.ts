/**
 * Shiftlead's own escalation records as a metric source (`shiftlead`): per department and for the
 * whole team, per local date of the organization — escalations opened, the share acknowledged
 * within their deadline, deadlines missed, escalations open at the end of the day, and the median
 * minutes to acknowledge and to resolve.
 *
 * Each record's history is replayed: a cycle starts at creation or a reopen and has its own
 * deadlines (the current cycle's are on the record; earlier ones follow from the SLA rules).
 * Recomputing a date replaces what was written for it, so it can run as often as needed.
 */
import type { Escalation } from '../escalations/model.js';
import type { Clock } from '../ports.js';
import { addDays, localDate, localInstant } from '../schedule/local-time.js';
import type { Settings } from '../settings.js';
import { OWN_SOURCE, TEAM, type MetricPoint } from './model.js';
import type { EscalationReader, MetricStore } from './ports.js';
import { median } from './stats.js';

interface Cycle {
  start: number;
  ackDue: number;
  resolveDue: number;
  ackAt?: number;
  resolveAt?: number;
}

/** The cycles of a record, oldest first. */
export function cycles(e: Escalation, sla: (department: string, severity: string) => { acknowledgeWithin: number; resolveWithin: number }): Cycle[] {
  const out: Cycle[] = [];
  const rules = sla(e.department, e.severity);
  for (const h of e.history) {
    const at = Date.parse(h.at);
    const current = out.at(-1);
    if (h.type === 'created' || h.type === 'reopened') out.push({ start: at, ackDue: at + rules.acknowledgeWithin, resolveDue: at + rules.resolveWithin });
    else if (h.type === 'acknowledged' && current && current.ackAt === undefined) current.ackAt = at;
    else if (h.type === 'resolved' && current && current.resolveAt === undefined) current.resolveAt = at;
  }
  const last = out.at(-1);
  if (last) {
    // The record keeps the deadlines its current cycle was given (the rules may have changed since).
    last.ackDue = Date.parse(e.acknowledgeDueAt);
    last.resolveDue = Date.parse(e.resolveDueAt);
  }
  return out;
}

interface Tally {
  opened: number;
  acks: number;
  acksInSla: number;
  breaches: number;
  open: number;
  ackMinutes: number[];
  resolveMinutes: number[];
}

const emptyTally = (): Tally => ({ opened: 0, acks: 0, acksInSla: 0, breaches: 0, open: 0, ackMinutes: [], resolveMinutes: [] });

/** The numbers of one local day [start, end), counted at `now` (today's day is counted so far). */
function tally(records: Escalation[], start: number, end: number, now: number, sla: Parameters<typeof cycles>[1], departmentOf: (e: Escalation) => string[]): Map<string, Tally> {
  const out = new Map<string, Tally>();
  const inDay = (t: number | undefined) => t !== undefined && t >= start && t < end && t <= now;
  const backlogAt = Math.min(end, now);
  for (const e of records) {
    const all = cycles(e, sla);
    const t = emptyTally();
    if (inDay(Date.parse(e.createdAt))) t.opened += 1;
    for (const c of all) {
      if (inDay(c.ackAt)) {
        t.acks += 1;
        if ((c.ackAt as number) <= c.ackDue) t.acksInSla += 1;
        t.ackMinutes.push(((c.ackAt as number) - c.start) / 60_000);
      }
      if (inDay(c.resolveAt)) t.resolveMinutes.push(((c.resolveAt as number) - c.start) / 60_000);
      const unmet = (met: number | undefined, due: number) => met === undefined || met > due;
      if (inDay(c.ackDue) && unmet(c.ackAt, c.ackDue) && unmet(c.resolveAt, c.ackDue)) t.breaches += 1;
      if (inDay(c.resolveDue) && unmet(c.resolveAt, c.resolveDue)) t.breaches += 1;
    }
    const current = [...all].reverse().find((c) => c.start < backlogAt);
    if (current && !(current.resolveAt !== undefined && current.resolveAt <= backlogAt)) t.open += 1;
    for (const department of departmentOf(e)) {
      const sum = out.get(department) ?? emptyTally();
      sum.opened += t.opened;
      sum.acks += t.acks;
      sum.acksInSla += t.acksInSla;
      sum.breaches += t.breaches;
      sum.open += t.open;
      sum.ackMinutes.push(...t.ackMinutes);
      sum.resolveMinutes.push(...t.resolveMinutes);
      out.set(department, sum);
    }
  }
  return out;
}

function points(date: string, department: string, t: Tally): MetricPoint[] {
  const base = { date, department, source: OWN_SOURCE };
  const out: MetricPoint[] = [
    { ...base, metric: 'escalationsOpened', value: t.opened },
    { ...base, metric: 'slaBreaches', value: t.breaches },
    { ...base, metric: 'escalationBacklog', value: t.open },
  ];
  if (t.acks > 0) out.push({ ...base, metric: 'ackWithinSla', value: t.acksInSla / t.acks, count: t.acks });
  const ack = median(t.ackMinutes);
  if (ack !== undefined) out.push({ ...base, metric: 'ackMinutes', value: Math.round(ack * 10) / 10, count: t.ackMinutes.length });
  const resolve = median(t.resolveMinutes);
  if (resolve !== undefined) out.push({ ...base, metric: 'resolveMinutes', value: Math.round(resolve * 10) / 10, count: t.resolveMinutes.length });
  return out;
}

/** The deadlines of a severity in a department under the configuration in force (a department may override). */
export function slaOf(settings: Settings, department: string, severity: string): { acknowledgeWithin: number; resolveWithin: number } {
  const config = settings.config;
  const s = config.severities.find((x) => x.id === severity);
  const override = config.departments.find((d) => d.id === department)?.sla[severity];
  return { acknowledgeWithin: override?.acknowledgeWithin ?? s?.acknowledgeWithin ?? 3_600_000, resolveWithin: override?.resolveWithin ?? s?.resolveWithin ?? 86_400_000 };
}

/** How long computed numbers count as fresh; a briefing firing within it reuses them. */
export const OWN_FRESH_MS = 60_000;
const BACKFILL_DAYS = 14;

export interface OwnRecordsDeps {
  reader: EscalationReader;
  store: MetricStore;
  settings: Settings;
  clock: Clock;
  /** Claims a named lease for `ms` (true for the one caller that gets it), so that replicas share the work. */
  claim(name: string, ms: number): Promise<boolean>;
}

export class OwnRecords {
  constructor(private readonly deps: OwnRecordsDeps) {}

  private sla = (department: string, severity: string) => slaOf(this.deps.settings, department, severity);

  /** The records that can matter to days from `from` on: open ones, and any changed since. */
  private async candidates(from: Date): Promise<Escalation[]> {
    const { reader } = this.deps;
    const out = new Map<string, Escalation>();
    for (const tenant of await reader.tenants()) {
      for (const e of await reader.open(tenant)) out.set(`${tenant}/${e.id}`, e);
      const touched = (await reader.touchedSince(tenant, from)).filter((id) => !out.has(`${tenant}/${id}`));
      for (const e of await reader.get(tenant, touched)) out.set(`${tenant}/${e.id}`, e);
    }
    return [...out.values()];
  }

  /** Shiftlead's numbers for local dates of the organization (per department and TEAM). */
  async compute(dates: readonly string[]): Promise<MetricPoint[]> {
    if (dates.length === 0) return [];
    const zone = this.deps.settings.config.organization.timezone;
    const now = this.deps.clock.now();
    const sorted = [...dates].sort();
    const first = localInstant(sorted[0] as string, { hour: 0, minute: 0 }, zone).at;
    const records = await this.candidates(first);
    const departments = this.deps.settings.config.departments.map((d) => d.id);
    const departmentOf = (e: Escalation) => (departments.includes(e.department) ? [e.department, TEAM] : [TEAM]);
    const out: MetricPoint[] = [];
    for (const date of sorted) {
      const start = localInstant(date, { hour: 0, minute: 0 }, zone).at.getTime();
      const end = localInstant(addDays(date, 1), { hour: 0, minute: 0 }, zone).at.getTime();
      if (start > now.getTime()) continue;
      const tallies = tally(records, start, end, now.getTime(), this.sla, departmentOf);
      for (const department of [...departments, TEAM]) out.push(...points(date, department, tallies.get(department) ?? emptyTally()));
    }
    return out;
  }

  /** Recomputes and stores the numbers of these dates (each date replaced whole). */
  async refresh(dates: readonly string[]): Promise<void> {
    const computed = await this.compute(dates);
    const departments = [...this.deps.settings.config.departments.map((d) => d.id), TEAM];
    for (const date of new Set(computed.map((p) => p.date))) {
      await this.deps.store.replaceSource(OWN_SOURCE, date, departments, computed.filter((p) => p.date === date));
    }
  }

  /**
   * Keeps yesterday's and today's numbers fresh (at most once per `freshMs` across all processes,
   * per lease name), and the last two weeks once a day (for the trend and the charts).
   */
  async ensureFresh(freshMs = OWN_FRESH_MS, lease = 'own-fresh'): Promise<void> {
    const zone = this.deps.settings.config.organization.timezone;
    const today = localDate(this.deps.clock.now(), zone);
    if (await this.deps.claim('own-backfill', 24 * 3600_000)) {
      await this.refresh(Array.from({ length: BACKFILL_DAYS + 1 }, (_, i) => addDays(today, -i)));
      return;
    }
    if (await this.deps.claim(lease, freshMs)) await this.refresh([addDays(today, -1), today]);
  }
}

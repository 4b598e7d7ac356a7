/**
 * What the weekly report and the export are made of: the escalations of a period (by department
 * and severity, SLA outcome, time to acknowledge and resolve) and weekly values of the daily
 * metrics. Weeks are Monday to Sunday in the report's zone.
 */
import type { Escalation } from '../escalations/model.js';
import { addDays, weekdayOf, WEEKDAYS } from '../schedule/local-time.js';
import { localDate } from '../schedule/local-time.js';
import type { ScopeValues } from './kpis.js';
import { cycles } from './own-records.js';
import type { EscalationReader } from './ports.js';
import { mean, median, weightedMean } from './stats.js';

/** The Monday-to-Sunday week before the one `date` is in. */
export function lastCompleteWeek(date: string): { from: string; to: string } {
  const monday = addDays(date, -WEEKDAYS.indexOf(weekdayOf(date)));
  return { from: addDays(monday, -7), to: addDays(monday, -1) };
}

/** Every local date from `from` to `to`, inclusive. */
export function datesFrom(from: string, to: string): string[] {
  const out: string[] = [];
  for (let d = from; d <= to; d = addDays(d, 1)) out.push(d);
  return out;
}

export type SlaOutcome = 'met' | 'open' | 'missed acknowledge' | 'missed resolve' | 'missed both';

export interface EscalationFacts {
  e: Escalation;
  outcome: SlaOutcome;
  /** Minutes from creation to the first acknowledgement / resolution of its first cycle. */
  ackMinutes?: number;
  resolveMinutes?: number;
}

type Sla = Parameters<typeof cycles>[1];

/** How an escalation did against its deadlines, as of `now`. */
export function escalationFacts(e: Escalation, sla: Sla, now: Date): EscalationFacts {
  const all = cycles(e, sla);
  const t = now.getTime();
  let ackMissed = false;
  let resolveMissed = false;
  for (const c of all) {
    const late = (met: number | undefined, due: number) => due <= t && (met === undefined || met > due);
    if (late(c.ackAt, c.ackDue) && late(c.resolveAt, c.ackDue)) ackMissed = true;
    if (late(c.resolveAt, c.resolveDue)) resolveMissed = true;
  }
  const first = all[0];
  const outcome: SlaOutcome = ackMissed && resolveMissed ? 'missed both' : ackMissed ? 'missed acknowledge' : resolveMissed ? 'missed resolve' : e.status === 'resolved' ? 'met' : 'open';
  return {
    e,
    outcome,
    ...(first?.ackAt !== undefined ? { ackMinutes: (first.ackAt - first.start) / 60_000 } : {}),
    ...(first?.resolveAt !== undefined ? { resolveMinutes: (first.resolveAt - first.start) / 60_000 } : {}),
  };
}

/** Escalations created on local dates [from, to] of `zone`, across every tenant, oldest first. */
export async function escalationsCreated(reader: EscalationReader, from: string, to: string, zone: string, recentOnly: boolean, since: Date): Promise<Escalation[]> {
  const out: Escalation[] = [];
  for (const tenant of await reader.tenants()) {
    if (recentOnly) {
      // A recent period: the records touched since it began (from the audit stream) and those still open.
      const ids = new Set(await reader.touchedSince(tenant, since));
      for (const e of await reader.open(tenant)) ids.add(e.id);
      out.push(...(await reader.get(tenant, [...ids])));
    } else {
      for await (const page of reader.all(tenant)) out.push(...page);
    }
  }
  return out.filter((e) => {
    const d = localDate(new Date(e.createdAt), zone);
    return d >= from && d <= to;
  }).sort((a, b) => a.createdAt.localeCompare(b.createdAt));
}

export interface EscalationSummary {
  total: number;
  bySeverity: Map<string, number>;
  byDepartment: Map<string, Map<string, number>>;
  breached: number;
  ackMinutes?: number;
  resolveMinutes?: number;
}

export function summarize(facts: readonly EscalationFacts[]): EscalationSummary {
  const bySeverity = new Map<string, number>();
  const byDepartment = new Map<string, Map<string, number>>();
  for (const { e } of facts) {
    bySeverity.set(e.severity, (bySeverity.get(e.severity) ?? 0) + 1);
    const d = byDepartment.get(e.department) ?? new Map<string, number>();
    d.set(e.severity, (d.get(e.severity) ?? 0) + 1);
    byDepartment.set(e.department, d);
  }
  const ack = median(facts.flatMap((f) => (f.ackMinutes !== undefined ? [f.ackMinutes] : [])));
  const resolve = median(facts.flatMap((f) => (f.resolveMinutes !== undefined ? [f.resolveMinutes] : [])));
  return {
    total: facts.length,
    bySeverity,
    byDepartment,
    breached: facts.filter((f) => f.outcome.startsWith('missed')).length,
    ...(ack !== undefined ? { ackMinutes: ack } : {}),
    ...(resolve !== undefined ? { resolveMinutes: resolve } : {}),
  };
}

/** How daily values add up to a week: averages weighted by their counts, means of daily medians, sums, or the last day. */
const HOW: Record<string, 'weighted' | 'mean' | 'sum' | 'last'> = {
  csat: 'weighted',
  csatGood: 'weighted',
  nps: 'weighted',
  resolutionRate: 'weighted',
  ackWithinSla: 'weighted',
  firstResponseMinutes: 'mean',
  ackMinutes: 'mean',
  resolveMinutes: 'mean',
  slaBreaches: 'sum',
  escalationsOpened: 'sum',
  backlog: 'last',
  escalationBacklog: 'last',
};

/** A metric over some days from one source: undefined when the source sent nothing then. */
export function periodValue(values: ScopeValues, metric: string, source: string, dates: readonly string[]): { value: number; count?: number } | undefined {
  const points = dates.flatMap((d) => values.point(metric, source, d) ?? []);
  if (points.length === 0) return undefined;
  const counted = points.every((p) => p.count !== undefined) ? points.reduce((n, p) => n + (p.count ?? 0), 0) : undefined;
  const how = HOW[metric] ?? 'mean';
  const value =
    how === 'weighted' ? weightedMean(points)
    : how === 'sum' ? points.reduce((n, p) => n + p.value, 0)
    : how === 'last' ? (points.at(-1)?.value as number)
    : mean(points.map((p) => p.value));
  return value === undefined ? undefined : { value, ...(counted !== undefined ? { count: counted } : {}) };
}

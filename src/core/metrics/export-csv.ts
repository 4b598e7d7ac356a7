/**
 * The export's two CSV files (csv-stringify): escalations, one row each, and the daily metrics.
 * Cells a spreadsheet would run as a formula (starting with =, +, -, @, tab or return) are
 * written with a leading apostrophe.
 */
import { stringify } from 'csv-stringify/sync';
import type { StoredPoint } from './ports.js';
import type { EscalationFacts } from './report-data.js';

const FORMULA = /^[=+\-@\t\r]/;
const safe = (value: unknown): string => {
  if (value === undefined || value === null) return '';
  const text = String(value);
  return FORMULA.test(text) && !/^-?\d+(\.\d+)?$/.test(text) ? `'${text}` : text;
};

const round1 = (x: number | undefined) => (x === undefined ? '' : String(Math.round(x * 10) / 10));

export function escalationsCsv(rows: readonly EscalationFacts[]): string {
  const header = ['id', 'platform', 'created_at', 'severity', 'department', 'customer', 'summary', 'status', 'owner', 'acknowledge_due_at', 'acknowledged_at', 'resolve_due_at', 'resolved_at', 'minutes_to_acknowledge', 'minutes_to_resolve', 'sla_outcome'];
  const data = rows.map(({ e, outcome, ackMinutes, resolveMinutes }) => [
    e.id,
    e.platform,
    e.createdAt,
    e.severity,
    e.department,
    e.customer,
    e.summary,
    e.status,
    e.owner?.name ?? '',
    e.acknowledgeDueAt,
    e.acknowledgedAt ?? '',
    e.resolveDueAt,
    e.resolvedAt ?? '',
    round1(ackMinutes),
    round1(resolveMinutes),
    outcome,
  ]);
  return stringify([header, ...data], { cast: { string: safe } });
}

export function metricsCsv(points: readonly StoredPoint[]): string {
  const sorted = [...points].sort((a, b) => a.date.localeCompare(b.date) || a.department.localeCompare(b.department) || a.metric.localeCompare(b.metric) || a.source.localeCompare(b.source));
  const rows = sorted.map((p) => [p.date, p.department === '_team' ? '' : p.department, p.metric, p.source, String(p.value), p.count === undefined ? '' : String(p.count)]);
  return stringify([['date', 'department', 'metric', 'source', 'value', 'count'], ...rows], { cast: { string: safe } });
}

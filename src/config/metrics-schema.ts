/**
 * The team configuration's keys for metrics, briefings and reports: the weekly report, and the
 * checks that the people and departments they name exist.
 */
import { z } from 'zod';
import { ClockTime, Id, TimeZone, Weekday } from './config-types.js';

/** The weekly report for management: a DM to `to` each week. */
export const WeeklyReport = z.strictObject({
  day: Weekday.default('mon'),
  at: ClockTime,
  timezone: TimeZone,
  to: z.array(Id).min(1, 'name at least one person to send the report to'),
});

type Ctx = z.RefinementCtx;

const list = (value: unknown): Array<Record<string, unknown>> =>
  Array.isArray(value) ? value.map((v) => (v && typeof v === 'object' ? (v as Record<string, unknown>) : {})) : [];

/** Briefings' departments and the weekly report's people must exist. */
export function metricsReferences(config: { briefings?: unknown; reports?: unknown }, personIds: Set<unknown>, departmentIds: Set<unknown>, ctx: Ctx): void {
  list(config.briefings).forEach((b, i) => {
    (Array.isArray(b['departments']) ? (b['departments'] as unknown[]) : []).forEach((d, j) => {
      if (typeof d === 'string' && !departmentIds.has(d)) ctx.addIssue({ code: 'custom', path: ['briefings', i, 'departments', j], message: `${JSON.stringify(d)} is not a department in departments` });
    });
  });
  const weekly = (config.reports as { weekly?: { to?: unknown } } | undefined)?.weekly;
  (Array.isArray(weekly?.to) ? (weekly.to as unknown[]) : []).forEach((p, j) => {
    if (typeof p === 'string' && !personIds.has(p)) ctx.addIssue({ code: 'custom', path: ['reports', 'weekly', 'to', j], message: `${JSON.stringify(p)} is not a person in people` });
  });
}

/**
 * Metrics: one number per metric, per local date, per department (or the whole team), per source.
 * The metrics Shiftlead knows have a range and a direction (is higher better?); any other name a
 * source sends (`[a-z][a-zA-Z0-9_]{0,39}`) is a custom metric, kept and shown as-is.
 *
 * One zod schema checks every way in (the HTTP ingest API, CSV files, connectors), so a value is
 * refused the same way wherever it comes from.
 */
import { z } from 'zod';
import { addDays } from '../schedule/local-time.js';

/** How a value reads: `4.6`, `83%`, `42 min`, `12`. */
export type MetricFormat = 'decimal' | 'percent' | 'minutes' | 'count';

export interface MetricInfo {
  label: string;
  min: number;
  max: number;
  integer: boolean;
  /** Which way is good (for met/missed); `none` for plain counts. */
  better: 'higher' | 'lower' | 'none';
  format: MetricFormat;
  /** What the number is, for the README and the range message. */
  what: string;
}

const MINUTES_IN_A_YEAR = 525_600;

/** The metrics Shiftlead knows, in the order a briefing shows them. */
export const KNOWN_METRICS = {
  csat: { label: 'CSAT', min: 1, max: 5, integer: false, better: 'higher', format: 'decimal', what: 'average rating, 1–5' },
  csatGood: { label: 'CSAT (good)', min: 0, max: 1, integer: false, better: 'higher', format: 'percent', what: 'share of good ratings among good and bad, 0–1' },
  nps: { label: 'NPS', min: -100, max: 100, integer: false, better: 'higher', format: 'decimal', what: 'net promoter score, −100–100' },
  firstResponseMinutes: { label: 'First response', min: 0, max: MINUTES_IN_A_YEAR, integer: false, better: 'lower', format: 'minutes', what: 'median minutes to the first reply' },
  resolutionRate: { label: 'Resolution rate', min: 0, max: 1, integer: false, better: 'higher', format: 'percent', what: 'share resolved, 0–1' },
  backlog: { label: 'Backlog', min: 0, max: 100_000_000, integer: true, better: 'lower', format: 'count', what: 'open tickets' },
  slaBreaches: { label: 'SLA breaches', min: 0, max: 100_000_000, integer: true, better: 'lower', format: 'count', what: 'deadlines missed' },
  escalationsOpened: { label: 'Escalations opened', min: 0, max: 100_000_000, integer: true, better: 'none', format: 'count', what: 'escalations raised' },
  ackWithinSla: { label: 'Acknowledged in SLA', min: 0, max: 1, integer: false, better: 'higher', format: 'percent', what: 'share of acknowledgements within the deadline, 0–1' },
  escalationBacklog: { label: 'Open escalations', min: 0, max: 100_000_000, integer: true, better: 'lower', format: 'count', what: 'escalations open at the end of the day' },
  ackMinutes: { label: 'Time to acknowledge', min: 0, max: MINUTES_IN_A_YEAR, integer: false, better: 'lower', format: 'minutes', what: 'median minutes to acknowledge' },
  resolveMinutes: { label: 'Time to resolve', min: 0, max: MINUTES_IN_A_YEAR, integer: false, better: 'lower', format: 'minutes', what: 'median minutes to resolve' },
} as const satisfies Record<string, MetricInfo>;

export type KnownMetric = keyof typeof KNOWN_METRICS;

/** The KPIs a briefing always lists (with "no data" when nothing came in). */
export const KPIS = ['csat', 'nps', 'firstResponseMinutes', 'resolutionRate', 'backlog', 'slaBreaches'] as const satisfies readonly KnownMetric[];

/** What Shiftlead computes from its own escalation records. */
export const OWN_METRICS = ['escalationsOpened', 'ackWithinSla', 'slaBreaches', 'escalationBacklog', 'ackMinutes', 'resolveMinutes'] as const satisfies readonly KnownMetric[];

/** Shiftlead's own records as a source; no other door may write it. */
export const OWN_SOURCE = 'shiftlead';

/** The department name of whole-team values (never a department id: those cannot start with `_`). */
export const TEAM = '_team';

const CUSTOM_LIMIT = 1e12;

export function isKnownMetric(name: string): name is KnownMetric {
  return Object.hasOwn(KNOWN_METRICS, name);
}

/** What Shiftlead knows about a metric; custom metrics are plain numbers shown as-is. */
export function metricInfo(name: string): MetricInfo {
  if (isKnownMetric(name)) return KNOWN_METRICS[name];
  return { label: name, min: -CUSTOM_LIMIT, max: CUSTOM_LIMIT, integer: false, better: 'none', format: 'decimal', what: 'a custom metric' };
}

export const METRIC_NAME = /^[a-z][a-zA-Z0-9_]{0,39}$/;
export const SOURCE_NAME = /^[a-z][a-z0-9_-]{0,31}$/;
const DATE = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;

/** A stored value. */
export interface MetricPoint {
  metric: string;
  /** The local calendar date it is about. */
  date: string;
  value: number;
  /** How many ratings, answers or tickets the value is made of, when the source said. */
  count?: number;
  /** A department id, or TEAM. */
  department: string;
  source: string;
}

/** What the doors check against: the configuration in force and today's date. */
export interface InputContext {
  /** Today in the organization's time zone: dates more than a year after it are refused. */
  today: string;
  /** The department ids of the team configuration. */
  departments: readonly string[];
  /** The source of items that name none (`api`, `csv`). */
  defaultSource: string;
}

function realDate(date: string): boolean {
  const d = new Date(`${date}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().startsWith(date);
}

function rangeText(info: MetricInfo): string {
  const n = (x: number) => x.toLocaleString('en-US');
  return `${info.integer ? 'a whole number' : 'a number'} from ${n(info.min)} to ${n(info.max)} (${info.what})`;
}

/**
 * The one schema of a metric item, for every door. Problems name their field:
 * `value: csat must be a number from 1 to 5 (average rating, 1–5)`.
 */
export function metricInputSchema(context: InputContext) {
  const lastDate = addDays(context.today, 366);
  return z
    .strictObject({
      metric: z.string({ error: 'is required: a metric name such as csat' }).regex(METRIC_NAME, 'must be a metric name: a lowercase letter, then up to 39 letters, digits or "_" (e.g. csat, firstResponseMinutes)'),
      date: z
        .string({ error: 'is required: a date such as 2026-11-23' })
        .regex(DATE, { message: 'must be a date written YYYY-MM-DD, e.g. 2026-11-23', abort: true })
        .refine(realDate, { message: 'is not a real date', abort: true })
        .refine((d) => d <= lastDate, `is more than a year ahead (the latest accepted is ${lastDate})`),
      value: z.number({ error: 'must be a number' }).refine(Number.isFinite, 'must be a finite number'),
      count: z.number({ error: 'must be a whole number' }).int('must be a whole number').min(1, 'must be at least 1 (send nothing for a day without any)').max(1e9, 'is too large').optional(),
      department: z
        .string({ error: 'must be a department id' })
        .refine((d) => context.departments.includes(d), { error: `must be a department of the team configuration (${context.departments.join(', ')}), or left out for the whole team` })
        .optional(),
      source: z
        .string({ error: 'must be a source name' })
        .regex(SOURCE_NAME, 'must be a source name: a lowercase letter, then up to 31 lowercase letters, digits, "-" or "_"')
        .refine((s) => s !== OWN_SOURCE, `"${OWN_SOURCE}" is Shiftlead's own records; name another source`)
        .optional(),
    })
    .superRefine((item, ctx) => {
      const info = metricInfo(item.metric);
      const bad = item.value < info.min || item.value > info.max || (info.integer && !Number.isInteger(item.value));
      if (bad) ctx.addIssue({ code: 'custom', path: ['value'], message: `${item.metric} must be ${rangeText(info)}; got ${item.value}` });
    })
    .transform((item): MetricPoint => ({
      metric: item.metric,
      date: item.date,
      value: item.value,
      ...(item.count !== undefined ? { count: item.count } : {}),
      department: item.department ?? TEAM,
      source: item.source ?? context.defaultSource,
    }));
}

export interface ItemProblem {
  /** The item's position (0-based in the API, the file's line in a CSV). */
  index: number;
  field: string;
  message: string;
}

/** The identity of a value: sending the same one again replaces it. */
export function pointKey(p: Pick<MetricPoint, 'metric' | 'date' | 'department' | 'source'>): string {
  return `${p.metric}|${p.date}|${p.department}|${p.source}`;
}

/**
 * Checks a batch all or nothing: every problem of every item, by index and field, or the points.
 * Two items with the same (metric, date, department, source) are refused: which one should win?
 */
export function checkBatch(items: readonly unknown[], context: InputContext, indexOf: (i: number) => number = (i) => i): { ok: true; points: MetricPoint[] } | { ok: false; problems: ItemProblem[] } {
  const schema = metricInputSchema(context);
  const problems: ItemProblem[] = [];
  const points: MetricPoint[] = [];
  const seen = new Map<string, number>();
  items.forEach((item, i) => {
    const index = indexOf(i);
    const parsed = schema.safeParse(item);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        if (issue.code === 'unrecognized_keys') {
          for (const key of issue.keys) problems.push({ index, field: key, message: 'is not a field of a metric (metric, date, value, count, department, source)' });
        } else {
          problems.push({ index, field: issue.path.map(String).join('.') || '(item)', message: issue.code === 'invalid_type' && issue.path.length === 0 ? 'must be an object' : issue.message });
        }
      }
      return;
    }
    const key = pointKey(parsed.data);
    const first = seen.get(key);
    if (first !== undefined) {
      problems.push({ index, field: 'metric', message: `repeats item ${first} (same metric, date, department and source)` });
      return;
    }
    seen.set(key, index);
    points.push(parsed.data);
  });
  return problems.length > 0 ? { ok: false, problems } : { ok: true, points };
}

/**
 * Reading the stored values the way a person reads them: for one department (or the whole team),
 * one metric and one day — which source to believe, its value (or none: "no data" is never a 0),
 * the average of the seven days before, and whether the target was met.
 *
 * Several sources may report one metric. The one shown is the same for the day, the average and
 * the chart (a trend never mixes sources): a source with a value that day first, then a source
 * other than Shiftlead's own records, then the one with the most days of data, then by name.
 */
import type { TeamConfig } from '../../config/team-config-schema.js';
import { addDays } from '../schedule/local-time.js';
import { isKnownMetric, KNOWN_METRICS, metricInfo, OWN_SOURCE } from './model.js';
import type { StoredPoint } from './ports.js';
import { mean } from './stats.js';

export interface KpiValue {
  metric: string;
  label: string;
  /** The source shown (undefined when none sent anything in the window). */
  source?: string;
  value?: number;
  count?: number;
  /** The mean of the source's values on the seven days before. */
  average?: number;
  target?: number;
  /** Whether the value met the target (undefined without one or without a value). */
  met?: boolean;
}

/** Days of history a briefing looks at (the chart's width). */
export const WINDOW_DAYS = 14;
const AVERAGE_DAYS = 7;

const windows = new Map<string, readonly string[]>();

/** The local dates from `days` days before `date` up to `date`, oldest first (remembered: briefings ask for the same ones all the time). */
export function window(date: string, days = WINDOW_DAYS): readonly string[] {
  const key = `${date}|${days}`;
  let out = windows.get(key);
  if (!out) {
    if (windows.size > 1_000) windows.clear();
    out = Object.freeze(Array.from({ length: days }, (_, i) => addDays(date, i - days + 1)));
    windows.set(key, out);
  }
  return out;
}

/** One department's (or the team's) values, by metric, source and date. */
export class ScopeValues {
  private readonly byMetric = new Map<string, Map<string, Map<string, StoredPoint>>>();

  constructor(points: readonly StoredPoint[]) {
    for (const p of points) {
      let sources = this.byMetric.get(p.metric);
      if (!sources) this.byMetric.set(p.metric, (sources = new Map()));
      let dates = sources.get(p.source);
      if (!dates) sources.set(p.source, (dates = new Map()));
      dates.set(p.date, p);
    }
  }

  /** Every metric with any value. */
  metrics(): string[] {
    return [...this.byMetric.keys()];
  }

  point(metric: string, source: string, date: string): StoredPoint | undefined {
    return this.byMetric.get(metric)?.get(source)?.get(date);
  }

  /** The source to show for a metric on `date`, looking at the dates of `days` (see the file's comment). */
  source(metric: string, date: string, days: readonly string[]): string | undefined {
    const sources = [...(this.byMetric.get(metric) ?? new Map<string, Map<string, StoredPoint>>()).entries()]
      .map(([source, dates]) => ({ source, onDate: dates.has(date), days: days.filter((d) => dates.has(d)).length }))
      .filter((s) => s.days > 0 || s.onDate);
    sources.sort((a, b) => Number(b.onDate) - Number(a.onDate) || Number(a.source === OWN_SOURCE) - Number(b.source === OWN_SOURCE) || b.days - a.days || a.source.localeCompare(b.source));
    return sources[0]?.source;
  }

  /** A metric as a person reads it on `date`: value, source, 7-day average, target. */
  kpi(metric: string, date: string, targets: TeamConfig['targets'], source = this.source(metric, date, window(date))): KpiValue {
    const info = metricInfo(metric);
    const target = isKnownMetric(metric) ? (targets as Partial<Record<string, number>>)[metric] : undefined;
    const out: KpiValue = { metric, label: info.label, ...(target !== undefined ? { target } : {}) };
    if (!source) return out;
    out.source = source;
    const point = this.point(metric, source, date);
    if (point) {
      out.value = point.value;
      if (point.count !== undefined) out.count = point.count;
    }
    const before = window(addDays(date, -1), AVERAGE_DAYS).flatMap((d) => {
      const p = this.point(metric, source, d);
      return p ? [p.value] : [];
    });
    const average = mean(before);
    if (average !== undefined) out.average = average;
    if (target !== undefined && out.value !== undefined && info.better !== 'none') out.met = info.better === 'higher' ? out.value >= target : out.value <= target;
    return out;
  }

  /** Custom metrics (names Shiftlead does not know) with any value in `days`. */
  custom(days: readonly string[]): string[] {
    return this.metrics()
      .filter((m) => !isKnownMetric(m))
      .filter((m) => [...(this.byMetric.get(m)?.values() ?? [])].some((dates) => days.some((d) => dates.has(d))))
      .sort();
  }

  /** True when any source sent this metric in `days`. */
  has(metric: string, days: readonly string[]): boolean {
    return [...(this.byMetric.get(metric)?.values() ?? [])].some((dates) => days.some((d) => dates.has(d)));
  }
}

/** Known metrics, in display order, for lookups by label. */
export const METRIC_ORDER = Object.keys(KNOWN_METRICS);

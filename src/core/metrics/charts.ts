/**
 * Trend charts from stored values: one line per department (or the team) against the target, over
 * the days every line has a value (a platform's line needs a value on every day; a missing day is
 * left out and named in the summary, never drawn as 0). Too few days → no chart, and the message
 * goes out without it.
 */
import type { ChartBlock } from '../../chat/message.js';
import { dayLabel, formatValue } from './format.js';
import type { ScopeValues } from './kpis.js';
import { metricInfo } from './model.js';

/** Fewer days than this make no chart. */
export const MIN_CHART_POINTS = 3;
/** Lines of departments on one chart (the target takes the sixth of Slack's six). */
const MAX_SCOPES = 5;

export interface ChartScope {
  name: string;
  values: ScopeValues;
}

export type ChartResult = { chart: ChartBlock } | { omitted: string };

export function trendChart(input: { metric: string; title: string; scopes: readonly ChartScope[]; days: readonly string[]; target?: number | undefined }): ChartResult {
  const { metric, days } = input;
  const info = metricInfo(metric);
  const last = days.at(-1) as string;
  const percent = info.format === 'percent';
  const shown = (v: number) => (percent ? Math.round(v * 1000) / 10 : v);
  const lines = input.scopes
    .slice(0, MAX_SCOPES)
    .map((scope) => {
      const source = scope.values.source(metric, last, days);
      return { scope, source, byDay: new Map(days.flatMap((d) => (source ? [[d, scope.values.point(metric, source, d)?.value] as const] : [])).filter((e): e is readonly [string, number] => e[1] !== undefined)) };
    })
    .filter((l) => l.source !== undefined);
  if (lines.length === 0) return { omitted: `No ${info.label} data in the last ${days.length} days, so no chart.` };
  const drawn = days.filter((d) => lines.every((l) => l.byDay.has(d)));
  const missing = days.filter((d) => !drawn.includes(d));
  if (drawn.length < MIN_CHART_POINTS) return { omitted: `${info.label} has data on ${drawn.length} of the last ${days.length} days: too few for a chart.` };

  const series: ChartBlock['series'] = lines.map((l) => ({ name: l.scope.name, values: drawn.map((d) => shown(l.byDay.get(d) as number)) }));
  if (input.target !== undefined) series.push({ name: 'Target', values: drawn.map(() => shown(input.target as number)), target: true });
  const parts = lines.map((l) => {
    const values = drawn.map((d) => l.byDay.get(d) as number);
    const latest = values.at(-1) as number;
    return `${l.scope.name} ${formatValue(metric, latest)} on ${dayLabel(drawn.at(-1) as string)} (${l.source}), ${formatValue(metric, Math.min(...values))}–${formatValue(metric, Math.max(...values))} over ${drawn.length} days`;
  });
  const target = input.target !== undefined ? ` Target ${formatValue(metric, input.target)}.` : '';
  const gaps = missing.length > 0 ? ` No data on ${missing.length > 4 ? `${missing.length} days` : missing.map(dayLabel).join(', ')}.` : '';
  return {
    chart: {
      type: 'chart',
      title: input.title,
      summary: `${info.label}: ${parts.join('; ')}.${target}${gaps}`,
      categories: drawn.map(dayLabel),
      series,
      xLabel: 'Day',
      yLabel: percent ? `${info.label} (%)` : info.format === 'minutes' ? `${info.label} (min)` : info.label,
    },
  };
}

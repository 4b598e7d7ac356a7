/**
 * Charts on Slack: the native `data_visualization` line chart (messages only, at most two per
 * message; title ≤ 50, 1–6 series with distinct names ≤ 20, ≤ 20 points each, one per category,
 * labels ≤ 20, axis titles ≤ 50), with the chart's summary in a context block beneath it. Where a
 * native chart cannot go (the Home tab, a third chart), the chart is drawn as text sparklines.
 */
import { chartLines } from '../../chat/chart.js';
import type { ChartBlock, Message } from '../../chat/message.js';
import { truncate } from '../../chat/truncate.js';
import { SLACK_LIMITS as L } from './limits.js';
import { toMrkdwn } from './mrkdwn.js';

export interface DataVisualizationBlock {
  type: 'data_visualization';
  title: string;
  chart: {
    type: 'line';
    series: Array<{ name: string; data: Array<{ label: string; value: number }> }>;
    axis_config: { categories: string[]; x_label?: string; y_label?: string };
  };
}

/** Cuts names to `max` and keeps them distinct (`Support`, `Support 2`). */
function distinct(names: readonly string[], max: number): string[] {
  const out: string[] = [];
  for (const name of names) {
    let candidate = truncate(name, max);
    for (let n = 2; out.includes(candidate); n += 1) candidate = `${truncate(name, max - String(n).length - 1)} ${n}`;
    out.push(candidate);
  }
  return out;
}

/** The native line chart, within Slack's documented limits (the newest 20 points, the first 6 series). */
export function dataVisualization(chart: ChartBlock): DataVisualizationBlock {
  const keep = Math.min(chart.categories.length, L.chartPoints);
  const from = chart.categories.length - keep;
  const categories = distinct(chart.categories.slice(from), L.chartLabel);
  const series = chart.series.slice(0, L.chartSeries);
  const names = distinct(series.map((s) => s.name), L.chartSeriesName);
  const axis: DataVisualizationBlock['chart']['axis_config'] = { categories };
  if (chart.xLabel) axis.x_label = truncate(chart.xLabel, L.chartAxisLabel);
  if (chart.yLabel) axis.y_label = truncate(chart.yLabel, L.chartAxisLabel);
  return {
    type: 'data_visualization',
    title: truncate(chart.title, L.chartTitle),
    chart: {
      type: 'line',
      series: series.map((s, i) => ({ name: names[i] as string, data: categories.map((label, j) => ({ label, value: s.values[from + j] as number })) })),
      axis_config: axis,
    },
  };
}

/** The chart as mrkdwn text: one sparkline per series on one scale, then its summary. */
export function chartText(chart: ChartBlock, people: Message['people'], max: number): string {
  const { rows, span } = chartLines(chart);
  const width = Math.max(...rows.map((r) => r.name.length));
  const lines = rows.map((r) => `\`${r.name.padEnd(width)} ${r.line}\` ${r.last}`);
  return truncate([`*${toMrkdwn(chart.title, people, 200)}* (${span})`, ...lines].join('\n'), max);
}

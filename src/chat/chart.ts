/** Helpers every renderer uses for charts: a text sparkline, and the text form of a chart. */
import type { ChartBlock } from './message.js';

const BARS = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'] as const;

/** A sparkline of `values` scaled between `min` and `max` (the whole chart's, so series compare). */
export function sparkline(values: readonly number[], min = Math.min(...values), max = Math.max(...values)): string {
  const span = max - min;
  return values.map((v) => (span <= 0 ? BARS[3] : BARS[Math.min(BARS.length - 1, Math.max(0, Math.round(((v - min) / span) * (BARS.length - 1))))])).join('');
}

/** A number as a chart shows it: at most two decimals. */
export function chartNumber(value: number): string {
  return String(Math.round(value * 100) / 100);
}

/** The chart as lines of text: one sparkline per series, on one scale, with its first and last value. */
export function chartLines(chart: ChartBlock): { title: string; rows: Array<{ name: string; line: string; last: string; first: string }>; span: string } {
  const all = chart.series.flatMap((s) => s.values);
  const min = Math.min(...all);
  const max = Math.max(...all);
  const rows = chart.series.map((s) => ({ name: s.name, line: sparkline(s.values, min, max), first: chartNumber(s.values[0] as number), last: chartNumber(s.values.at(-1) as number) }));
  return { title: chart.title, rows, span: `${chart.categories[0]} – ${chart.categories.at(-1)}` };
}

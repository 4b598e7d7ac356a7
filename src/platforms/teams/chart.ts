/**
 * Charts on Teams: an Adaptive Card `Chart.Line` (card version 1.5) whose `fallback` is a Table of
 * the same numbers, for clients that do not draw charts (iOS, the Developer Portal); the summary
 * follows as text, so the key numbers are outside the chart too.
 */
import { chartNumber } from '../../chat/chart.js';
import type { ChartBlock } from '../../chat/message.js';
import { truncate } from '../../chat/truncate.js';

type Json = Record<string, unknown>;

const cell = (text: string, bold = false): Json => ({ type: 'TableCell', items: [{ type: 'TextBlock', text, wrap: true, ...(bold ? { weight: 'Bolder' } : {}) }] });

/** The table the chart falls back to: one row per category, one column per series. */
function table(chart: ChartBlock): Json {
  return {
    type: 'Table',
    firstRowAsHeader: true,
    showGridLines: false,
    columns: [{ width: 2 }, ...chart.series.map(() => ({ width: 1 }))],
    rows: [
      { type: 'TableRow', cells: [cell(chart.xLabel ?? '', true), ...chart.series.map((s) => cell(truncate(s.name, 40), true))] },
      ...chart.categories.map((c, i) => ({ type: 'TableRow', cells: [cell(c), ...chart.series.map((s) => cell(chartNumber(s.values[i] as number)))] })),
    ],
  };
}

export function chartElements(chart: ChartBlock): Json[] {
  const line: Json = {
    type: 'Chart.Line',
    title: truncate(chart.title, 100),
    data: chart.series.map((s) => ({ legend: truncate(s.name, 40), values: chart.categories.map((x, i) => ({ x, y: s.values[i] as number })) })),
    fallback: table(chart),
  };
  if (chart.xLabel) line['xAxisTitle'] = truncate(chart.xLabel, 100);
  if (chart.yLabel) line['yAxisTitle'] = truncate(chart.yLabel, 100);
  return [line];
}

/** How metric values read in messages: `4.6`, `83%`, `42 min`, `1 h 12 min`, `1,204`. */
import { DateTime } from 'luxon';
import { metricInfo } from './model.js';

const trim = (x: number, decimals: number) => String(Number(x.toFixed(decimals)));

/** Minutes as people say them. */
export function minutesText(minutes: number): string {
  const m = Math.round(minutes);
  if (m < 60) return `${m} min`;
  if (m < 24 * 60) return m % 60 === 0 ? `${m / 60} h` : `${Math.floor(m / 60)} h ${m % 60} min`;
  const d = Math.floor(m / 1440);
  const h = Math.round((m % 1440) / 60);
  return h === 0 ? `${d} d` : `${d} d ${h} h`;
}

export function formatValue(metric: string, value: number): string {
  const info = metricInfo(metric);
  switch (info.format) {
    case 'percent':
      return `${trim(value * 100, value * 100 < 10 ? 1 : 0)}%`;
    case 'minutes':
      return minutesText(value);
    case 'count':
      return Math.round(value).toLocaleString('en-US');
    case 'decimal':
      return Math.abs(value) >= 1000 ? Math.round(value).toLocaleString('en-US') : trim(value, 2);
  }
}

/** A change, with its arrow: `▲ 0.2`, `▼ 5 min`, `▲ 3 pts`, `= 0`. */
export function formatDelta(metric: string, delta: number): string {
  const info = metricInfo(metric);
  const size = Math.abs(delta);
  const shown = info.format === 'percent' ? `${trim(size * 100, 1)} pts` : info.format === 'minutes' ? minutesText(size) : info.format === 'count' ? Math.round(size).toLocaleString('en-US') : trim(size, 2);
  if (Number(shown.replace(/[^\d.]/g, '')) === 0) return '= no change';
  return `${delta > 0 ? '▲' : '▼'} ${shown}`;
}

const labels = new Map<string, string>();

/** A local date as a short label: `Mon 23 Nov` (a chart category; at most 10 characters). */
export function dayLabel(date: string): string {
  let label = labels.get(date);
  if (label === undefined) {
    if (labels.size > 5_000) labels.clear();
    label = DateTime.fromISO(date, { zone: 'UTC' }).setLocale('en-GB').toFormat('ccc d LLL');
    labels.set(date, label);
  }
  return label;
}

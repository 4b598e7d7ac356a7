/**
 * The morning briefing as a neutral message: for each part (the whole team, or each department it
 * covers) yesterday's KPIs against target with the change against the 7-day average, "no data"
 * where nothing came in, the escalation numbers, custom metrics; two trend charts; what needs
 * attention; and where the numbers come from.
 */
import { escapeText, type Block, type Field, type Message } from '../../chat/message.js';
import type { ChartResult } from './charts.js';
import { dayLabel, formatDelta, formatValue } from './format.js';
import type { KpiValue } from './kpis.js';

export interface BriefingPart {
  name: string;
  kpis: KpiValue[];
  escalations: KpiValue[];
  custom: KpiValue[];
}

export interface BriefingData {
  id: string;
  /** The local date it is posted on, and the one it reports (the day before). */
  postedOn: string;
  date: string;
  zone: string;
  parts: BriefingPart[];
  charts: ChartResult[];
  attention: string[];
  /** Set when it is posted late (every worker was down at its time). */
  late?: { dueAt: string };
}

/** How one KPI reads: `4.6 ✅ target 4.5 · ▲ 0.2 vs 7-day avg 4.4 · zendesk`, or `no data · target 4.5`. */
export function kpiText(k: KpiValue): string {
  const target = k.target !== undefined ? `target ${formatValue(k.metric, k.target)}` : undefined;
  if (k.value === undefined) {
    const avg = k.average !== undefined ? `7-day avg ${formatValue(k.metric, k.average)}` : undefined;
    return ['no data', target, avg, k.source].filter(Boolean).join(' · ');
  }
  const mark = k.met === true ? ' ✅' : k.met === false ? ' ❌' : '';
  const trend = k.average !== undefined ? `${formatDelta(k.metric, k.value - k.average)} vs 7-day avg ${formatValue(k.metric, k.average)}` : undefined;
  return [`**${formatValue(k.metric, k.value)}**${mark}`, target, trend, k.source].filter(Boolean).join(' · ');
}

const fields = (kpis: readonly KpiValue[]): Field[] => kpis.map((k) => ({ label: k.label, value: kpiText(k) }));

/** The line notifications and screen readers get first. */
function headline(d: BriefingData): string {
  const first = d.parts[0];
  const pick = (metric: string) => first?.kpis.find((k) => k.metric === metric);
  const numbers = ['csat', 'csatGood', 'firstResponseMinutes', 'backlog']
    .map(pick)
    .filter((k): k is KpiValue => k?.value !== undefined)
    .map((k) => `${k.label} ${formatValue(k.metric, k.value as number)}`);
  const attention = d.attention.length > 0 ? ` ${d.attention.length} thing${d.attention.length === 1 ? '' : 's'} need attention.` : '';
  return `Briefing for ${dayLabel(d.date)}: ${numbers.length > 0 ? numbers.join(', ') : 'no numbers came in'}.${attention}`;
}

export function briefingMessage(d: BriefingData, extra: { intro?: string; footer?: string } = {}): Message {
  const blocks: Block[] = [{ type: 'header', text: `☀️ Briefing · ${dayLabel(d.postedOn)}` }];
  if (d.late) blocks.push({ type: 'context', text: `⏰ **Late:** this briefing was due at ${d.late.dueAt} (${d.zone}); Shiftlead was not running then.` });
  if (extra.intro) blocks.push({ type: 'context', text: extra.intro });
  for (const part of d.parts) {
    blocks.push({ type: 'section', text: `**${escapeText(part.name)}** · ${dayLabel(d.date)}` });
    blocks.push({ type: 'fields', fields: fields(part.kpis) });
    const more = [...part.escalations, ...part.custom];
    if (more.length > 0) blocks.push({ type: 'fields', fields: fields(more) });
  }
  const charts = d.charts.flatMap((c) => ('chart' in c ? [c.chart] : []));
  const omitted = d.charts.flatMap((c) => ('omitted' in c ? [c.omitted] : []));
  if (charts.length > 0 || omitted.length > 0) blocks.push({ type: 'divider' });
  blocks.push(...charts);
  if (omitted.length > 0) blocks.push({ type: 'context', text: omitted.join(' ') });
  blocks.push({ type: 'divider' });
  blocks.push({ type: 'section', text: d.attention.length > 0 ? `**Needs attention**\n${d.attention.join('\n')}` : '**Needs attention:** nothing. 🎉' });
  const sources = [...new Set(d.parts.flatMap((p) => [...p.kpis, ...p.escalations, ...p.custom]).flatMap((k) => (k.source ? [k.source] : [])))];
  blocks.push({
    type: 'context',
    text: `${escapeText(d.id)} · numbers for ${dayLabel(d.date)} (${d.zone}) · sources: ${sources.length > 0 ? sources.join(', ') : 'none yet'}${extra.footer ? ` · ${extra.footer}` : ''}`,
  });
  return { text: headline(d), blocks };
}

/**
 * "Needs attention" from the escalation records: escalations open past a deadline (most overdue
 * first) and the oldest one still open, for some departments, across every tenant the
 * organization uses.
 */
import { escapeText } from '../../chat/message.js';
import { truncate } from '../../chat/truncate.js';
import { isBreached, UNACKNOWLEDGED, type Escalation } from '../escalations/model.js';
import { minutesText } from './format.js';
import type { EscalationReader } from './ports.js';

const LISTED = 5;

/** Open escalations of some departments (undefined: all), oldest first. */
export async function openEscalations(reader: EscalationReader, departments: readonly string[] | undefined): Promise<Escalation[]> {
  const all: Escalation[] = [];
  for (const tenant of await reader.tenants()) all.push(...(await reader.open(tenant)));
  return all.filter((e) => !departments || departments.includes(e.department)).sort((a, b) => a.createdAt.localeCompare(b.createdAt));
}

/** How far past its deadline an open escalation is, and which deadline. */
function overdue(e: Escalation, now: Date): { ms: number; what: string } {
  if (UNACKNOWLEDGED.includes(e.status) && now.getTime() > Date.parse(e.acknowledgeDueAt)) return { ms: now.getTime() - Date.parse(e.acknowledgeDueAt), what: 'not acknowledged' };
  return { ms: now.getTime() - Date.parse(e.resolveDueAt), what: 'not resolved' };
}

export function attentionLines(open: readonly Escalation[], now: Date, departmentName: (id: string) => string): string[] {
  const lines: string[] = [];
  const breached = open.filter((e) => isBreached(e, now)).map((e) => ({ e, late: overdue(e, now) }));
  breached.sort((a, b) => b.late.ms - a.late.ms);
  if (breached.length > 0) {
    const listed = breached.slice(0, LISTED).map(({ e, late }) => `${e.id} (${e.severity}, ${escapeText(departmentName(e.department))}, ${late.what}, ${minutesText(late.ms / 60_000)} over)`);
    const more = breached.length > LISTED ? `, and ${breached.length - LISTED} more` : '';
    lines.push(`🔴 **${breached.length} escalation${breached.length === 1 ? '' : 's'} past ${breached.length === 1 ? 'its' : 'their'} deadline:** ${listed.join(', ')}${more}.`);
  }
  const oldest = open[0];
  if (oldest) {
    const age = minutesText((now.getTime() - Date.parse(oldest.createdAt)) / 60_000);
    lines.push(`⏳ **Oldest open:** ${oldest.id} (${oldest.severity}, ${escapeText(departmentName(oldest.department))}), open for ${age}: ${escapeText(truncate(oldest.summary, 120))}`);
  }
  return lines;
}

/**
 * The weekly workload summary as messages: one section per person (listed by name), their facts
 * and flags. Many people are split over several messages so that each stays within every
 * platform's limits (Slack: 50 blocks, 3,000 characters a section; Teams: the ~28 KB card budget).
 */
import { escapeText, type Block, type Message } from '../../chat/message.js';
import { dayLabel } from '../metrics/format.js';
import { LATE_AFTER, type PersonWeek, type WorkloadFlag, type WorkloadWeek } from './compute.js';

/** People per message: ~800 characters each at most keeps a message near 16 KB and 23 blocks. */
export const PEOPLE_PER_MESSAGE = 20;
/** Folded signals shown per person, and the characters of each one's detail. */
const FOLDED_SHOWN = 3;
const DETAIL_CHARS = 160;

/** Hours as `46.5 h` (exact to the minute: at most two decimals). */
export function hoursText(hours: number): string {
  return `${Number(hours.toFixed(2))} h`;
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

export function flagText(flag: WorkloadFlag): string {
  switch (flag.kind) {
    case 'lateRun':
      return `${flag.run} late shifts in a row (more than ${flag.limit})`;
    case 'hours':
      return `${hoursText(flag.hours)} on shift (more than ${flag.limit} h)`;
    case 'escalations':
      return `${plural(flag.owned, 'escalation')} owned, more than twice the team median (${Number(flag.median.toFixed(1))})`;
  }
}

const clip = (text: string, max: number) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

/** One person's section. */
export function personText(p: PersonWeek): string {
  const lines = [`**${escapeText(p.person.name)}**`];
  if (p.flags.length > 0) lines.push(p.flags.map((f) => `⚠️ ${flagText(f)}`).join(' · '));
  const late = p.late > 0 ? `${p.late} late${p.overnight > 0 ? ` (${p.overnight} overnight)` : ''}, longest run ${p.lateRun} in a row` : p.lateRun > 0 ? `no late shifts (a run of ${p.lateRun} ended before the week)` : 'no late shifts';
  lines.push(
    [
      `${plural(p.shifts, 'shift')}, ${hoursText(p.hours)}`,
      late,
      `${plural(p.weekend, 'weekend shift')}`,
      `escalations: ${p.escalationsOwned} owned, ${p.escalationsBreached} breached`,
      `${p.kudos} kudos received`,
      `${plural(p.nudges, 'nudge')} sent to them`,
    ].join(' · '),
  );
  if (p.folded.length > 0) {
    const shown = p.folded.slice(0, FOLDED_SHOWN).map((s) => `${escapeText(s.rule)} (${s.at.slice(0, 10)}): ${escapeText(clip(s.detail, DETAIL_CHARS))}`);
    const more = p.folded.length > FOLDED_SHOWN ? `; and ${p.folded.length - FOLDED_SHOWN} more` : '';
    lines.push(`Not sent (over the cap): ${shown.join('; ')}${more}`);
  }
  return lines.join('\n');
}

/** The summary of a department's week, in as many messages as it needs. */
export function workloadMessages(departmentName: string, w: WorkloadWeek, zone: string, late = false): Message[] {
  const label = `${dayLabel(w.week.from)} – ${dayLabel(w.week.to)}`;
  const flagged = w.people.filter((p) => p.flags.length > 0).length;
  const about = `Week of ${label} (${zone}). A late shift ends after ${LATE_AFTER} or crosses midnight (the shift's local time); in a row means on consecutive days. Hours are true lengths, across clock changes. People are listed by name: facts, not a ranking.${late ? ' Sent late: Shiftlead was down at the planned time.' : ''}`;
  const summary = `Workload in ${departmentName}, ${label}: ${plural(w.people.length, 'person', 'people')}, ${flagged} flagged.`;
  if (w.people.length === 0) {
    const text = `Nobody worked a shift or owned an escalation in ${escapeText(departmentName)} that week.`;
    return [{ text: summary, blocks: [{ type: 'header', text: `🧭 Workload · ${departmentName} · ${label}` }, { type: 'section', text }, { type: 'context', text: about }] }];
  }
  const parts: PersonWeek[][] = [];
  for (let i = 0; i < w.people.length; i += PEOPLE_PER_MESSAGE) parts.push(w.people.slice(i, i + PEOPLE_PER_MESSAGE));
  return parts.map((people, i) => {
    const part = parts.length > 1 ? ` (${i + 1} of ${parts.length})` : '';
    const blocks: Block[] = [{ type: 'header', text: `🧭 Workload · ${departmentName} · ${label}${part}` }];
    if (i === 0) blocks.push({ type: 'section', text: flagged > 0 ? `⚠️ ${plural(flagged, 'person', 'people')} flagged: ${escapeText(w.people.filter((p) => p.flags.length > 0).map((p) => p.person.name).join(', '))}.` : 'Nobody is flagged this week.' });
    blocks.push({ type: 'divider' });
    for (const p of people) blocks.push({ type: 'section', text: personText(p) });
    blocks.push({ type: 'context', text: about });
    return { text: `${summary}${part}`, blocks };
  });
}

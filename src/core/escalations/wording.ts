/** How escalations read: names, severities, and one line per history entry (thread and timeline). */
import { escapeText, mention, timeToken, type Block, type Message, type PersonHandle } from '../../chat/message.js';
import { truncate } from '../../chat/truncate.js';
import { formatDuration } from '../../config/duration.js';
import type { Participant } from '../roster.js';
import type { Change, Escalation, HistoryEntry } from './model.js';
import type { EscalationRules } from './rules.js';

/** The message key of a record's card: `esc.ESC-3.card`, then `esc.ESC-3.card.m1` after its first move. */
export const CARD_KEY = (id: string, moved = 0) => (moved > 0 ? `esc.${id}.card.m${moved}` : `esc.${id}.card`);
/** The record's current card. */
export const cardKey = (e: Pick<Escalation, 'id' | 'moved'>) => CARD_KEY(e.id, e.moved ?? 0);
/** The copy of the card in the source message's thread (when that thread is not the card's channel). */
export const SOURCE_CARD_KEY = (id: string) => `esc.${id}.src`;

/** Collects the people a message mentions. */
export class People {
  readonly map: Record<string, PersonHandle> = {};
  constructor(private readonly rules: EscalationRules) {}
  at(p: Participant): string {
    const { key, handle } = this.rules.roster.handle(p);
    this.map[key] = handle;
    return mention(key);
  }
}

export function message(text: string, blocks: Block[], people?: People): Message {
  return people && Object.keys(people.map).length > 0 ? { text, blocks, people: people.map } : { text, blocks };
}

/** A one-section message. */
export const say = (text: string, people?: People): Message => message(text, [{ type: 'section', text }], people);

export function severityLabel(e: Pick<Escalation, 'severity'>, rules: EscalationRules): string {
  const s = rules.severity(e.severity);
  return s ? `${s.id} · ${s.label}` : e.severity;
}

export function departmentName(department: string, rules: EscalationRules): string {
  return rules.department(department)?.name ?? department;
}

const FIELD_LABELS: Record<Change['field'], string> = {
  customer: 'customer',
  ticketUrl: 'ticket',
  summary: 'summary',
  details: 'details',
  severity: 'severity',
  department: 'department',
};

/** "severity P3 → P1", "department Frontline support → Billing", "details changed". */
export function describeChange(c: Change, rules: EscalationRules): string {
  const label = FIELD_LABELS[c.field];
  if (c.field === 'details' || c.field === 'summary') return c.to === undefined ? `${label} removed` : `${label} changed`;
  const show = (v: string | undefined) => (v === undefined ? '—' : escapeText(truncate(c.field === 'department' ? departmentName(v, rules) : v, 120)));
  return `${label} ${show(c.from)} → ${show(c.to)}`;
}

/** How many moves the card had made by history entry `index` (an entry's thread is that card's). */
export function movesAt(e: Escalation, index: number): number {
  let moves = 0;
  for (const entry of e.history.slice(0, index + 1)) if (entry.moved) moves = entry.moved;
  return moves;
}

/** What a history entry says, as a thread line (`short`: as a line of the timeline). */
export function entryText(e: Escalation, index: number, rules: EscalationRules, people: People, short = false): string {
  const entry = e.history[index] as HistoryEntry;
  const who = people.at(entry.actor);
  switch (entry.type) {
    case 'created':
      return `${who} raised ${e.id}.`;
    case 'acknowledged':
      return `✅ ${who} acknowledged ${e.id}.`;
    case 'assigned':
      return `👤 ${who} assigned ${e.id} to ${entry.owner ? people.at(entry.owner) : escapeText(entry.note ?? '')}.`;
    case 'resolved':
      return `🟢 ${who} resolved ${e.id}: ${escapeText(entry.note ?? '')}`;
    case 'reopened':
      return `↩️ ${who} reopened ${e.id}${entry.note ? `: ${escapeText(entry.note)}` : '.'}`;
    case 'edited': {
      const changes = (entry.changes ?? []).map((c) => describeChange(c, rules)).join('; ');
      const to = entry.changes?.find((c) => c.field === 'department')?.to ?? e.department;
      const moved = entry.moved ? ` The card moved to ${escapeText(departmentName(to, rules))}: [open ${e.id}](ref:${CARD_KEY(e.id, entry.moved)}).` : '';
      return `✏️ ${who} edited ${e.id}: ${changes}.${short ? '' : moved}`;
    }
    case 'noted':
      return `📝 ${who} added a note${short ? '' : ` (${timeToken(entry.at)})`}: ${escapeText(entry.note ?? '')}`;
    case 'snoozed':
      return entry.until ? `😴 ${who} snoozed ${e.id}'s reminders until ${timeToken(entry.until)}; the deadlines stay as they are.` : `⏰ ${who} woke ${e.id}'s reminders.`;
    case 'escalated': {
      const waiting = entry.clock === 'resolve' ? 'not resolved' : 'not acknowledged';
      return `📣 ${e.id} is still ${waiting}: told ${escapeText(rules.levelName(e.department, entry.level ?? 2))} (level ${entry.level ?? 2}).`;
    }
    case 'rated':
      return `⭐ ${who} rated how ${e.id} was handled: ${escapeText(entry.note ?? '')}`;
    case 'acknowledge_missed':
    case 'resolve_missed': {
      const ack = entry.type === 'acknowledge_missed';
      if (short) return `⏰ reminder ${entry.miss ?? 1}: ${ack ? 'not acknowledged' : 'not resolved'} yet.`;
      // Those on shift when the deadline passed; else the first level's people.
      const notify = [...(entry.notify ?? rules.levelPeople(e.department, 1, e.platform))];
      if (!ack && e.owner && !notify.some((p) => p.user === e.owner?.user)) notify.unshift(e.owner);
      const mentions = notify.map((p) => people.at(p)).join(' ');
      const due = ack ? e.acknowledgeDueAt : e.resolveDueAt;
      return `⏰ ${e.id} (${severityLabel(e, rules)}) is ${ack ? 'not acknowledged' : 'not resolved'} — due ${timeToken(due)}. ${mentions ? `${mentions} please take a look.` : 'Nobody is on duty for this department.'} (reminder ${entry.miss ?? 1})`;
    }
  }
}

/** "12m" past a deadline, for level notices. */
export function pastDeadline(due: string, at: string): string {
  return formatDuration(Date.parse(at) - Date.parse(due));
}

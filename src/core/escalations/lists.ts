/** Escalations shown privately: lists (open, mine, breached, history and search) and one whole record. */
import { escapeText, link, timeToken, type Block, type Message } from '../../chat/message.js';
import { truncate } from '../../chat/truncate.js';
import { formatDuration } from '../../config/duration.js';
import { STATUS_LABEL } from './card.js';
import type { Escalation } from './model.js';
import { isBreached, isSnoozed } from './model.js';
import type { EscalationRules } from './rules.js';
import { cardKey, departmentName, entryText, message, People, say, severityLabel } from './wording.js';

export type ListFilter = 'open' | 'mine' | 'breached';

/** What a list shows, and how to ask for its next page. */
export interface ListView {
  title: string;
  records: Escalation[];
  /** Links to the records' cards, by card key. */
  links: ReadonlyMap<string, string>;
  /** How many records match, when counted (open lists), else undefined. */
  total?: number;
  /** The query of the next page (a "Next page" button), when there is one and the person may page. */
  nextPage?: string;
  /** Said at the foot when there is more and the person may not page. */
  more?: string;
  footer: string;
}

function line(e: Escalation, links: ReadonlyMap<string, string>, rules: EscalationRules, people: People, now: Date): string {
  const url = links.get(cardKey(e));
  const id = url ? link(e.id, url) : `**${e.id}**`;
  const owner = e.owner ? people.at(e.owner) : 'unassigned';
  const age = formatDuration(now.getTime() - Date.parse(e.createdAt));
  const state = e.status === 'resolved' && e.resolvedAt ? `resolved ${timeToken(e.resolvedAt)}` : `${e.status} · ${age}`;
  const marks = `${isBreached(e, now) ? ' · ⚠️ SLA breached' : ''}${e.status !== 'resolved' && isSnoozed(e, now) ? ' · 😴 snoozed' : ''}`;
  return `${id} · ${e.severity} · ${escapeText(departmentName(e.department, rules))} · ${state} · ${owner} · ${escapeText(truncate(e.customer, 60))}${marks}\n${escapeText(truncate(e.summary, 140))}`;
}

/** A private list of escalations, with links to their cards. */
export function escalationList(view: ListView, rules: EscalationRules, now: Date): Message {
  if (view.records.length === 0) return say(`${view.title}: none. 🎉`);
  const people = new People(rules);
  const count = view.total ?? view.records.length;
  const blocks: Block[] = [{ type: 'header', text: view.total !== undefined ? `${view.title} (${view.total})` : view.title }];
  blocks.push(...view.records.map((e): Block => ({ type: 'section', text: line(e, view.links, rules, people, now) })));
  if (view.total !== undefined && view.total > view.records.length) blocks.push({ type: 'context', text: `…and ${view.total - view.records.length} more.` });
  if (view.more) blocks.push({ type: 'context', text: view.more });
  if (view.nextPage) blocks.push({ type: 'actions', buttons: [{ actionId: 'escalation.page', label: 'Next page', value: view.nextPage }] });
  blocks.push({ type: 'context', text: view.footer });
  return message(`${view.title}: ${count}`, blocks, people);
}

/** The longest text a timeline section holds (a platform's section limit, with room to spare). */
const SECTION_TEXT = 2_800;
/** At most this many timeline sections (the newest entries; a message has 50 blocks on Slack). */
const MAX_SECTIONS = 30;

/** `/escalate show ESC-3`: the whole record and its timeline, privately. */
export function recordView(e: Escalation, rules: EscalationRules, link: string | undefined, now: Date): Message {
  const people = new People(rules);
  const blocks: Block[] = [
    { type: 'header', text: `${e.id} · ${severityLabel(e, rules)}` },
    { type: 'section', text: `**${escapeText(e.summary)}**${link ? ` · [open the card](${link})` : ''}` },
  ];
  if (e.details) blocks.push({ type: 'section', text: escapeText(e.details) });
  blocks.push({
    type: 'fields',
    fields: [
      { label: 'Status', value: STATUS_LABEL[e.status] + (isBreached(e, now) ? ' · SLA breached' : '') },
      { label: 'Customer', value: escapeText(e.customer) },
      { label: 'Department', value: escapeText(departmentName(e.department, rules)) },
      { label: 'Owner', value: e.owner ? people.at(e.owner) : 'Unassigned' },
      { label: 'Acknowledge by', value: timeToken(e.acknowledgeDueAt) },
      { label: 'Resolve by', value: timeToken(e.resolveDueAt) },
    ],
  });
  if (e.resolution && e.status === 'resolved') blocks.push({ type: 'section', text: `**Resolution:** ${escapeText(e.resolution)}` });
  blocks.push({ type: 'divider' }, { type: 'section', text: `**Timeline** (${e.history.length})` });
  const lines = e.history.map((h, i) => `${timeToken(h.at)} ${entryText(e, i, rules, people, true)}`);
  const sections: string[] = [];
  for (const l of lines) {
    const text = truncate(l, SECTION_TEXT);
    const last = sections.at(-1);
    if (last !== undefined && last.length + text.length + 1 <= SECTION_TEXT) sections[sections.length - 1] = `${last}\n${text}`;
    else sections.push(text);
  }
  const shown = sections.slice(-MAX_SECTIONS);
  if (shown.length < sections.length) blocks.push({ type: 'context', text: `Older entries are left out; the audit trail keeps them all.` });
  blocks.push(...shown.map((text): Block => ({ type: 'section', text })));
  return message(`${e.id}: ${e.summary}`, blocks, people);
}

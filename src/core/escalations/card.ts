/** How escalations read in chat: the card, its thread lines, DMs and lists — neutral messages. */
import { escapeText, link, mention, timeToken, type Block, type Button, type Choice, type Form, type FormField, type Message, type PersonHandle } from '../../chat/message.js';
import { truncate } from '../../chat/truncate.js';
import { formatDuration } from '../../config/duration.js';
import type { Participant } from '../roster.js';
import type { Escalation, HistoryEntry } from './model.js';
import { isBreached, LIMITS } from './model.js';
import type { EscalationRules } from './rules.js';

export const CARD_KEY = (id: string) => `esc.${id}.card`;
export const SOURCE_CARD_KEY = (id: string) => `esc.${id}.src`;

const STATUS_LABEL: Record<Escalation['status'], string> = {
  open: '🔴 Open',
  acknowledged: '🟡 Acknowledged',
  resolved: '🟢 Resolved',
  reopened: '🔴 Reopened',
};

/** Collects the people a message mentions. */
class People {
  readonly map: Record<string, PersonHandle> = {};
  constructor(private readonly rules: EscalationRules) {}
  at(p: Participant): string {
    const { key, handle } = this.rules.roster.handle(p);
    this.map[key] = handle;
    return mention(key);
  }
}

function message(text: string, blocks: Block[], people: People): Message {
  return Object.keys(people.map).length > 0 ? { text, blocks, people: people.map } : { text, blocks };
}

export function severityLabel(e: Pick<Escalation, 'severity'>, rules: EscalationRules): string {
  const s = rules.severity(e.severity);
  return s ? `${s.id} · ${s.label}` : e.severity;
}

function departmentName(e: Escalation, rules: EscalationRules): string {
  return rules.department(e.department)?.name ?? e.department;
}

function deadline(at: string, met: string | undefined, now: Date): string {
  if (met) return `${timeToken(at)} ✅`;
  return Date.parse(at) < now.getTime() ? `${timeToken(at)} ⚠️ missed` : timeToken(at);
}

/** The form behind **Assign…**: its id is the button's action, its state the record id. The
 * roster's people are offered where the platform has no people picker of its own. */
export function assignForm(id: string, people: Choice[]): Form {
  const owner: FormField = { id: 'owner', label: 'Assign to', kind: 'user', required: true };
  if (people.length > 0) owner.options = people;
  return { id: 'escalation.assign', title: `Assign ${id}`, submitLabel: 'Assign', fields: [owner], state: id };
}

/** The form behind **Resolve**. */
export function resolveForm(id: string): Form {
  return {
    id: 'escalation.resolve',
    title: `Resolve ${id}`,
    submitLabel: 'Resolve',
    fields: [{ id: 'note', label: 'Resolution note', kind: 'longText', required: true, maxLength: LIMITS.resolution, placeholder: 'What was done, and what the customer was told' }],
    state: id,
  };
}

/** The buttons a record offers in its state. */
export function cardButtons(e: Escalation, rules: EscalationRules): Button[] {
  const assign: Button = { actionId: 'escalation.assign', label: 'Assign…', value: e.id, form: assignForm(e.id, rules.roster.choices(e.platform)) };
  const resolve: Button = { actionId: 'escalation.resolve', label: 'Resolve', value: e.id, style: 'primary', form: resolveForm(e.id) };
  switch (e.status) {
    case 'open':
    case 'reopened':
      return [{ actionId: 'escalation.acknowledge', label: 'Acknowledge', value: e.id, style: 'primary' }, assign, { ...resolve, style: undefined }];
    case 'acknowledged':
      return [assign, resolve];
    case 'resolved':
      return [{ actionId: 'escalation.reopen', label: 'Reopen', value: e.id }];
  }
}

export function escalationCard(e: Escalation, rules: EscalationRules, now: Date): Message {
  const people = new People(rules);
  const age = formatDuration(now.getTime() - Date.parse(e.createdAt));
  const blocks: Block[] = [
    { type: 'header', text: `🚨 ${e.id} · ${severityLabel(e, rules)}` },
    { type: 'section', text: `**${escapeText(e.summary)}**` },
  ];
  if (e.details) blocks.push({ type: 'section', text: escapeText(e.details) });
  blocks.push({
    type: 'fields',
    fields: [
      { label: 'Status', value: STATUS_LABEL[e.status] + (isBreached(e, now) ? ' · SLA breached' : '') },
      { label: 'Customer', value: escapeText(e.customer) },
      { label: 'Ticket', value: e.ticketUrl ? link(e.ticketUrl, e.ticketUrl) : '—' },
      { label: 'Department', value: escapeText(departmentName(e, rules)) },
      { label: 'Requester', value: people.at(e.requester) },
      { label: 'Owner', value: e.owner ? people.at(e.owner) : 'Unassigned' },
      { label: 'Opened', value: `${timeToken(e.createdAt)} (${age} ago)` },
      { label: 'Acknowledge by', value: deadline(e.acknowledgeDueAt, e.acknowledgedAt, now) },
      { label: 'Resolve by', value: deadline(e.resolveDueAt, e.resolvedAt, now) },
    ],
  });
  if (e.status === 'resolved' && e.resolution) blocks.push({ type: 'section', text: `**Resolution:** ${escapeText(e.resolution)}` });
  const rating = e.status === 'resolved' ? e.ratings?.find((r) => r.cycle === e.cycle) : undefined;
  if (rating) blocks.push({ type: 'section', text: `**Rating:** ${'★'.repeat(rating.score)}${'☆'.repeat(5 - rating.score)} ${rating.score}/5 from ${people.at(rating.by)}${rating.comment ? ` — “${escapeText(rating.comment)}”` : ''}` });
  blocks.push({ type: 'actions', buttons: cardButtons(e, rules) });
  const source = e.source?.link ? ` · from ${link('this message', e.source.link)}` : '';
  blocks.push({ type: 'context', text: `${e.id} · updated ${timeToken(e.updatedAt)}${source}` });
  const text = `${e.id} (${e.severity}) ${STATUS_LABEL[e.status].slice(3)}: ${e.summary}`;
  return message(text, blocks, people);
}

/** The line a change adds to the record's thread. */
export function threadLine(e: Escalation, entry: HistoryEntry, rules: EscalationRules): Message {
  const people = new People(rules);
  const who = people.at(entry.actor);
  let text: string;
  switch (entry.type) {
    case 'created':
      text = `${who} raised ${e.id}.`;
      break;
    case 'acknowledged':
      text = `✅ ${who} acknowledged ${e.id}.`;
      break;
    case 'assigned':
      text = `👤 ${who} assigned ${e.id} to ${entry.owner ? people.at(entry.owner) : escapeText(entry.note ?? '')}.`;
      break;
    case 'resolved':
      text = `🟢 ${who} resolved ${e.id}: ${escapeText(entry.note ?? '')}`;
      break;
    case 'reopened':
      text = `↩️ ${who} reopened ${e.id}.${entry.note ? ` ${escapeText(entry.note)}` : ''}`;
      break;
    case 'rated':
      text = `⭐ ${who} rated how ${e.id} was handled: ${escapeText(entry.note ?? '')}`;
      break;
    case 'acknowledge_missed':
    case 'resolve_missed': {
      const ack = entry.type === 'acknowledge_missed';
      // Those on shift when the deadline passed; the configured on-duty people when no shift covered it.
      const notify = [...(entry.notify ?? rules.onDuty(e.department, e.platform))];
      if (!ack && e.owner && !notify.some((p) => p.user === e.owner?.user)) notify.unshift(e.owner);
      const mentions = notify.map((p) => people.at(p)).join(' ');
      const due = ack ? e.acknowledgeDueAt : e.resolveDueAt;
      text = `⏰ ${e.id} (${severityLabel(e, rules)}) is ${ack ? 'not acknowledged' : 'not resolved'} — due ${timeToken(due)}. ${mentions ? `${mentions} please take a look.` : 'Nobody is on duty for this department.'} (reminder ${entry.miss ?? 1})`;
      break;
    }
  }
  return message(text, [{ type: 'section', text }], people);
}

/** The requester's private confirmation. */
export function confirmation(e: Escalation, rules: EscalationRules, posted: boolean): Message {
  const where = posted ? `posted to ${escapeText(departmentName(e, rules))}: [open ${e.id}](ref:${CARD_KEY(e.id)})` : `recorded, but ${escapeText(departmentName(e, rules))} has no ${e.platform} channel configured, so it was not posted anywhere`;
  const text = `Escalation ${e.id} (${severityLabel(e, rules)}) for ${escapeText(e.customer)} is ${where}. You'll see every change in its thread.`;
  return { text, blocks: [{ type: 'section', text }] };
}

/** The DM a new owner gets. */
export function assignedNotice(e: Escalation, entry: HistoryEntry, rules: EscalationRules, posted: boolean): Message {
  const people = new People(rules);
  const open = posted ? ` [Open ${e.id}](ref:${CARD_KEY(e.id)})` : '';
  const text = `👤 ${people.at(entry.actor)} assigned you ${e.id} (${severityLabel(e, rules)}, ${escapeText(e.customer)}): ${escapeText(e.summary)}.${open}`;
  return message(text, [{ type: 'section', text }], people);
}

/** The DM managers get once an escalation keeps missing its deadline. */
export function managerNotice(e: Escalation, entry: HistoryEntry, rules: EscalationRules, posted: boolean): Message {
  const people = new People(rules);
  const ack = entry.type === 'acknowledge_missed';
  const open = posted ? ` [Open ${e.id}](ref:${CARD_KEY(e.id)})` : '';
  const owner = e.owner ? ` Owner: ${people.at(e.owner)}.` : ' Nobody owns it.';
  const text = `📣 ${e.id} (${severityLabel(e, rules)}, ${escapeText(departmentName(e, rules))}) has gone ${entry.miss ?? 1} reminders without being ${ack ? 'acknowledged' : 'resolved'}: ${escapeText(e.summary)}.${owner}${open}`;
  return message(text, [{ type: 'section', text }], people);
}

export type ListFilter = 'open' | 'mine' | 'breached';

/** A private list of escalations, with links to their cards. */
export function escalationList(records: Escalation[], filter: ListFilter, links: ReadonlyMap<string, string>, rules: EscalationRules, now: Date, limit = 20): Message {
  const title = { open: 'Open escalations', mine: 'Your open escalations', breached: 'Escalations past a deadline' }[filter];
  if (records.length === 0) {
    const text = `${title}: none. 🎉`;
    return { text, blocks: [{ type: 'section', text }] };
  }
  const people = new People(rules);
  const lines = records.slice(0, limit).map((e) => {
    const url = links.get(CARD_KEY(e.id));
    const id = url ? link(e.id, url) : `**${e.id}**`;
    const owner = e.owner ? people.at(e.owner) : 'unassigned';
    const breach = isBreached(e, now) ? ' · ⚠️ SLA breached' : '';
    const age = formatDuration(now.getTime() - Date.parse(e.createdAt));
    return `${id} · ${e.severity} · ${escapeText(departmentName(e, rules))} · ${e.status} · ${owner} · ${age}${breach}\n${escapeText(truncate(e.summary, 140))}`;
  });
  const blocks: Block[] = [{ type: 'header', text: `${title} (${records.length})` }, ...lines.map((text): Block => ({ type: 'section', text }))];
  if (records.length > limit) blocks.push({ type: 'context', text: `…and ${records.length - limit} more. Filters: /escalations mine · breached · all` });
  else blocks.push({ type: 'context', text: 'Filters: /escalations mine · breached · all' });
  return message(`${title}: ${records.length}`, blocks, people);
}

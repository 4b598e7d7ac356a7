/** The escalation card: what it shows in each state, and its buttons. */
import { escapeText, link, timeToken, type Block, type Button, type Message } from '../../chat/message.js';
import { formatDuration } from '../../config/duration.js';
import { assignForm, editForm, noteForm, reopenForm, resolveForm, snoozeForm } from './form.js';
import type { Escalation } from './model.js';
import { isBreached, isSnoozed } from './model.js';
import type { EscalationRules } from './rules.js';
import { CARD_KEY, cardKey, departmentName, message, People, severityLabel } from './wording.js';

export { CARD_KEY, cardKey, severityLabel, SOURCE_CARD_KEY } from './wording.js';

export const STATUS_LABEL: Record<Escalation['status'], string> = {
  open: '🔴 Open',
  acknowledged: '🟡 Acknowledged',
  resolved: '🟢 Resolved',
  reopened: '🔴 Reopened',
};

function deadline(at: string, met: string | undefined, now: Date): string {
  if (met) return `${timeToken(at)} ✅`;
  return Date.parse(at) < now.getTime() ? `${timeToken(at)} ⚠️ missed` : timeToken(at);
}

/** The buttons a record offers in its state (at most 6: Teams shows no more). Buttons that need
 * answers carry their form, for platforms that show it on the card (Teams). */
export function cardButtons(e: Escalation, rules: EscalationRules, now: Date): Button[] {
  const button = (action: string, label: string, extra: Partial<Button> = {}): Button => ({ actionId: `escalation.${action}`, label, value: e.id, ...extra });
  const assign = button('assign', 'Assign…', { form: assignForm(e.id, rules.roster.choices(e.platform)) });
  const resolve = button('resolve', 'Resolve…', { form: resolveForm(e.id) });
  const note = button('note', 'Add note…', { form: noteForm(e.id) });
  const edit = button('edit', 'Edit…', { form: editForm(e, rules) });
  const snooze = button('snooze', 'Snooze…', { form: snoozeForm(e.id, isSnoozed(e, now)) });
  switch (e.status) {
    case 'open':
    case 'reopened':
      return [button('acknowledge', 'Acknowledge', { style: 'primary' }), assign, resolve, note, edit, snooze];
    case 'acknowledged':
      return [assign, { ...resolve, style: 'primary' }, note, edit, snooze];
    case 'resolved':
      return [button('reopen', 'Reopen…', { form: reopenForm(e.id) }), note, edit];
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
  const fields = [
    { label: 'Status', value: STATUS_LABEL[e.status] + (isBreached(e, now) ? ' · SLA breached' : '') },
    { label: 'Customer', value: escapeText(e.customer) },
    { label: 'Ticket', value: e.ticketUrl ? link(e.ticketUrl, e.ticketUrl) : '—' },
    { label: 'Department', value: escapeText(departmentName(e.department, rules)) },
    { label: 'Requester', value: people.at(e.requester) },
    { label: 'Owner', value: e.owner ? people.at(e.owner) : 'Unassigned' },
    { label: 'Opened', value: `${timeToken(e.createdAt)} (${age} ago)` },
    { label: 'Acknowledge by', value: deadline(e.acknowledgeDueAt, e.acknowledgedAt, now) },
    { label: 'Resolve by', value: deadline(e.resolveDueAt, e.resolvedAt, now) },
  ];
  if (e.status !== 'resolved' && isSnoozed(e, now) && e.snoozedUntil) {
    fields.push({ label: 'Reminders', value: `😴 snoozed until ${timeToken(e.snoozedUntil)}${e.snoozedBy ? ` by ${people.at(e.snoozedBy)}` : ''}` });
  }
  blocks.push({ type: 'fields', fields });
  if (e.status === 'resolved' && e.resolution) blocks.push({ type: 'section', text: `**Resolution:** ${escapeText(e.resolution)}` });
  const rating = e.status === 'resolved' ? e.ratings?.find((r) => r.cycle === e.cycle) : undefined;
  if (rating) blocks.push({ type: 'section', text: `**Rating:** ${'★'.repeat(rating.score)}${'☆'.repeat(5 - rating.score)} ${rating.score}/5 from ${people.at(rating.by)}${rating.comment ? ` — “${escapeText(rating.comment)}”` : ''}` });
  blocks.push({ type: 'actions', buttons: cardButtons(e, rules, now) });
  const notes = e.history.filter((h) => h.type === 'noted').length;
  const source = e.source?.link ? ` · from ${link('this message', e.source.link)}` : '';
  const noted = notes > 0 ? ` · 📝 ${notes} note${notes === 1 ? '' : 's'} (/escalate show ${e.id})` : '';
  blocks.push({ type: 'context', text: `${e.id} · updated ${timeToken(e.updatedAt)}${source}${noted}` });
  const text = `${e.id} (${e.severity}) ${STATUS_LABEL[e.status].slice(3)}: ${e.summary}`;
  return message(text, blocks, people);
}

/** What an old card reads once an edit moved the record to another department's channel. */
export function movedCard(e: Escalation, moved: number, department: string, rules: EscalationRules): Message {
  const where = escapeText(departmentName(department, rules));
  const text = `${e.id} moved to ${where}: [open ${e.id}](ref:${CARD_KEY(e.id, moved)}).`;
  return message(`${e.id} moved to ${departmentName(department, rules)}`, [
    { type: 'header', text: `🚨 ${e.id} · moved` },
    { type: 'section', text: `**${escapeText(e.summary)}**` },
    { type: 'section', text: `➡️ ${text} Its card, buttons and thread continue there.` },
  ]);
}

/** The link to a record's current card, as markup. */
export const openLink = (e: Escalation) => `[open ${e.id}](ref:${cardKey(e)})`;

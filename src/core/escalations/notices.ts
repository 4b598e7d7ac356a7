/** The messages a change sends besides the card: its thread line, and DMs to the people it concerns. */
import { escapeText, type Message } from '../../chat/message.js';
import type { Participant } from '../roster.js';
import type { Escalation, HistoryEntry } from './model.js';
import type { EscalationRules } from './rules.js';
import { cardKey, departmentName, entryText, message, pastDeadline, People, say, severityLabel } from './wording.js';

/** The line history entry `index` adds to the record's thread. */
export function threadLine(e: Escalation, index: number, rules: EscalationRules): Message {
  const people = new People(rules);
  return say(entryText(e, index, rules, people), people);
}

const open = (e: Escalation, posted: boolean) => (posted ? ` [Open ${e.id}](ref:${cardKey(e)})` : '');

/** The requester's private confirmation; a record made from a reaction asks for what it lacks. */
export function confirmation(e: Escalation, rules: EscalationRules, posted: boolean): Message {
  const department = escapeText(departmentName(e.department, rules));
  const where = posted ? `posted to ${department}: [open ${e.id}](ref:${cardKey(e)})` : `recorded, but ${department} has no ${e.platform} channel configured, so it was not posted anywhere`;
  if (e.sourceCard) {
    const text = `You escalated a message as ${e.id} (${severityLabel(e, rules)}), ${where}. Add the customer and check the severity:`;
    return message(text, [
      { type: 'section', text },
      { type: 'actions', buttons: [{ actionId: 'escalation.edit', label: 'Complete details…', value: e.id, style: 'primary' }] },
    ]);
  }
  return say(`Escalation ${e.id} (${severityLabel(e, rules)}) for ${escapeText(e.customer)} is ${where}. You'll see every change in its thread.`);
}

/** The DM a new owner gets. */
export function assignedNotice(e: Escalation, entry: HistoryEntry, rules: EscalationRules, posted: boolean): Message {
  const people = new People(rules);
  return say(`👤 ${people.at(entry.actor)} assigned you ${e.id} (${severityLabel(e, rules)}, ${escapeText(e.customer)}): ${escapeText(e.summary)}.${open(e, posted)}`, people);
}

/** The DM a level (2 and up) gets when a deadline has been missed for its delay. */
export function levelNotice(e: Escalation, entry: HistoryEntry, rules: EscalationRules, posted: boolean): Message {
  const people = new People(rules);
  const ack = entry.clock !== 'resolve';
  const due = ack ? e.acknowledgeDueAt : e.resolveDueAt;
  const owner = e.owner ? ` Owner: ${people.at(e.owner)}.` : ' Nobody owns it.';
  const text = `📣 ${e.id} (${severityLabel(e, rules)}, ${escapeText(departmentName(e.department, rules))}) is still not ${ack ? 'acknowledged' : 'resolved'}, ${pastDeadline(due, entry.at)} past its deadline: ${escapeText(e.summary)}.${owner}${open(e, posted)}`;
  return say(text, people);
}

/** What the requester hears about a change made by someone else (and an owner about a reopen). */
export function followUp(e: Escalation, entry: HistoryEntry, rules: EscalationRules, posted: boolean, to: 'requester' | 'owner'): Message | undefined {
  const people = new People(rules);
  const who = people.at(entry.actor);
  const yours = to === 'requester' ? `your escalation ${e.id}` : `${e.id}, which you own`;
  let text: string;
  switch (entry.type) {
    case 'acknowledged':
      text = `✅ ${who} acknowledged ${yours} (${escapeText(e.customer)}): ${escapeText(e.summary)}.`;
      break;
    case 'assigned':
      text = `👤 ${who} assigned ${yours} to ${entry.owner ? people.at(entry.owner) : escapeText(entry.note ?? '')}.`;
      break;
    case 'resolved':
      text = `🟢 ${who} resolved ${yours} (${escapeText(e.customer)}). Resolution: ${escapeText(entry.note ?? '')}`;
      break;
    case 'reopened':
      text = `↩️ ${who} reopened ${yours}${entry.note ? `: ${escapeText(entry.note)}` : '.'}`;
      break;
    default:
      return undefined;
  }
  return say(`${text}${open(e, posted)}`, people);
}

/** Whether two participants are the same person. */
export function samePerson(a: Participant | undefined, b: Participant | undefined): boolean {
  return a !== undefined && b !== undefined && ((a.personId !== undefined && a.personId === b.personId) || (a.platform === b.platform && a.user === b.user));
}

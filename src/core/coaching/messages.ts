/** How coaching reads in chat: the nudge DM, what the sender hears back, suggestion cards, forms and answers. */
import { escapeText, type Form, type Message, type PlatformKind } from '../../chat/message.js';
import { truncate } from '../../chat/truncate.js';
import type { Person } from '../../config/team-config-schema.js';
import { localMoment } from '../schedule/local-time.js';
import { NUDGE_MAX, type Nudge, type Suggestion } from './model.js';

export const THANKS_ACTION = 'coaching.thanks';
export const REPLY_ACTION = 'coaching.reply';
export const SEND_ACTION = 'coaching.suggest.send';
export const EDIT_ACTION = 'coaching.suggest.edit';
export const DISMISS_ACTION = 'coaching.suggest.dismiss';

export const say = (text: string): Message => ({ text, blocks: [{ type: 'section', text }] });

/** A plain preview of user text (markup escaped), for short lines. */
export const preview = (text: string, max: number) => escapeText(truncate(text.replace(/\s+/g, ' '), max));

const ROLE_NAME = { agent: 'agent', lead: 'lead', manager: 'manager' } as const;

/** The Reply form: its answer goes to the sender only. */
export function replyForm(nudge: Pick<Nudge, 'id'>, senderName: string): Form {
  return {
    id: REPLY_ACTION,
    title: 'Reply',
    submitLabel: 'Send reply',
    fields: [{ id: 'reply', label: `Your reply to ${truncate(senderName, 60)}`, kind: 'longText', required: true, maxLength: NUDGE_MAX, placeholder: 'Only they will see it' }],
    state: nudge.id,
  };
}

/** The nudge as its person reads it: who it is from, the text, Thanks and Reply (gone once answered). */
export function nudgeDm(nudge: Nudge, sender: Person | undefined, readerZone: string): Message {
  const from = sender ? `${escapeText(sender.name)} (${ROLE_NAME[sender.role]})` : 'your lead';
  const name = sender?.name ?? 'your lead';
  const blocks: Message['blocks'] = [
    { type: 'section', text: `💬 **A note from ${from}**` },
    { type: 'section', text: escapeText(nudge.text) },
  ];
  const answered = nudge.status === 'thanked' || nudge.status === 'replied';
  if (nudge.status === 'thanked' || (answered && nudge.replies === 0)) blocks.push({ type: 'context', text: `You said thanks on ${localMoment(new Date(nudge.acknowledgedAt ?? nudge.createdAt), readerZone)}.` });
  if (nudge.replies > 0) blocks.push({ type: 'context', text: `You replied to ${escapeText(name)}${nudge.replies > 1 ? ` (${nudge.replies} replies)` : ''}. You can reply again.` });
  blocks.push({
    type: 'actions',
    buttons: [
      ...(answered ? [] : [{ actionId: THANKS_ACTION, label: 'Thanks', value: nudge.id, style: 'primary' as const }]),
      { actionId: REPLY_ACTION, label: 'Reply', value: nudge.id, form: replyForm(nudge, name) },
    ],
  });
  blocks.push({ type: 'context', text: `Private between you and ${escapeText(name)}: nobody else sees this note or your answer.` });
  return { text: `A note from ${sender?.name ?? 'your lead'}: ${truncate(nudge.text, 150)}`, blocks };
}

/** The version of a nudge's DM after its answers (1 as sent): each thanks or reply replaces it in place. */
export function dmVersion(nudge: Pick<Nudge, 'acknowledgedAt' | 'replies'>): number {
  return 1 + (nudge.acknowledgedAt ? 1 : 0) + nudge.replies;
}

/** The sender hears the note was thanked. */
export function thankedDm(nudge: Nudge, recipient: Person | undefined, senderZone: string): Message {
  return say(`🙏 ${escapeText(recipient?.name ?? nudge.to)} said thanks for your note of ${localMoment(new Date(nudge.createdAt), senderZone)} (“${preview(nudge.text, 80)}”).`);
}

/** The sender gets the reply, privately. */
export function replyDm(nudge: Nudge, recipient: Person | undefined, reply: string, senderZone: string): Message {
  const name = escapeText(recipient?.name ?? nudge.to);
  return {
    text: `${recipient?.name ?? nudge.to} replied to your note: ${truncate(reply, 150)}`,
    blocks: [
      { type: 'section', text: `↩️ **${name} replied** to your note of ${localMoment(new Date(nudge.createdAt), senderZone)} (“${preview(nudge.text, 80)}”):` },
      { type: 'section', text: escapeText(reply) },
      { type: 'context', text: `Only you see this reply. To answer, send a new note: /nudge ${nudge.to} followed by your text.` },
    ],
  };
}

/** How to make a person reachable by DM on a platform, for the sender of an undeliverable nudge. */
export function howToReach(person: Person, platform: PlatformKind): string {
  if (platform === 'teams') return `Shiftlead can DM ${escapeText(person.name)} on Teams only once the app is installed for them: ask your Teams admin to install Shiftlead for ${escapeText(person.name)} (or ask them to open Shiftlead in Teams once), then send the note again.`;
  if (platform === 'slack') return `Check that ${escapeText(person.name)}’s Slack id in the team configuration (people → ${person.id} → slack) is their member id, and that they have not blocked Shiftlead; then send the note again.`;
  return `Check ${escapeText(person.name)}’s entry under people in the team configuration, then send the note again.`;
}

/** The fallback of a nudge DM that cannot be delivered: the sender is told, once. */
export function undeliverableDm(nudge: Pick<Nudge, 'id' | 'text' | 'target'>, person: Person): Message {
  return say(`⚠️ Your note to ${escapeText(person.name)} (“${preview(nudge.text, 80)}”) could not be delivered: Shiftlead cannot send them a direct message on ${nudge.target.platform === 'teams' ? 'Teams' : nudge.target.platform === 'slack' ? 'Slack' : 'the console'}. ${howToReach(person, nudge.target.platform)} It will not be retried.`);
}

/** The roster has no id for the person on this platform: how to add one. */
export function noPlatformId(person: Person, platform: PlatformKind): string {
  if (platform === 'slack') return `${escapeText(person.name)} has no Slack id in the roster, so Shiftlead cannot DM them here. Add \`slack: U…\` (their member id: profile → ⋮ → Copy member ID) to their entry (people → ${person.id}) in the team configuration, then run /shiftlead reload. Nothing was sent.`;
  if (platform === 'teams') return `${escapeText(person.name)} has no Teams id in the roster, so Shiftlead cannot DM them here. Add a \`teams:\` line with their Microsoft Entra object id to their entry (people → ${person.id}) in the team configuration, then reload it (shiftlead reload). Nothing was sent.`;
  return `${escapeText(person.name)} cannot be reached here. Nothing was sent.`;
}

const RULE_TITLE = { missedAcknowledge: 'Missed acknowledge deadline', lowRating: 'Low rating', streak: 'A streak worth praising' } as const;

/** The suggestion as a lead or manager reads it: the facts, the drafted text, Send / Edit & send / Dismiss. */
export function suggestionCard(s: Suggestion, person: Person | undefined, decidedBy?: Person): Message {
  const name = escapeText(person?.name ?? s.person);
  const blocks: Message['blocks'] = [
    { type: 'section', text: `💡 **Suggested nudge for ${name}** · ${RULE_TITLE[s.rule]}` },
    { type: 'section', text: s.facts },
    { type: 'section', text: `**Draft:** ${escapeText(s.draft)}` },
  ];
  if (s.status === 'open') {
    blocks.push({
      type: 'actions',
      buttons: [
        { actionId: SEND_ACTION, label: 'Send', value: s.id, style: 'primary' },
        { actionId: EDIT_ACTION, label: 'Edit & send', value: s.id, form: editForm(s) },
        { actionId: DISMISS_ACTION, label: 'Dismiss', value: s.id },
      ],
    });
    blocks.push({ type: 'context', text: `Nothing reaches ${name} unless you choose Send. It arrives at their next working moment, privately.` });
  } else {
    const who = escapeText(decidedBy?.name ?? s.decidedBy ?? 'someone');
    blocks.push({ type: 'context', text: s.status === 'sent' ? `✅ Sent to ${name} by ${who}.` : `Dismissed by ${who}; nothing was sent.` });
  }
  return { text: `Suggested nudge for ${person?.name ?? s.person}: ${RULE_TITLE[s.rule]}`, blocks };
}

/** Edit & send: the draft in a form. */
export function editForm(s: Pick<Suggestion, 'id' | 'draft'>): Form {
  return {
    id: EDIT_ACTION,
    title: 'Edit & send',
    submitLabel: 'Send',
    fields: [{ id: 'text', label: 'The note', kind: 'longText', required: true, maxLength: NUDGE_MAX, initial: s.draft }],
    state: s.id,
  };
}

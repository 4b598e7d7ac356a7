/** How shifts read in chat: the /shift overview, cover requests, reminders, handoff prompts, cards and forms. */
import { escapeText, timeToken, type Block, type Button, type Form, type Message } from '../../chat/message.js';
import { truncate } from '../../chat/truncate.js';
import type { Department, Person, TeamConfig } from '../../config/team-config-schema.js';
import { formatDuration } from '../../config/duration.js';
import { Mentions } from '../mentions.js';
import type { Roster } from '../roster.js';
import { localClock, localDate, localMoment } from '../schedule/local-time.js';
import { LIMITS, type CoverRequest, type EscalationSnapshot, type Handoff } from './model.js';
import type { ShiftInstance } from './rota.js';

export const HANDOFF_FORM_ID = 'handoff.write';
export const TAKE_COVER = 'shift.cover.take';
export const ACK_HANDOFF = 'handoff.ack';

const say = (text: string): Message => ({ text, blocks: [{ type: 'section', text }] });

/** `Mon 7 Dec 06:00–14:00` in a zone (the end's date when it is another day). */
export function span(instance: Pick<ShiftInstance, 'start' | 'end'>, zone: string): string {
  const sameDay = localDate(instance.start, zone) === localDate(instance.end, zone);
  return `${localMoment(instance.start, zone)}–${sameDay ? localClock(instance.end, zone) : localMoment(instance.end, zone)}`;
}

/** A shift occurrence for one reader: in their zone, and in the shift's when it differs. */
export function shiftWhen(instance: ShiftInstance, readerZone: string): string {
  const mine = span(instance, readerZone);
  if (readerZone === instance.zone) return `${mine} (${instance.zone})`;
  return `${mine} your time (${readerZone}) · ${span(instance, instance.zone)} ${instance.zone}`;
}

function names(ids: readonly string[], roster: Roster): string {
  return ids.map((id) => roster.byId(id)?.name ?? id).join(', ') || 'nobody';
}

function departmentName(config: TeamConfig, id: string): string {
  return config.departments.find((d) => d.id === id)?.name ?? id;
}

/** `/shift`: who is on shift now in each department, and the reader's next shifts. */
export function overview(config: TeamConfig, roster: Roster, now: ShiftInstance[], mine: ShiftInstance[] | undefined, reader: Person | undefined, at: Date): Message {
  const zone = reader?.timezone ?? config.organization.timezone;
  const blocks: Block[] = [{ type: 'header', text: 'Shifts' }];
  const lines = config.departments.map((d) => {
    const on = now.filter((i) => i.shift.department === d.id && i.people.length > 0);
    if (on.length === 0) {
      const duty = d.onDuty.length > 0 ? ` On duty by default: ${escapeText(names(d.onDuty, roster))}.` : '';
      return `**${escapeText(d.name)}**: nobody on shift right now.${duty}`;
    }
    return `**${escapeText(d.name)}**: ${on.map((i) => `${escapeText(names(i.people, roster))} (${escapeText(i.shift.name)}, until ${localClock(i.end, zone)})`).join('; ')}`;
  });
  blocks.push({ type: 'section', text: `**On shift now** (${localMoment(at, zone)} ${zone})\n${lines.join('\n')}` });
  if (reader && mine) {
    const upcoming = mine.length > 0 ? mine.map((i) => `• ${escapeText(i.shift.name)} · ${escapeText(departmentName(config, i.shift.department))}: ${shiftWhen(i, zone)}${i.start <= at ? ' — under way' : ''}`).join('\n') : 'No shifts in the next five weeks.';
    blocks.push({ type: 'section', text: `**Your next shifts**\n${upcoming}` });
  } else if (!reader) {
    blocks.push({ type: 'context', text: 'You are not in the roster, so you have no shifts here. Ask a manager to add your id to the team configuration.' });
  }
  blocks.push({ type: 'context', text: 'Need cover? /shift cover <shift> <date>. Leads and managers: /shift assign <person> <shift> <date>.' });
  return { text: 'Shifts: who is on now, and your next shifts', blocks };
}

/** The message in the department's channel asking for cover, with **I'll take it** (until taken). */
export function coverCard(request: CoverRequest, instance: ShiftInstance, config: TeamConfig, roster: Roster): Message {
  const m = new Mentions(roster);
  const requester = roster.byId(request.requester);
  const who = requester ? m.person(requester) : escapeText(request.requester);
  const dept = escapeText(departmentName(config, instance.shift.department));
  const when = `${span(instance, instance.zone)} ${instance.zone} (${timeToken(instance.start)} your time)`;
  if (request.takenBy) {
    const taker = roster.byId(request.takenBy);
    const text = `✅ ${taker ? m.person(taker) : escapeText(request.takenBy)} is covering ${who}'s **${escapeText(instance.shift.name)}** shift (${dept}) on ${when}.`;
    return m.message(text, [{ type: 'section', text }, { type: 'context', text: `${request.id} · taken ${timeToken(request.takenAt ?? request.createdAt)}` }]);
  }
  const text = `🙋 ${who} needs cover for **${escapeText(instance.shift.name)}** (${dept}) on ${when}.`;
  return m.message(text, [
    { type: 'section', text },
    { type: 'actions', buttons: [{ actionId: TAKE_COVER, label: "I'll take it", value: request.id, style: 'primary' }] },
    { type: 'context', text: `${request.id} · the first person to press it takes the shift` },
  ]);
}

function escalationLines(open: EscalationSnapshot[], roster: Roster, at: Date): string {
  if (open.length === 0) return 'No open escalations. 🎉';
  const breached = open.filter((e) => e.breached).length;
  const head = `${open.length} open escalation${open.length === 1 ? '' : 's'}${breached > 0 ? `, ${breached} past a deadline` : ''}:`;
  const lines = open.slice(0, 8).map((e) => {
    const owner = e.owner ? escapeText(roster.byId(e.owner)?.name ?? e.owner) : 'unassigned';
    return `• **${e.id}** ${escapeText(e.severity)} · ${escapeText(truncate(e.summary, 80))} · ${owner} · ${formatDuration(at.getTime() - Date.parse(e.createdAt))} old${e.breached ? ' · ⚠️ SLA breached' : ''}`;
  });
  return [head, ...lines, ...(open.length > 8 ? [`…and ${open.length - 8} more (/escalations)`] : [])].join('\n');
}

/** The DM before a shift (or the evening before an early one). */
export function reminderDm(person: Person, instance: ShiftInstance, config: TeamConfig, roster: Roster, open: EscalationSnapshot[], watchlist: string | undefined, kind: 'before' | 'evening', at: Date): Message {
  const zone = person.timezone;
  const dept = escapeText(departmentName(config, instance.shift.department));
  const opener = kind === 'evening' ? `🌙 Tomorrow you start early: **${escapeText(instance.shift.name)}** (${dept})` : `⏰ Your **${escapeText(instance.shift.name)}** shift (${dept}) starts at ${localClock(instance.start, zone)} your time`;
  const blocks: Block[] = [
    { type: 'section', text: `${opener}.` },
    { type: 'fields', fields: [{ label: 'When', value: shiftWhen(instance, zone) }, { label: 'With', value: escapeText(names(instance.people.filter((p) => p !== person.id), roster)) }] },
  ];
  if (kind === 'before') {
    blocks.push({ type: 'section', text: `**Open right now**\n${escalationLines(open, roster, at)}` });
    if (watchlist) blocks.push({ type: 'section', text: `**Watch-list from the last handoff**\n${escapeText(truncate(watchlist, 1_000))}` });
  }
  blocks.push({ type: 'context', text: 'Can’t make it? /shift cover <shift> <date> asks your team to cover.' });
  return { text: `${kind === 'evening' ? 'Tomorrow' : 'Soon'}: ${instance.shift.name} ${span(instance, zone)} your time`, blocks };
}

/** The handoff form (the same on every platform). */
export function handoffForm(config: TeamConfig, department: string | undefined, state: string): Form {
  return {
    id: HANDOFF_FORM_ID,
    title: 'Write handoff',
    submitLabel: 'Hand off',
    state,
    fields: [
      { id: 'department', label: 'Department', kind: 'select', required: true, options: config.departments.map((d) => ({ value: d.id, label: d.name })), ...(department ? { initial: department } : {}) },
      { id: 'notes', label: 'Notes for the next shift', kind: 'longText', required: true, maxLength: LIMITS.notes, placeholder: 'What happened, what is in flight, what to do first' },
      { id: 'watchlist', label: 'Watch-list', kind: 'longText', required: false, maxLength: LIMITS.watchlist, placeholder: 'Customers or accounts to keep an eye on' },
      { id: 'pending', label: 'Anything pending', kind: 'longText', required: false, maxLength: LIMITS.pending, placeholder: 'Callbacks, promised follow-ups' },
    ],
  };
}

/** The DM before a shift ends, with **Write handoff**. */
export function handoffPrompt(person: Person, instance: ShiftInstance, config: TeamConfig, state: string): Message {
  const text = `📝 Your **${escapeText(instance.shift.name)}** shift ends at ${localClock(instance.end, person.timezone)} your time. Write the handoff for the next shift: notes, a watch-list and anything pending. Open escalations are attached for you.`;
  const button: Button = { actionId: HANDOFF_FORM_ID, label: 'Write handoff', value: state, style: 'primary', form: handoffForm(config, instance.shift.department, state) };
  return { text: `Write your ${instance.shift.name} handoff`, blocks: [{ type: 'section', text }, { type: 'actions', buttons: [button] }] };
}

/** The handoff card, in the department's channel and in the incoming people's DMs. */
export function handoffCard(h: Handoff, config: TeamConfig, roster: Roster): Message {
  const m = new Mentions(roster);
  const dept = escapeText(departmentName(config, h.department));
  const blocks: Block[] = [{ type: 'header', text: `🔁 Handoff ${h.id} · ${departmentName(config, h.department)}` }];
  const incoming = h.incoming
    ? `${h.incoming.people.map((id) => { const p = roster.byId(id); return p ? m.person(p) : escapeText(id); }).join(', ') || 'nobody'} (${escapeText(config.shifts.find((s) => s.id === h.incoming?.shiftId)?.name ?? h.incoming.shiftId)}, from ${timeToken(h.incoming.start)})`
    : '⚠️ Nobody is scheduled for the next shift: the managers have been told.';
  blocks.push({ type: 'fields', fields: [{ label: 'From', value: m.at(h.author) }, { label: 'To', value: incoming }, { label: 'Written', value: timeToken(h.createdAt) }] });
  blocks.push({ type: 'section', text: `**Notes**\n${escapeText(h.notes)}` });
  if (h.watchlist) blocks.push({ type: 'section', text: `**Watch-list**\n${escapeText(h.watchlist)}` });
  if (h.pending) blocks.push({ type: 'section', text: `**Pending**\n${escapeText(h.pending)}` });
  blocks.push({ type: 'section', text: `**Open escalations (${dept})**\n${escalationLines(h.escalations, roster, new Date(h.createdAt))}` });
  if (h.acknowledgedAt && h.acknowledgedBy) {
    blocks.push({ type: 'section', text: `✅ Acknowledged by ${m.at(h.acknowledgedBy)} at ${timeToken(h.acknowledgedAt)}` });
  } else {
    blocks.push({ type: 'actions', buttons: [{ actionId: ACK_HANDOFF, label: 'Acknowledge handoff', value: h.id, style: 'primary' }] });
  }
  const state = h.acknowledgedAt ? `acknowledged by ${h.acknowledgedBy?.name ?? 'someone'}` : 'waiting for the incoming shift';
  return m.message(`Handoff ${h.id} (${departmentName(config, h.department)}) from ${h.author.name}: ${state}`, blocks);
}

/** The reminder to the incoming people, and the note to managers, when a handoff waits too long. */
export function handoffWaiting(h: Handoff, config: TeamConfig, roster: Roster, to: 'incoming' | 'managers', waitedMs: number): Message {
  const m = new Mentions(roster);
  const dept = escapeText(departmentName(config, h.department));
  const who = h.incoming?.people.map((id) => { const p = roster.byId(id); return p ? m.person(p) : escapeText(id); }).join(', ') ?? 'the incoming shift';
  const text =
    to === 'incoming'
      ? `⏳ Handoff **${h.id}** from ${m.at(h.author)} (${dept}) is waiting for your acknowledgement. Read it and press **Acknowledge handoff** on it.`
      : `📣 Handoff **${h.id}** (${dept}) from ${m.at(h.author)} has not been acknowledged ${formatDuration(waitedMs)} after the incoming shift started. Incoming: ${who}.`;
  return m.message(text, [{ type: 'section', text }]);
}

export const answers = {
  say,
  notInRoster: (platform: string) => say(`You are not in Shiftlead's roster yet, so you have no shifts. Ask a manager to add your ${platform} id to the team configuration.`),
};

export function departmentOf(config: TeamConfig, id: string): Department | undefined {
  return config.departments.find((d) => d.id === id);
}

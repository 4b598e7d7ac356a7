/**
 * What a record change causes: messages (card post or update, a thread line, DMs) and timers.
 * Pure and deterministic: every delivery key and timer id derives from the record, so planning
 * the same change twice (a retry, the reconciler) queues nothing new.
 */
import type { Delivery, DeliveryTarget } from '../../chat/delivery.js';
import type { Message } from '../../chat/message.js';
import type { TimerPayload } from '../ports.js';
import { escalationCard, movedCard } from './card.js';
import type { Clock, Escalation, HistoryEntry } from './model.js';
import { UNACKNOWLEDGED } from './model.js';
import { assignedNotice, confirmation, followUp, levelNotice, samePerson, threadLine } from './notices.js';
import type { EscalationRules } from './rules.js';
import { CARD_KEY, cardKey, movesAt, SOURCE_CARD_KEY } from './wording.js';

export const SLA_TIMER = 'escalation.sla';

/**
 * Another feature's effects of a history entry (the CSAT question after a resolution): pure and
 * deterministic like the rest, with delivery keys of its own, so replanning queues nothing new.
 * `cycle` is the cycle the entry happened in.
 */
export type EntryFollower = (e: Escalation, entry: HistoryEntry, cycle: number) => Delivery[];

/** The cycle history entry `index` happened in (each reopen starts the next). */
export function cycleAt(e: Escalation, index: number): number {
  return 1 + e.history.slice(0, index).filter((h) => h.type === 'reopened').length;
}

export interface Plan {
  deliveries: Delivery[];
  schedule: Array<{ id: string; at: Date; payload: TimerPayload }>;
  cancel: string[];
}

const empty = (): Plan => ({ deliveries: [], schedule: [], cancel: [] });

function merge(...plans: Plan[]): Plan {
  return plans.reduce((all, p) => ({ deliveries: [...all.deliveries, ...p.deliveries], schedule: [...all.schedule, ...p.schedule], cancel: [...all.cancel, ...p.cancel] }), empty());
}

type Timed = Pick<Escalation, 'tenant' | 'id' | 'cycle' | 'plan'>;

const timerBase = (e: Timed, clock: Clock) => `sla-${e.tenant}-${e.id}-c${e.cycle}${(e.plan ?? 1) > 1 ? `-p${e.plan}` : ''}-${clock === 'acknowledge' ? 'ack' : 'res'}`;

/** The id of reminder `miss` of a deadline (one per cycle and plan). */
export function timerId(e: Timed, clock: Clock, miss: number): string {
  return `${timerBase(e, clock)}-n${miss}`;
}

/** The id of the timer that tells escalation level `level` about a missed deadline. */
export function levelTimerId(e: Timed, clock: Clock, level: number): string {
  return `${timerBase(e, clock)}-l${level}`;
}

function payload(e: Escalation, clock: Clock, step: { miss: number } | { level: number }): TimerPayload {
  return { kind: SLA_TIMER, tenant: e.tenant, id: e.id, cycle: e.cycle, clock, ...step, ...((e.plan ?? 1) > 1 ? { plan: e.plan as number } : {}) };
}

const key = (e: Escalation, ...parts: Array<string | number>) => [e.tenant, 'esc', e.id, ...parts].join('.');

function send(e: Escalation, parts: Array<string | number>, target: DeliveryTarget, message: Message, saveAs?: string): Delivery {
  return { key: key(e, ...parts), tenant: e.tenant, platform: e.platform, target, message, ...(saveAs ? { saveAs } : {}) };
}

/** Whether the record has a card somewhere (a channel, or the source message's thread). */
export function hasCard(e: Escalation): boolean {
  return e.channel !== undefined;
}

/** The record's cards: posted once, then updated to the current version. After a move the card is
 * a new message in the new channel (the old one is told in `entryEffects`). */
function cards(e: Escalation, rules: EscalationRules, now: Date): Plan {
  if (!e.channel) return empty();
  const card = escalationCard(e, rules, now);
  const plan = empty();
  const current = cardKey(e);
  const parts = e.moved ? ['card', `m${e.moved}`] : ['card'];
  const inSourceThread = !e.moved && e.sourceCard && e.source && e.source.conversation === e.channel;
  const sourceThread: DeliveryTarget | undefined = e.source ? { kind: 'thread', conversation: e.source.conversation, parent: e.source.threadRoot ?? e.source.id } : undefined;
  const primary: DeliveryTarget = inSourceThread && sourceThread ? sourceThread : { kind: 'conversation', conversation: e.channel };
  const copy = e.sourceCard && sourceThread && !inSourceThread ? sourceThread : undefined;
  plan.deliveries.push(send(e, parts, primary, card, current));
  if (copy) plan.deliveries.push(send(e, ['src'], copy, card, SOURCE_CARD_KEY(e.id)));
  if (e.version > 1) {
    plan.deliveries.push(send(e, [...parts, `v${e.version}`], { kind: 'update', of: current, version: e.version }, card));
    if (copy) plan.deliveries.push(send(e, ['src', `v${e.version}`], { kind: 'update', of: SOURCE_CARD_KEY(e.id), version: e.version }, card));
  }
  return plan;
}

/** The timers the record's current state needs: reminders to the first level, then one timer per
 * further level, none before the end of a snooze. */
export function pendingTimers(e: Escalation, rules: EscalationRules): Plan {
  const plan = empty();
  const levels = rules.levels(e.department);
  const snoozed = e.snoozedUntil ? Date.parse(e.snoozedUntil) : 0;
  const at = (ms: number) => new Date(Math.max(ms, snoozed));
  const last = (type: HistoryEntry['type']) => [...e.history].reverse().find((h) => h.type === type);
  const next = (clock: Clock, dueAt: string) => {
    const due = Date.parse(dueAt);
    const misses = e.misses[clock];
    if (misses < rules.maxRenotifications) {
      const missed = last(clock === 'acknowledge' ? 'acknowledge_missed' : 'resolve_missed');
      const when = misses === 0 || !missed ? due + (levels[0]?.after ?? 0) : Date.parse(missed.at) + rules.renotifyEvery;
      plan.schedule.push({ id: timerId(e, clock, misses + 1), at: at(when), payload: payload(e, clock, { miss: misses + 1 }) });
    }
    const told = e.levelsTold?.[clock] ?? [];
    levels.forEach((level, i) => {
      const n = i + 1;
      if (n === 1 || told.includes(n)) return;
      plan.schedule.push({ id: levelTimerId(e, clock, n), at: at(due + level.after), payload: payload(e, clock, { level: n }) });
    });
  };
  if (UNACKNOWLEDGED.includes(e.status)) next('acknowledge', e.acknowledgeDueAt);
  if (e.status !== 'resolved') next('resolve', e.resolveDueAt);
  return plan;
}

/** A DM, keyed by the history entry and whom it is for. */
function dm(e: Escalation, index: number, to: { user: string; personId?: string | undefined }, tag: string, message: Message): Delivery {
  const who = to.personId ?? to.user.replace(/[^A-Za-z0-9_-]/g, '_');
  return send(e, [`h${index}`, `${tag}-${who}`], { kind: 'dm', user: to.user }, message);
}

/** What history entry `index` causes, besides the card update. */
function entryEffects(e: Escalation, index: number, rules: EscalationRules, followers: readonly EntryFollower[]): Plan {
  const entry = e.history[index];
  const plan = empty();
  if (!entry) return plan;
  for (const follow of followers) plan.deliveries.push(...follow(e, entry, cycleAt(e, index)));
  const posted = hasCard(e);
  const out = plan.deliveries;
  if (entry.type === 'created') {
    out.push(send(e, ['confirm'], { kind: 'dm', user: e.requester.user }, confirmation(e, rules, posted)));
    return plan;
  }
  // Each line goes to the thread of the card that was current then (an edit that moves the card:
  // the old one's, with a link to the new).
  const thread = CARD_KEY(e.id, movesAt(e, index) - (entry.moved ? 1 : 0));
  // A rating shows on the card only: the thread is for what the team did.
  if (posted && entry.type !== 'rated') out.push(send(e, [`h${index}`], { kind: 'reply', to: thread }, threadLine(e, index, rules)));
  if (entry.moved) {
    const department = entry.changes?.find((c) => c.field === 'department')?.to ?? e.department;
    // The version after entry `index` is index + 1: the old card's last update.
    out.push(send(e, [`h${index}`, 'moved'], { kind: 'update', of: thread, version: index + 1 }, movedCard(e, entry.moved, department, rules)));
  }
  if (entry.type === 'assigned' && entry.owner && !samePerson(entry.owner, entry.actor)) {
    out.push(send(e, [`h${index}`, 'owner'], { kind: 'dm', user: entry.owner.user }, assignedNotice(e, entry, rules, posted)));
  }
  const byOthers = !samePerson(e.requester, entry.actor);
  if (byOthers && !(entry.type === 'assigned' && samePerson(entry.owner, e.requester))) {
    const notice = followUp(e, entry, rules, posted, 'requester');
    if (notice) out.push(dm(e, index, e.requester, 'req', notice));
  }
  // The owner of a reopened record: the one who held it when it was resolved.
  const owner = e.history.slice(0, index).reduce<typeof e.owner>((o, h) => (h.type === 'assigned' ? h.owner : h.type === 'acknowledged' ? (o ?? h.actor) : o), undefined);
  if (entry.type === 'reopened' && owner && !samePerson(owner, entry.actor) && !samePerson(owner, e.requester)) {
    const notice = followUp(e, entry, rules, posted, 'owner');
    if (notice) out.push(dm(e, index, owner, 'own', notice));
  }
  if (entry.type === 'escalated' && entry.level) {
    for (const person of rules.levelPeople(e.department, entry.level, e.platform)) out.push(dm(e, index, person, 'lvl', levelNotice(e, entry, rules, posted)));
  }
  return plan;
}

/** The timers a change stops: every pending one its new state no longer needs. */
function cancelled(before: Escalation | undefined, e: Escalation, rules: EscalationRules): Plan {
  const plan = empty();
  if (!before) return plan;
  const keep = new Set(pendingTimers(e, rules).schedule.map((t) => t.id));
  plan.cancel = pendingTimers(before, rules)
    .schedule.map((t) => t.id)
    .filter((id) => !keep.has(id));
  return plan;
}

/** The effects of the record's newest change (`before` is the previous version, if any). */
export function planChange(before: Escalation | undefined, e: Escalation, rules: EscalationRules, now: Date, followers: readonly EntryFollower[] = []): Plan {
  return merge(cards(e, rules, now), entryEffects(e, e.history.length - 1, rules, followers), cancelled(before, e, rules), pendingTimers(e, rules));
}

/** Everything the record should have caused so far (the reconciler re-queues it; keys make it a no-op). */
export function planAll(e: Escalation, rules: EscalationRules, now: Date, followers: readonly EntryFollower[] = []): Plan {
  return merge(cards(e, rules, now), ...e.history.map((_, i) => entryEffects(e, i, rules, followers)), pendingTimers(e, rules));
}

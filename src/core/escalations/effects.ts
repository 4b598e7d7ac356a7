/**
 * What a record change causes: messages (card post or update, a thread line, DMs) and timers.
 * Pure and deterministic: every delivery key and timer id derives from the record, so planning
 * the same change twice (a retry, the reconciler) queues nothing new.
 */
import type { Delivery, DeliveryTarget } from '../../chat/delivery.js';
import type { Message } from '../../chat/message.js';
import type { TimerPayload } from '../ports.js';
import { assignedNotice, CARD_KEY, confirmation, escalationCard, managerNotice, SOURCE_CARD_KEY, threadLine } from './card.js';
import type { Escalation, HistoryEntry } from './model.js';
import { UNACKNOWLEDGED } from './model.js';
import type { EscalationRules } from './rules.js';

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

type Clock = 'acknowledge' | 'resolve';

export function timerId(e: Pick<Escalation, 'tenant' | 'id' | 'cycle'>, clock: Clock, miss: number): string {
  return `sla-${e.tenant}-${e.id}-c${e.cycle}-${clock === 'acknowledge' ? 'ack' : 'res'}-n${miss}`;
}

function timer(e: Escalation, clock: Clock, miss: number, at: Date): Plan['schedule'][number] {
  return { id: timerId(e, clock, miss), at, payload: { kind: SLA_TIMER, tenant: e.tenant, id: e.id, cycle: e.cycle, clock, miss } };
}

const key = (e: Escalation, ...parts: Array<string | number>) => [e.tenant, 'esc', e.id, ...parts].join('.');

function send(e: Escalation, parts: Array<string | number>, target: DeliveryTarget, message: Message, saveAs?: string): Delivery {
  return { key: key(e, ...parts), tenant: e.tenant, platform: e.platform, target, message, ...(saveAs ? { saveAs } : {}) };
}

/** Whether the record has a card somewhere (a channel, or the source message's thread). */
export function hasCard(e: Escalation): boolean {
  return e.channel !== undefined;
}

/** The record's cards: posted once, then updated to the current version. */
function cards(e: Escalation, rules: EscalationRules, now: Date): Plan {
  if (!e.channel) return empty();
  const card = escalationCard(e, rules, now);
  const plan = empty();
  const inSourceThread = e.sourceCard && e.source && e.source.conversation === e.channel;
  const primary: DeliveryTarget = inSourceThread && e.source ? { kind: 'thread', conversation: e.source.conversation, parent: e.source.threadRoot ?? e.source.id } : { kind: 'conversation', conversation: e.channel };
  plan.deliveries.push(send(e, ['card'], primary, card, CARD_KEY(e.id)));
  if (e.sourceCard && e.source && !inSourceThread) {
    plan.deliveries.push(send(e, ['src'], { kind: 'thread', conversation: e.source.conversation, parent: e.source.threadRoot ?? e.source.id }, card, SOURCE_CARD_KEY(e.id)));
  }
  if (e.version > 1) {
    plan.deliveries.push(send(e, ['card', `v${e.version}`], { kind: 'update', of: CARD_KEY(e.id), version: e.version }, card));
    if (e.sourceCard && e.source && !inSourceThread) {
      plan.deliveries.push(send(e, ['src', `v${e.version}`], { kind: 'update', of: SOURCE_CARD_KEY(e.id), version: e.version }, card));
    }
  }
  return plan;
}

/** The timers the record's current state needs. */
function pendingTimers(e: Escalation, rules: EscalationRules): Plan {
  const plan = empty();
  const last = (type: HistoryEntry['type']) => [...e.history].reverse().find((h) => h.type === type);
  const next = (clock: Clock, dueAt: string) => {
    const misses = e.misses[clock];
    if (misses >= rules.maxRenotifications) return;
    const missed = last(clock === 'acknowledge' ? 'acknowledge_missed' : 'resolve_missed');
    const at = misses === 0 || !missed ? new Date(dueAt) : new Date(Date.parse(missed.at) + rules.renotifyEvery);
    plan.schedule.push(timer(e, clock, misses + 1, at));
  };
  if (UNACKNOWLEDGED.includes(e.status)) next('acknowledge', e.acknowledgeDueAt);
  if (e.status !== 'resolved') next('resolve', e.resolveDueAt);
  return plan;
}

/** What history entry `index` causes, besides the card update. */
function entryEffects(e: Escalation, index: number, rules: EscalationRules, followers: readonly EntryFollower[]): Plan {
  const entry = e.history[index];
  const plan = empty();
  if (!entry) return plan;
  for (const follow of followers) plan.deliveries.push(...follow(e, entry, cycleAt(e, index)));
  const posted = hasCard(e);
  if (entry.type === 'created') {
    plan.deliveries.push(send(e, ['confirm'], { kind: 'dm', user: e.requester.user }, confirmation(e, rules, posted)));
    return plan;
  }
  // A rating shows on the card only: the thread is for what the team did.
  if (posted && entry.type !== 'rated') plan.deliveries.push(send(e, [`h${index}`], { kind: 'reply', to: CARD_KEY(e.id) }, threadLine(e, entry, rules)));
  if (entry.type === 'assigned' && entry.owner && entry.owner.user !== entry.actor.user) {
    plan.deliveries.push(send(e, [`h${index}`, 'owner'], { kind: 'dm', user: entry.owner.user }, assignedNotice(e, entry, rules, posted)));
  }
  if ((entry.type === 'acknowledge_missed' || entry.type === 'resolve_missed') && entry.miss === rules.managerAfterMisses) {
    for (const manager of rules.managers(e.department)) {
      const to = rules.roster.onPlatform(manager, e.platform);
      if (to) plan.deliveries.push(send(e, [`h${index}`, `mgr-${manager.id}`], { kind: 'dm', user: to.user }, managerNotice(e, entry, rules, posted)));
    }
  }
  return plan;
}

/** The timers a state change stops. */
function cancelled(before: Escalation | undefined, e: Escalation): Plan {
  const plan = empty();
  if (!before) return plan;
  if (UNACKNOWLEDGED.includes(before.status) && !UNACKNOWLEDGED.includes(e.status)) plan.cancel.push(timerId(before, 'acknowledge', before.misses.acknowledge + 1));
  if (before.status !== 'resolved' && e.status === 'resolved') plan.cancel.push(timerId(before, 'resolve', before.misses.resolve + 1));
  return plan;
}

/** The effects of the record's newest change (`before` is the previous version, if any). */
export function planChange(before: Escalation | undefined, e: Escalation, rules: EscalationRules, now: Date, followers: readonly EntryFollower[] = []): Plan {
  return merge(cards(e, rules, now), entryEffects(e, e.history.length - 1, rules, followers), cancelled(before, e), pendingTimers(e, rules));
}

/** Everything the record should have caused so far (the reconciler re-queues it; keys make it a no-op). */
export function planAll(e: Escalation, rules: EscalationRules, now: Date, followers: readonly EntryFollower[] = []): Plan {
  return merge(cards(e, rules, now), ...e.history.map((_, i) => entryEffects(e, i, rules, followers)), pendingTimers(e, rules));
}

/**
 * CSAT after an escalation is resolved. The escalation feature plans, with every resolution, the
 * question this module builds (an `EntryFollower`: a deterministic delivery per resolution cycle,
 * so a reopen → resolve asks again and nothing asks twice for the same one). The answer is stored
 * on the escalation (shown on its card, audited) and counted in the `csat` metric.
 */
import type { Delivery, DeliveryTarget } from '../../chat/delivery.js';
import { escapeText, type Button, type Form, type FormValues, type Message } from '../../chat/message.js';
import { truncate } from '../../chat/truncate.js';
import { cardKey } from '../escalations/card.js';
import type { EntryFollower } from '../escalations/effects.js';
import type { Escalation } from '../escalations/model.js';
import { isStoreDown, STORE_DOWN, type EscalationService } from '../escalations/service.js';
import type { Actor, Answer, SubmitAnswer } from '../interactions.js';
import type { Clock } from '../ports.js';
import { localDate } from '../schedule/local-time.js';
import type { Settings } from '../settings.js';
import type { MetricsSink } from './metrics-sink.js';
import { RATING_LABELS } from './poll-model.js';
import { say } from './poll-messages.js';

export const RATE_ACTION = 'csat.rate';
export const COMMENT_ACTION = 'csat.comment';
export const COMMENT_MAX = 1_000;

/** Where the question goes, or nowhere. */
export function csatTarget(e: Escalation, settings: Settings): DeliveryTarget | undefined {
  const mode = settings.config.departments.find((d) => d.id === e.department)?.csat.afterResolve ?? 'requester';
  if (mode === 'off') return undefined;
  const sourceThread: DeliveryTarget | undefined = e.source ? { kind: 'thread', conversation: e.source.conversation, parent: e.source.threadRoot ?? e.source.id } : undefined;
  // Raised from a customer's message: the customer is in that thread, so ask there.
  if (sourceThread && e.source && settings.config.customerChannels.includes(e.source.conversation)) return sourceThread;
  if (mode === 'channel') return sourceThread ?? (e.channel ? { kind: 'reply', to: cardKey(e) } : { kind: 'dm', user: e.requester.user });
  return { kind: 'dm', user: e.requester.user };
}

/** The comment form (behind "Rate with a comment…"): its state names the resolution. */
export function commentForm(id: string, cycle: number): Form {
  return {
    id: COMMENT_ACTION,
    title: `Rate ${id}`,
    submitLabel: 'Send',
    fields: [
      { id: 'rating', label: 'How well was it handled?', kind: 'select', required: true, options: RATING_LABELS.map((label, i) => ({ value: String(i + 1), label: `${i + 1} · ${label}` })) },
      { id: 'comment', label: 'Comment', kind: 'longText', required: false, maxLength: COMMENT_MAX, placeholder: 'What went well, what could be better' },
    ],
    state: `${id} ${cycle}`,
  };
}

/** The question, for the requester (with the resolution note) or a customer thread (without it). */
export function csatQuestion(e: Escalation, cycle: number, target: DeliveryTarget): Message {
  const internal = target.kind === 'dm';
  const note = internal && e.resolution ? ` Resolution: “${escapeText(truncate(e.resolution, 300))}”` : '';
  const text = `✅ ${e.id} is resolved: ${escapeText(truncate(e.summary, 200))}.${note}\nHow well was it handled?`;
  const rate: Button[] = RATING_LABELS.map((label, i) => ({ actionId: RATE_ACTION, label: `${i + 1} · ${label}`, value: `${e.id} ${cycle} ${i + 1}` }));
  return {
    text: `How well was ${e.id} handled?`,
    blocks: [
      { type: 'section', text },
      { type: 'actions', buttons: rate },
      { type: 'actions', buttons: [{ actionId: COMMENT_ACTION, label: 'Rate with a comment…', value: `${e.id} ${cycle}`, form: commentForm(e.id, cycle) }] },
      { type: 'context', text: `Your answer is recorded on ${e.id} and counts toward the team's customer satisfaction. Pressing another number changes it.` },
    ],
  };
}

/** The escalation feature's follower: one question per resolution, keyed by its cycle. */
export function csatFollower(settings: Settings): EntryFollower {
  return (e, entry, cycle) => {
    if (entry.type !== 'resolved') return [];
    const target = csatTarget(e, settings);
    if (!target) return [];
    const delivery: Delivery = { key: `${e.tenant}.csat.${e.id}.c${cycle}`, tenant: e.tenant, platform: e.platform, target, message: csatQuestion(e, cycle, target) };
    return [delivery];
  };
}

export interface CsatDeps {
  escalations: EscalationService;
  metrics: MetricsSink;
  clock: Clock;
  settings: Settings;
  onMetricFailed?: (error: unknown, id: string) => void;
}

export class CsatService {
  constructor(private readonly deps: CsatDeps) {}

  /** A rating button, or the comment form (its fields arrive as `values`). */
  async press(actor: Actor, actionId: string, value: string, values: FormValues = {}): Promise<Answer> {
    const [id = '', cycleText = '', scoreText] = value.split(' ');
    const cycle = Number(cycleText);
    if (!/^ESC-\d+$/.test(id) || !Number.isInteger(cycle) || cycle < 1) return { reply: say('This rating button is out of date.') };
    if (actionId === COMMENT_ACTION) {
      if (!values['rating']) return { form: commentForm(id, cycle) };
      return this.rate(actor, id, cycle, values['rating'], values['comment']);
    }
    return this.rate(actor, id, cycle, scoreText ?? '', undefined);
  }

  /** The comment form came back (Slack's modal). */
  async submit(actor: Actor, values: FormValues, state: string | undefined): Promise<SubmitAnswer> {
    const comment = (values['comment'] ?? '').trim();
    if (comment.length > COMMENT_MAX) return { ok: false, errors: { comment: `The comment is ${comment.length} characters; the most is ${COMMENT_MAX}.` } };
    if (!/^[1-5]$/.test(values['rating'] ?? '')) return { ok: false, errors: { rating: 'Pick a rating from 1 to 5.' } };
    const answer = await this.press(actor, COMMENT_ACTION, state ?? '', values);
    return { ok: true, ...(answer.reply ? { reply: answer.reply } : {}) };
  }

  private async rate(actor: Actor, id: string, cycle: number, scoreText: string, rawComment: string | undefined): Promise<Answer> {
    if (!/^[1-5]$/.test(scoreText)) return { reply: say('A rating is a whole number from 1 to 5.') };
    const score = Number(scoreText);
    const comment = rawComment?.trim() || undefined;
    if (comment && comment.length > COMMENT_MAX) return { reply: say(`The comment is ${comment.length} characters; the most is ${COMMENT_MAX}.`) };
    const { escalations, settings } = this.deps;
    const who = escalations.rules.roster.participant(actor.platform, actor.user, undefined, actor.email);
    let result;
    try {
      result = await escalations.act(actor.tenant, id, { type: 'rate', cycle, score, ...(comment ? { comment } : {}) }, who);
    } catch (error) {
      if (isStoreDown(error)) return { reply: say(STORE_DOWN) };
      throw error;
    }
    if (!result.ok) return { reply: say(result.message) };
    const record = result.record;
    const sampleId = `esc.${record.tenant}.${record.id}.c${cycle}`;
    const date = localDate(this.deps.clock.now(), settings.config.organization.timezone);
    await this.deps.metrics.record({ id: sampleId, metric: 'csat', date, value: score, count: 1, department: record.department, source: 'escalations' }).catch((error: unknown) => this.deps.onMetricFailed?.(error, sampleId));
    return { reply: say(`Thanks — you rated how ${id} was handled ${score}/5${comment ? ', with your comment' : ''}. Press another number to change it.`) };
  }
}

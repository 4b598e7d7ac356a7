/**
 * Suggested nudges: a job reads the signals (signals.ts) and sends each new one, as a suggestion
 * with the facts and a drafted text, to the person's leads and managers, who choose Send, Edit &
 * send or Dismiss — nothing reaches the person without a human choosing it. Corrective suggestions
 * are capped per person (coaching.maxPerDay / maxPerWeek, on their own calendar); signals over the
 * cap are folded into the weekly summary. People who said `/nudges off` get no suggested nudges.
 */
import type { Delivery } from '../../chat/delivery.js';
import { escapeText, type FormValues } from '../../chat/message.js';
import type { Person } from '../../config/team-config-schema.js';
import type { Actor, Answer, SubmitAnswer } from '../interactions.js';
import { mondayOf } from '../polls/pulse-schedule.js';
import { addDays, localDate, localInstant, parseClockTime } from '../schedule/local-time.js';
import { quietUntil } from '../schedule/quiet-hours.js';
import type { Occurrence } from '../schedule/schedule.js';
import type { CoachingContext } from './context.js';
import { editForm, say, suggestionCard } from './messages.js';
import { isCorrective, NUDGE_MAX, type Signal, type Suggestion } from './model.js';
import type { NudgeService } from './nudges.js';
import { SIGNAL_WINDOW_MS } from './signals.js';
import { deriveSignals } from './signals.js';

export const SIGNALS_KIND = 'coaching.signals';
const HOUR_MS = 3_600_000;

/** Signals are evaluated at the top of every hour (UTC); each occurrence is its own job. */
export function signalOccurrences(from: Date, to: Date): Occurrence[] {
  const out: Occurrence[] = [];
  for (let t = Math.ceil(from.getTime() / HOUR_MS) * HOUR_MS; t < to.getTime(); t += HOUR_MS) {
    const at = new Date(t);
    out.push({ kind: SIGNALS_KIND, item: `h${at.toISOString().slice(11, 13)}`, date: at.toISOString().slice(0, 10), at });
  }
  return out;
}

const cardKey = (id: string, reviewer: string) => `org.sugg.${id}.${reviewer}`;

export interface Evaluation {
  suggested: number;
  folded: number;
  skipped: number;
}

export class SuggestionService {
  constructor(
    private readonly ctx: CoachingContext,
    private readonly nudges: NudgeService,
  ) {}

  /** Reads the signals and turns each new one into a suggestion, a folded line, or nothing (opted out). */
  async evaluate(): Promise<Evaluation> {
    const now = this.ctx.now();
    // Two weeks back: a streak counts the whole of last week too.
    const records = await this.ctx.deps.recentEscalations(new Date(now.getTime() - 2 * SIGNAL_WINDOW_MS));
    const result: Evaluation = { suggested: 0, folded: 0, skipped: 0 };
    for (const signal of deriveSignals(records, this.ctx.config, this.ctx.roster, now)) {
      const outcome = await this.consider(signal, now);
      if (outcome) result[outcome] += 1;
    }
    return result;
  }

  private async consider(signal: Signal, now: Date): Promise<keyof Evaluation | undefined> {
    const { store } = this.ctx.deps;
    const person = this.ctx.roster.byId(signal.person);
    if (!person) return undefined;
    if (await store.optedOut(person.id)) return (await store.claimSignal(signal.key, 'opted-out')) ? 'skipped' : undefined;
    if (isCorrective(signal.rule) && (await this.overCap(person, now))) {
      if (!(await store.claimSignal(signal.key, 'folded'))) return undefined;
      await store.fold(person.id, { key: signal.key, rule: signal.rule, at: signal.at, detail: signal.detail }, this.ctx.audit('shiftlead', 'coaching.folded', signal.key, `about ${person.id}: over the caps`));
      return 'folded';
    }
    // A suggestion is a non-urgent DM: it goes to the reviewers outside their quiet hours; when all
    // are inside them, the signal waits for a later evaluation (nothing is claimed).
    const reviewers = this.ctx.reviewers(person).filter((r) => !quietUntil(now, r.timezone, this.ctx.config.quietHours));
    if (reviewers.length === 0) return undefined;
    // Claimed first: two evaluations at once never suggest the same signal twice.
    if (!(await store.claimSignal(signal.key, 'suggested'))) return undefined;
    const suggestion = await store.createSuggestion(
      { rule: signal.rule, signal: signal.key, person: person.id, facts: signal.facts, detail: signal.detail, draft: signal.draft.slice(0, NUDGE_MAX), reviewers: reviewers.map((r) => r.id), createdAt: now.toISOString(), status: 'open' },
      this.ctx.audit('shiftlead', 'coaching.suggested', '', `${signal.rule} about ${person.id} to ${reviewers.map((r) => r.id).join(', ')}`),
    );
    if (isCorrective(signal.rule)) await store.countCorrective(person.id, suggestion.id, now);
    const card = suggestionCard(suggestion, person);
    const deliveries: Delivery[] = [];
    for (const reviewer of reviewers) {
      const to = await this.ctx.deps.reach.person(reviewer);
      if (to) deliveries.push({ key: cardKey(suggestion.id, reviewer.id), tenant: to.tenant, platform: to.platform, target: { kind: 'dm', user: to.user }, message: card, saveAs: cardKey(suggestion.id, reviewer.id), priority: 'bulk' });
    }
    await this.ctx.deps.outbox.enqueue(deliveries);
    return 'suggested';
  }

  /** Over `maxPerDay` today or `maxPerWeek` this week (Monday to Sunday), on the person's own calendar. */
  private async overCap(person: Person, now: Date): Promise<boolean> {
    const { maxPerDay, maxPerWeek } = this.ctx.config.coaching;
    const today = localDate(now, person.timezone);
    const midnight = (date: string) => localInstant(date, parseClockTime('00:00'), person.timezone).at;
    const day = await this.ctx.deps.store.correctiveCount(person.id, midnight(today), midnight(addDays(today, 1)));
    if (day >= maxPerDay) return true;
    const monday = mondayOf(today);
    return (await this.ctx.deps.store.correctiveCount(person.id, midnight(monday), midnight(addDays(monday, 7)))) >= maxPerWeek;
  }

  /** The open suggestion a button names, when the actor may decide on it. */
  private async decidable(actor: Actor, id: string): Promise<{ suggestion: Suggestion; version: number; reviewer: Person; person: Person } | { problem: string }> {
    if (!/^S-\d+$/.test(id)) return { problem: 'This button is out of date.' };
    const reviewer = this.ctx.person(actor);
    if (!this.ctx.isLead(reviewer) || !reviewer) return { problem: 'Only leads and managers decide on suggested nudges.' };
    const found = await this.ctx.deps.store.getSuggestion(id);
    const person = found && this.ctx.roster.byId(found.record.person);
    if (!found || !person) return { problem: 'This suggestion is no longer known to Shiftlead.' };
    const s = found.record;
    if (s.status !== 'open') {
      const who = this.ctx.roster.byId(s.decidedBy)?.name ?? s.decidedBy ?? 'someone';
      return { problem: s.status === 'sent' ? `${escapeText(who)} already sent this nudge.` : `${escapeText(who)} already dismissed this suggestion; nothing was sent.` };
    }
    if (reviewer.id === person.id) return { problem: 'This suggestion is about you; another lead or manager decides on it.' };
    return { suggestion: s, version: found.version, reviewer, person };
  }

  /** **Send** (the draft) — or, from Edit & send, the edited text. */
  async send(actor: Actor, id: string, edited?: string): Promise<Answer> {
    const found = await this.decidable(actor, id);
    if ('problem' in found) return { reply: say(found.problem) };
    const { suggestion, version, reviewer, person } = found;
    if (await this.ctx.deps.store.optedOut(person.id)) {
      return { reply: say(`${escapeText(person.name)} has turned suggested nudges off (/nudges off), so this one is not sent. A note you write yourself (/nudge ${person.id} …) still reaches them.`) };
    }
    const text = (edited ?? suggestion.draft).trim();
    if (!text) return { reply: say('The note is empty; nothing was sent.') };
    if (text.length > NUDGE_MAX) return { reply: say(`The note is ${text.length} characters; the most is ${NUDGE_MAX}. Nothing was sent.`) };
    const decided: Suggestion = { ...suggestion, status: 'sent', decidedBy: reviewer.id, decidedAt: this.ctx.now().toISOString() };
    // Decided first (compare-and-set): two leads pressing Send at once send one nudge.
    if (!(await this.ctx.deps.store.updateSuggestion(id, version, decided, this.ctx.audit(reviewer.id, 'coaching.suggestion.sent', id, `to ${person.id}`)))) {
      return { reply: say('Someone else decided on this suggestion just now.') };
    }
    const outcome = await this.nudges.send(actor, reviewer, person, text, id);
    if (!outcome.ok) {
      // Could not be sent from here (no id on this platform): the suggestion stays open.
      await this.ctx.deps.store.updateSuggestion(id, version + 1, suggestion, this.ctx.audit(reviewer.id, 'coaching.suggestion.reopened', id, 'could not be sent'));
      return { reply: say(outcome.message) };
    }
    const done: Suggestion = { ...decided, nudge: outcome.nudge.id };
    await this.ctx.deps.store.updateSuggestion(id, version + 1, done, this.ctx.audit(reviewer.id, 'coaching.suggestion.linked', id, outcome.nudge.id));
    const card = await this.updateCards(done, reviewer);
    return { update: card, reply: say(outcome.answer) };
  }

  /** **Edit & send**: the form, or (where the platform shows its field on the card) the text. */
  async editPress(actor: Actor, id: string, values: FormValues | undefined): Promise<Answer> {
    if (!values || values['text'] === undefined) {
      const found = await this.decidable(actor, id);
      if ('problem' in found) return { reply: say(found.problem) };
      return { form: editForm(found.suggestion) };
    }
    return this.send(actor, id, values['text']);
  }

  async editSubmit(actor: Actor, id: string, text: string | undefined): Promise<SubmitAnswer> {
    const body = (text ?? '').trim();
    if (!body) return { ok: false, errors: { text: 'Write the note, or close the form.' } };
    if (body.length > NUDGE_MAX) return { ok: false, errors: { text: `The note is ${body.length} characters; the most is ${NUDGE_MAX}.` } };
    const answer = await this.send(actor, id, body);
    return { ok: true, ...(answer.reply ? { reply: answer.reply } : {}) };
  }

  /** **Dismiss**: nothing is sent; every reviewer's card says so. */
  async dismiss(actor: Actor, id: string): Promise<Answer> {
    const found = await this.decidable(actor, id);
    if ('problem' in found) return { reply: say(found.problem) };
    const { suggestion, version, reviewer, person } = found;
    const done: Suggestion = { ...suggestion, status: 'dismissed', decidedBy: reviewer.id, decidedAt: this.ctx.now().toISOString() };
    if (!(await this.ctx.deps.store.updateSuggestion(id, version, done, this.ctx.audit(reviewer.id, 'coaching.suggestion.dismissed', id, `about ${person.id}`)))) {
      return { reply: say('Someone else decided on this suggestion just now.') };
    }
    const card = await this.updateCards(done, reviewer);
    return { update: card, reply: say(`Dismissed; nothing was sent to ${escapeText(person.name)}.`) };
  }

  private async updateCards(s: Suggestion, decidedBy: Person) {
    const card = suggestionCard(s, this.ctx.roster.byId(s.person), decidedBy);
    const updates: Delivery[] = [];
    for (const id of s.reviewers) {
      const reviewer = this.ctx.roster.byId(id);
      const to = reviewer && (await this.ctx.deps.reach.person(reviewer));
      if (to) updates.push({ key: `${cardKey(s.id, id)}.v2`, tenant: to.tenant, platform: to.platform, target: { kind: 'update', of: cardKey(s.id, id), version: 2 }, message: card });
    }
    await this.ctx.deps.outbox.enqueue(updates);
    return card;
  }

  /** `/nudges off` / `/nudges on` / `/nudges` (which it is). */
  async optCommand(actor: Actor, text: string): Promise<Answer> {
    const person = this.ctx.person(actor);
    if (!person) return { reply: say("You are not in Shiftlead's roster, so no nudges are suggested about you.") };
    const word = text.trim().toLowerCase();
    const { store } = this.ctx.deps;
    if (word === 'off' || word === 'on') {
      const changed = await store.setOptOut(person.id, word === 'off', this.ctx.audit(person.id, word === 'off' ? 'coaching.opted-out' : 'coaching.opted-in', person.id));
      if (word === 'off') return { reply: say(`${changed ? 'Done' : 'Already so'}: no nudges suggested from signals will reach you. Notes your lead or manager writes themselves still arrive. **/nudges on** to undo.`) };
      return { reply: say(`${changed ? 'Done' : 'Already so'}: your leads may be suggested nudges for you again (they still decide what is sent). **/nudges off** to stop them.`) };
    }
    if (word) return { reply: say(`Unknown /nudges option "${escapeText(word)}". Use **/nudges off** or **/nudges on**.`) };
    const out = await store.optedOut(person.id);
    return { reply: say(out ? 'Suggested nudges are off for you; notes your lead writes still arrive. **/nudges on** to turn them back on.' : 'Suggested nudges are on for you: your leads decide what is sent. **/nudges off** to stop them.') };
  }
}

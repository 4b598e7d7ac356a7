/**
 * The team pulse use cases: open a round (on schedule or `/pulse now`), ask each person by DM,
 * take answers (anonymously: see `PulseStore`), close the round and send managers the results,
 * and `/pulse` for managers. No log line, audit entry or delivery ever pairs a person with an answer.
 */
import { escapeText, timeToken, type Form, type FormField, type FormValues, type Message } from '../../chat/message.js';
import type { Person, PulseConfig } from '../../config/team-config-schema.js';
import { isStoreDown } from '../escalations/service.js';
import type { Actor, Answer, SubmitAnswer } from '../interactions.js';
import type { Clock, Outbox, Timers } from '../ports.js';
import type { Reach } from '../reach.js';
import type { Occurrence } from '../schedule/schedule.js';
import type { Settings } from '../settings.js';
import { say } from './poll-messages.js';
import { audience, pulseName, questionsOf, TEXT_MAX, type PulseAnswer, type PulseStore, type Question, type RoundInfo, type RoundState } from './pulse-model.js';
import { pulseResults, resultsBlocks, resultsMessage, type PulseResults } from './pulse-results.js';
import { mondayOf, quietUntil, roundClosesAt } from './pulse-schedule.js';

export const PULSE_CLOSE_TIMER = 'pulse.close';
export const PULSE_ASK_TIMER = 'pulse.ask-later';
export const ANSWER_ACTION = 'pulse.answer';
/** Timers need a tenant; pulses belong to the whole organization. */
export const ORG = 'org';
export const PULSE_USAGE = '/pulse (results, managers) · /pulse now <pulse id> · /pulse close <pulse id>';

const DOWN = 'Shiftlead could not save this right now (its database is unreachable). Nothing was recorded — please try again in a minute.';

export interface PulseDeps {
  store: PulseStore;
  outbox: Outbox;
  timers: Timers;
  clock: Clock;
  settings: Settings;
  reach: Reach;
  /** Reports a problem without naming anyone (round ids and counts only). */
  onProblem?: (error: unknown, round: string) => void;
}

function answerForm(round: RoundInfo): Form {
  const fields = round.questions.map((q, i): FormField => {
    const id = `q${i + 1}`;
    if (q.kind === 'text') return { id, label: q.text, kind: 'longText', required: false, maxLength: TEXT_MAX };
    const [low, high] = q.kind === 'enps' ? [0, 10] : [1, 5];
    const options = Array.from({ length: high - low + 1 }, (_, k) => {
      const v = low + k;
      const end = v === low ? ' (lowest)' : v === high ? ' (highest)' : '';
      return { value: String(v), label: `${v}${end}` };
    });
    return { id, label: q.text, kind: 'select', required: true, options };
  });
  return { id: ANSWER_ACTION, title: round.name, submitLabel: 'Send anonymously', fields, state: round.id };
}

/** The DM: what the pulse asks, who sees what (one line), and the button that opens the questions. */
function askMessage(round: RoundInfo): Message {
  const scale = (q: Question) => (q.kind === 'enps' ? '0–10' : q.kind === 'rating' ? '1–5' : 'optional, written');
  const list = round.questions.map((q) => `• ${escapeText(q.text)} (${scale(q)})`).join('\n');
  const text = `**${escapeText(round.name)}**: ${round.questions.length} short question${round.questions.length === 1 ? '' : 's'}, open until ${timeToken(round.closesAt)}.\n${list}`;
  const privacy = `🔒 Anonymous: your answers are stored without your name; managers see totals only once at least ${round.minResponses} people have answered, and written answers without names, times or order. Answering again replaces your answer.`;
  return {
    text: `${round.name}: ${round.questions.length} short questions, anonymous`,
    blocks: [
      { type: 'section', text },
      { type: 'context', text: privacy },
      { type: 'actions', buttons: [{ actionId: ANSWER_ACTION, label: 'Answer…', value: round.id, style: 'primary', form: answerForm(round) }] },
    ],
  };
}

/** The answer to each question, checked: scores in range, text within its length. */
function parseAnswer(round: RoundInfo, values: FormValues): { ok: true; answer: PulseAnswer } | { ok: false; errors: Record<string, string> } {
  const errors: Record<string, string> = {};
  const answer: PulseAnswer = round.questions.map((q, i) => {
    const id = `q${i + 1}`;
    const raw = (values[id] ?? '').trim();
    if (q.kind === 'text') {
      if (raw.length > TEXT_MAX) errors[id] = `That answer is ${raw.length} characters; the most is ${TEXT_MAX}.`;
      return raw || null;
    }
    const [low, high] = q.kind === 'enps' ? [0, 10] : [1, 5];
    if (!/^\d{1,2}$/.test(raw) || Number(raw) < low || Number(raw) > high) {
      errors[id] = `Pick a whole number from ${low} to ${high}.`;
      return null;
    }
    return Number(raw);
  });
  return Object.keys(errors).length > 0 ? { ok: false, errors } : { ok: true, answer };
}

export class PulseService {
  constructor(private readonly deps: PulseDeps) {}

  private get config() {
    return this.deps.settings.config;
  }

  private pulse(id: string): PulseConfig | undefined {
    return this.config.pulses.find((p) => p.id === id);
  }

  private managers(): Person[] {
    return this.config.people.filter((p) => p.role === 'manager');
  }

  private isManager(actor: Actor): boolean {
    return this.deps.settings.roster.find(actor.platform, actor.user, actor.email)?.role === 'manager';
  }

  private info(pulse: PulseConfig, id: string, opensAt: Date, closesAt: Date): RoundInfo {
    return { id, pulse: pulse.id, name: pulseName(pulse), questions: questionsOf(pulse), minResponses: pulse.minResponses, asked: audience(pulse, this.config).length, opensAt: opensAt.toISOString(), closesAt: closesAt.toISOString() };
  }

  /** Opens a round unless it is open already, with its closing timer. */
  private async open(round: RoundInfo): Promise<void> {
    if (await this.deps.store.open(round)) await this.deps.timers.schedule(`pulse-close-${round.id}`, new Date(round.closesAt), { kind: PULSE_CLOSE_TIMER, tenant: ORG, round: round.id });
  }

  /** A scheduled ask fired: open its round (the first ask of a round does), then DM the person. */
  async fire(o: Occurrence): Promise<void> {
    const pulse = this.pulse(String(o.data?.['pulse'] ?? ''));
    const round = String(o.data?.['round'] ?? '');
    const person = String(o.data?.['person'] ?? '');
    if (!pulse || !round || !person) return;
    const monday = mondayOf(o.date);
    await this.open(this.info(pulse, round, this.deps.clock.now(), roundClosesAt(pulse, this.config, monday)));
    await this.ask(round, person);
  }

  /** DMs one person the round's questions (once: the delivery key names the round and the person). */
  async ask(roundId: string, personId: string): Promise<void> {
    const round = await this.deps.store.get(roundId);
    const person = this.deps.settings.roster.byId(personId);
    if (!round || round.status !== 'open' || !person) return;
    const address = await this.deps.reach.person(person);
    if (!address) return;
    await this.deps.outbox.enqueue([{ key: `pulse.${roundId}.ask.${personId}`, tenant: address.tenant, platform: address.platform, target: { kind: 'dm', user: address.user }, message: askMessage(round), priority: 'bulk' }]);
  }

  /** `/pulse`, `/pulse now <id>`, `/pulse close <id>`. */
  async command(actor: Actor, text: string): Promise<Answer> {
    const [verb = '', id = ''] = text.trim().split(/\s+/);
    try {
      if (!verb) return await this.show(actor);
      if (!this.isManager(actor)) return { reply: say('Only managers can start or close a pulse round.') };
      const pulse = this.pulse(id);
      if (verb !== 'now' && verb !== 'close') return { reply: say(`Use ${PULSE_USAGE}.`) };
      if (!pulse) return { reply: say(id ? `There is no pulse "${escapeText(id)}". Pulses: ${this.config.pulses.map((p) => p.id).join(', ') || 'none configured'}.` : `Which pulse? ${PULSE_USAGE}.`) };
      return verb === 'now' ? await this.startNow(pulse) : await this.closeNow(pulse);
    } catch (error) {
      if (isStoreDown(error)) return { reply: say(DOWN) };
      throw error;
    }
  }

  private async openRoundOf(pulse: string): Promise<RoundState | undefined> {
    const { open } = await this.deps.store.pending();
    for (const { id } of open) {
      const round = await this.deps.store.get(id);
      if (round?.pulse === pulse && round.status === 'open') return round;
    }
    return undefined;
  }

  /** A round on demand: everyone asked now, except those in quiet hours, who are asked when theirs end. */
  private async startNow(pulse: PulseConfig): Promise<Answer> {
    const open = await this.openRoundOf(pulse.id);
    if (open) return { reply: say(`A round of ${escapeText(pulseName(pulse))} is open until ${timeToken(open.closesAt)}; it closes on its own (or /pulse close ${pulse.id}).`) };
    const now = this.deps.clock.now();
    const round = this.info(pulse, `${pulse.id}-now-${now.getTime().toString(36)}`, now, new Date(now.getTime() + pulse.openFor));
    await this.open(round);
    let later = 0;
    for (const person of audience(pulse, this.config)) {
      const until = quietUntil(now, person.timezone, this.config.quietHours);
      if (until && until.getTime() < Date.parse(round.closesAt)) {
        later += 1;
        await this.deps.timers.schedule(`pulse-ask-${round.id}-${person.id}`, until, { kind: PULSE_ASK_TIMER, tenant: ORG, round: round.id, person: person.id });
      } else if (!until) await this.ask(round.id, person.id);
    }
    const note = later > 0 ? ` (${later} in their quiet hours will be asked when those end)` : '';
    return { reply: say(`Started a round of ${escapeText(pulseName(pulse))}: ${round.asked} people asked${note}, open until ${timeToken(round.closesAt)}.`) };
  }

  private async closeNow(pulse: PulseConfig): Promise<Answer> {
    const open = await this.openRoundOf(pulse.id);
    if (!open) return { reply: say(`No round of ${escapeText(pulseName(pulse))} is open.`) };
    await this.closeRound(open.id);
    return { reply: say(`Closed the round of ${escapeText(pulseName(pulse))}; managers get the results by DM.`) };
  }

  /** The results of a round, compared with the previous closed round of its pulse. */
  async results(roundId: string): Promise<PulseResults | undefined> {
    const round = await this.deps.store.get(roundId);
    if (!round) return undefined;
    const answers = await this.deps.store.answers(roundId);
    const closed = await this.deps.store.closedRounds(round.pulse, 20);
    const at = closed.indexOf(roundId);
    const earlier = at >= 0 ? closed[at + 1] : closed[0];
    let previous: PulseResults | undefined;
    const before = earlier ? await this.deps.store.get(earlier) : undefined;
    if (before && earlier) previous = pulseResults(before, await this.deps.store.answers(earlier));
    return pulseResults(round, answers, previous);
  }

  /** `/pulse`: managers see the open round so far and the latest closed round, privately. */
  private async show(actor: Actor): Promise<Answer> {
    const pulses = this.config.pulses;
    if (!this.isManager(actor)) {
      const names = pulses.map((p) => `${escapeText(pulseName(p))} (every ${p.every === 1 ? 'week' : `${p.every} weeks`}, ${p.day} at ${p.at} your time)`).join('; ');
      return { reply: say(`Only managers see pulse results. ${names ? `Pulses: ${names}. ` : ''}Answers are anonymous: they are stored without names, and results appear only when enough people have answered.`) };
    }
    if (pulses.length === 0) return { reply: say('No pulses are configured (pulses: in the team configuration).') };
    const blocks: Message['blocks'] = [];
    for (const pulse of pulses) {
      const open = await this.openRoundOf(pulse.id);
      if (open) {
        const so = await this.results(open.id);
        if (so) blocks.push(...resultsBlocks(so, false));
      }
      const [latest] = await this.deps.store.closedRounds(pulse.id, 1);
      const last = latest ? await this.results(latest) : undefined;
      if (last) blocks.push(...resultsBlocks(last, true));
      if (!open && !last) blocks.push({ type: 'section', text: `${escapeText(pulseName(pulse))}: no rounds yet. Start one with /pulse now ${pulse.id}.` });
      blocks.push({ type: 'divider' });
    }
    blocks.pop();
    return { reply: { text: 'Pulse results', blocks } };
  }

  /** The answer button (its form's values, or the form itself when none came with it). */
  async answerPress(actor: Actor, roundId: string, values: FormValues = {}): Promise<Answer> {
    const round = await this.deps.store.get(roundId).catch((error: unknown) => (isStoreDown(error) ? null : Promise.reject(error)));
    if (round === null) return { reply: say(DOWN) };
    if (!round) return { reply: say('That pulse round is not known here.') };
    if (Object.keys(values).length === 0) return { form: answerForm(round) };
    const result = await this.submit(actor, values, roundId);
    if (result.ok) return result.reply ? { reply: result.reply } : {};
    return { reply: say(`Not saved: ${Object.entries(result.errors).map(([id, problem]) => `${round.questions[Number(id.slice(1)) - 1]?.text ?? ''} — ${problem}`).join(' ')}`) };
  }

  /** The answers came back: checked, then stored under the person's one-way marker. */
  async submit(actor: Actor, values: FormValues, roundId: string | undefined): Promise<SubmitAnswer> {
    try {
      const round = roundId ? await this.deps.store.get(roundId) : undefined;
      if (!round) return { ok: false, errors: { _form: 'That pulse round is not known here.' } };
      if (round.status !== 'open') return { ok: false, errors: { _form: `This round closed ${timeToken(round.closedAt ?? round.closesAt)}; answers are no longer taken.` } };
      const person = this.deps.settings.roster.find(actor.platform, actor.user, actor.email);
      const pulse = this.pulse(round.pulse);
      if (!person || !pulse || !audience(pulse, this.config).some((p) => p.id === person.id)) return { ok: false, errors: { _form: 'This pulse is only for the people it was sent to.' } };
      const parsed = parseAnswer(round, values);
      if (!parsed.ok) return parsed;
      const saved = await this.deps.store.answer(round.id, person.id, parsed.answer, this.deps.clock.now());
      if (saved === 'closed' || saved === 'unknown') return { ok: false, errors: { _form: 'This round has closed; answers are no longer taken.' } };
      const what = saved === 'changed' ? 'Your answer is updated' : 'Thanks — your answer is saved';
      return { ok: true, reply: say(`${what}, anonymously. You can change it until ${timeToken(round.closesAt)} by answering again.`) };
    } catch (error) {
      if (isStoreDown(error)) return { ok: false, errors: { _form: DOWN } };
      throw error;
    }
  }

  /** Closes a round (its timer, /pulse close, or upkeep) and sends every manager the results. */
  async closeRound(roundId: string): Promise<void> {
    await this.deps.store.close(roundId, this.deps.clock.now());
    const results = await this.results(roundId);
    if (!results || results.round.status !== 'closed') return;
    const message = resultsMessage(results, true);
    const deliveries = [];
    for (const manager of this.managers()) {
      const address = await this.deps.reach.person(manager);
      if (address) deliveries.push({ key: `pulse.${roundId}.results.${manager.id}`, tenant: address.tenant, platform: address.platform, target: { kind: 'dm' as const, user: address.user }, message, priority: 'bulk' as const });
    }
    await this.deps.outbox.enqueue(deliveries);
    await this.deps.store.settle(roundId);
  }

  /** Closes rounds whose timer was lost, and sends results a crash left unsent. */
  async upkeep(): Promise<void> {
    const now = this.deps.clock.now().getTime();
    const { open, unsettled } = await this.deps.store.pending();
    for (const round of open) if (round.closesAt < now - 60_000) await this.closeRound(round.id).catch((error: unknown) => this.deps.onProblem?.(error, round.id));
    for (const id of unsettled) await this.closeRound(id).catch((error: unknown) => this.deps.onProblem?.(error, id));
  }
}

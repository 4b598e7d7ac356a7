/**
 * The escalation use cases: open the form, create a record, act on it, list, and the SLA timer.
 * Every change is one compare-and-set of the record (with its audit entry), then its effects are
 * queued; a record whose effects could not be queued stays "dirty" until the reconciler re-queues
 * them, so nothing a person did is ever lost.
 */
import { z } from 'zod';
import type { FormValues, PlatformKind } from '../../chat/message.js';
import { truncate } from '../../chat/truncate.js';
import type { Actor, Answer, SourceMessage, SubmitAnswer } from '../interactions.js';
import type { AuditEntry, Clock, Drafts, MessageLinks, Outbox, Timers } from '../ports.js';
import type { Participant } from '../roster.js';
import { buttonForm, buttonKind, readButton } from './buttons.js';
import { escalationCard } from './card.js';
import { planAll, planChange, type EntryFollower, type Plan } from './effects.js';
import { escalationForm, INPUT_MAX, parseEscalation, type EscalationInput, type Prefill } from './form.js';
import { LIMITS, type Clock as DeadlineClock, type Escalation } from './model.js';
import { EscalationQueries } from './queries.js';
import type { EscalationRules } from './rules.js';
import { gate, transition, type Action } from './state-machine.js';
import { isStoreDown, STORE_DOWN, type EscalationStore, type NewEscalation } from './store.js';
import { say } from './wording.js';

export { isStoreDown, STORE_DOWN } from './store.js';

export interface EscalationDeps {
  store: EscalationStore;
  outbox: Outbox;
  timers: Timers;
  drafts: Drafts;
  links: MessageLinks;
  clock: Clock;
  /** The rules of the settings in force (rebuilt after a reload). */
  rules: () => EscalationRules;
  /** Reports effects that could not be queued (the reconciler retries them). */
  onEffectsFailed?: (error: unknown, e: Escalation) => void;
  /** Reports records whose effects the reconciler queued again. */
  onRequeued?: (tenant: string, count: number) => void;
  /** Who is on shift in a department at a moment, on a platform (undefined: no shift covers it). */
  onShift?: (department: string, platform: PlatformKind, at: Date) => Promise<Participant[] | undefined>;
  /** Other features' effects of changes (the CSAT question after a resolution). */
  followers?: EntryFollower[];
}

/** What a form carries between opening and submission. */
const FormState = z.object({
  origin: z.string().optional(),
  source: z.object({ conversation: z.string(), id: z.string(), threadRoot: z.string().optional(), link: z.string().optional() }).optional(),
  /** A draft holding the full source text, when it is longer than a form field can carry. */
  draft: z.string().optional(),
});
type FormState = z.infer<typeof FormState>;

function firstLine(text: string): string {
  return truncate(text.split('\n').find((l) => l.trim())?.trim() ?? '', 150);
}

/** What a refusal says, and that nothing changed. */
type Refused = { ok: false; message: string; code: string };

export class EscalationService {
  private readonly queries: EscalationQueries;

  constructor(private readonly deps: EscalationDeps) {
    this.queries = new EscalationQueries({ store: deps.store, links: deps.links, clock: deps.clock, rules: deps.rules, participant: (actor) => this.participant(actor) });
  }

  get rules(): EscalationRules {
    return this.deps.rules();
  }

  private participant(actor: Pick<Actor, 'platform' | 'user' | 'email'>, name?: string): Participant {
    return this.rules.roster.participant(actor.platform, actor.user, name, actor.email);
  }

  private audit(actor: Participant, type: string, subject: string, now: Date, from?: string, to?: string, detail?: string): AuditEntry {
    const entry: AuditEntry = { actor: actor.personId ?? `${actor.platform}:${actor.user}`, at: now.toISOString(), type, subject };
    if (from) entry.from = from;
    if (to) entry.to = to;
    if (detail) entry.detail = truncate(detail, 500);
    return entry;
  }

  /** Queues a change's effects, then marks the record clean. Failures leave it dirty for the reconciler. */
  private async apply(e: Escalation, plan: Plan): Promise<void> {
    try {
      await this.deps.outbox.enqueue(plan.deliveries);
      for (const t of plan.schedule) await this.deps.timers.schedule(t.id, t.at, t.payload);
      if (plan.cancel.length > 0) await this.deps.timers.cancel(plan.cancel);
      await this.deps.store.clean(e.tenant, e.id, e.version);
    } catch (error) {
      this.deps.onEffectsFailed?.(error, e);
    }
  }

  /** `/escalate [summary]`, or "Escalate message": the form, prefilled. */
  async openForm(actor: Actor, text: string, source?: SourceMessage): Promise<Answer> {
    if (text.length > LIMITS.summary) {
      return { reply: say(`That summary is ${text.length.toLocaleString('en-US')} characters; the most is ${LIMITS.summary.toLocaleString('en-US')}. Run /escalate with a shorter summary and put the rest in Details.`) };
    }
    const state: FormState = {};
    if (actor.conversation) state.origin = actor.conversation;
    let details = source?.text;
    if (source) {
      state.source = { conversation: source.conversation, id: source.id, ...(source.threadRoot ? { threadRoot: source.threadRoot } : {}), ...(source.link ? { link: source.link } : {}) };
      if (source.text.length > INPUT_MAX) {
        state.draft = await this.deps.drafts.save(actor.tenant, source.text);
        details = truncate(source.text, INPUT_MAX);
      }
    }
    const summary = text.trim() || (source ? firstLine(source.text) : undefined);
    const prefill: Prefill = { ...(summary ? { summary } : {}), ...(details ? { details } : {}) };
    // In a department's own channel, that department; and the configured severity.
    const department = this.rules.departmentOfChannel(actor.conversation, actor.platform);
    if (department) prefill.department = department.id;
    if (this.rules.defaultSeverity) prefill.severity = this.rules.defaultSeverity;
    return { form: escalationForm(this.rules, prefill, JSON.stringify(state)) };
  }

  /** The form came back: validate, then create. */
  async submit(actor: Actor, values: FormValues, rawState: string | undefined): Promise<SubmitAnswer> {
    const parsed = parseEscalation(values, this.rules);
    if (!parsed.ok) return parsed;
    let state: FormState = {};
    try {
      state = FormState.parse(rawState ? JSON.parse(rawState) : {});
    } catch {
      return { ok: false, errors: { _form: 'This form is out of date; close it and run /escalate again.' } };
    }
    const input = parsed.input;
    try {
      if (state.draft) {
        // The details field held a shortened copy of a long message; keep the whole text unless edited.
        const full = await this.deps.drafts.load(actor.tenant, state.draft);
        if (full && input.details && full.startsWith(input.details.replace(/…$/, ''))) input.details = full;
      }
      // The platform's identity of the submission is the record's source: delivered twice, it
      // makes one record (the request ledger catches most repeats before this; this catches the rest).
      await this.create(actor, input, { origin: state.origin, source: state.source, ...(actor.request ? { sourceKey: `form-${actor.request}` } : {}) });
      // The requester hears back by DM, with a link to the posted record.
      return { ok: true };
    } catch (error) {
      if (isStoreDown(error)) return { ok: false, errors: { _form: STORE_DOWN } };
      throw error;
    }
  }

  /** Creates a record from validated input; returns the new (or, for a known source, existing) id. */
  async create(actor: Actor, input: EscalationInput, where: { origin?: string | undefined; source?: FormState['source']; sourceCard?: boolean; sourceKey?: string; requesterName?: string }): Promise<{ id: string; created: boolean }> {
    const now = this.deps.clock.now();
    const requester = this.participant(actor, where.requesterName);
    const channel = this.rules.channel(input.department, actor.platform) ?? where.origin;
    const draft: NewEscalation = {
      tenant: actor.tenant,
      platform: actor.platform,
      status: 'open',
      severity: input.severity,
      department: input.department,
      customer: input.customer,
      summary: input.summary,
      requester,
      createdAt: now.toISOString(),
      updatedAt: now.toISOString(),
      cycle: 1,
      ...this.rules.deadlines(input.department, input.severity, now),
      misses: { acknowledge: 0, resolve: 0 },
      version: 1,
      history: [{ at: now.toISOString(), type: 'created', actor: requester, to: 'open' }],
      ...(input.ticketUrl ? { ticketUrl: input.ticketUrl } : {}),
      ...(input.details ? { details: input.details } : {}),
      ...(where.origin ? { origin: where.origin } : {}),
      ...(where.source ? { source: where.source } : {}),
      ...(where.sourceCard ? { sourceCard: true } : {}),
      ...(channel ? { channel } : {}),
    };
    const audit = this.audit(requester, 'escalation.created', '', now, undefined, 'open', `${input.severity} ${input.department}: ${input.summary}`);
    const result = await this.deps.store.create(actor.tenant, draft, audit, where.sourceKey);
    if (!result.created) return { id: result.existingId, created: false };
    await this.apply(result.record, planChange(undefined, result.record, this.rules, now, this.deps.followers));
    return { id: result.record.id, created: true };
  }

  /** Applies an action with compare-and-set: concurrent presses produce one transition. */
  async act(tenant: string, id: string, action: Action, actor: Participant): Promise<{ ok: true; record: Escalation } | Refused> {
    for (let attempt = 0; attempt < 5; attempt += 1) {
      const before = await this.deps.store.get(tenant, id);
      if (!before) return { ok: false, code: 'not_found', message: `There is no ${id} here.` };
      const now = this.deps.clock.now();
      const outcome = transition(before, action, actor, now, this.rules.policy());
      if (!outcome.ok) return outcome;
      const { entry } = outcome;
      const detail = entry.changes ? entry.changes.map((c) => `${c.field}: ${c.from ?? '—'} → ${c.to ?? '—'}`).join('; ') : entry.until ? `until ${entry.until}` : entry.level ? `level ${entry.level} (${entry.clock})` : entry.note;
      const audit = this.audit(actor, `escalation.${entry.type}`, id, now, before.status, outcome.record.status, detail);
      if (await this.deps.store.update(tenant, outcome.record, before.version, audit)) {
        await this.apply(outcome.record, planChange(before, outcome.record, this.rules, now, this.deps.followers));
        return { ok: true, record: outcome.record };
      }
    }
    return { ok: false, code: 'busy', message: `${id} is changing right now; try again.` };
  }

  /**
   * A button was pressed on a card. Without answers, a button that needs some is checked first
   * (refused before anything is typed) and answers with its form, prefilled from the record.
   */
  async press(actor: Actor, actionId: string, id: string, values: FormValues = {}): Promise<Answer> {
    if (actionId === 'escalation.new') return this.openForm(actor, '');
    if (actionId === 'escalation.page') return this.list(actor, id);
    const kind = buttonKind(actionId);
    if (!kind) return { reply: say(`Shiftlead does not know the button "${actionId}". Update the message with /escalations.`) };
    try {
      const record = await this.deps.store.get(actor.tenant, id);
      if (!record) return { reply: say(`There is no ${id} here.`) };
      const now = this.deps.clock.now();
      const who = this.participant(actor);
      const form = buttonForm(kind, record, this.rules, now);
      if (form && Object.keys(values).length === 0) {
        const refused = gate(record, kind, who, now, this.rules.policy());
        return refused ? { reply: say(refused.message) } : { form };
      }
      const reading = readButton(kind, values, record, this.readContext(actor, now));
      if ('errors' in reading) return { reply: say(Object.values(reading.errors).join(' ')) };
      const result = await this.act(actor.tenant, id, reading.action, who);
      return result.ok ? { update: escalationCard(result.record, this.rules, this.deps.clock.now()) } : { reply: say(result.message) };
    } catch (error) {
      if (isStoreDown(error)) return { reply: say(STORE_DOWN) };
      throw error;
    }
  }

  /** A button's form came back (a modal, a dialog): problems with the answers are shown on the form. */
  async submitButton(actor: Actor, formId: string, id: string, values: FormValues): Promise<SubmitAnswer> {
    const kind = buttonKind(formId);
    if (!kind) return { ok: false, errors: { _form: 'This form is no longer supported; close it.' } };
    try {
      const record = await this.deps.store.get(actor.tenant, id);
      if (!record) return { ok: true, reply: say(`There is no ${id} here.`) };
      const reading = readButton(kind, values, record, this.readContext(actor, this.deps.clock.now()));
      if ('errors' in reading) return { ok: false, errors: reading.errors };
      const result = await this.act(actor.tenant, id, reading.action, this.participant(actor));
      return result.ok ? { ok: true } : { ok: true, reply: say(result.message) };
    } catch (error) {
      if (isStoreDown(error)) return { ok: false, errors: { _form: STORE_DOWN } };
      throw error;
    }
  }

  private readContext(actor: Actor, now: Date) {
    return { rules: this.rules, now, participant: (user: string, name?: string) => this.participant({ platform: actor.platform, user }, name) };
  }

  /** `/escalate note ESC-3 <text>`. */
  async addNote(actor: Actor, id: string, text: string): Promise<Answer> {
    const note = text.trim();
    if (!note) return { reply: say(`Write the note after the id: /escalate note ${id} Customer called back`) };
    if (note.length > LIMITS.note) return { reply: say(`That note is ${note.length.toLocaleString('en-US')} characters; the most is ${LIMITS.note.toLocaleString('en-US')}.`) };
    try {
      const result = await this.act(actor.tenant, id, { type: 'note', text: note }, this.participant(actor));
      return { reply: say(result.ok ? `Added your note to ${id}; it is in its thread too.` : result.message) };
    } catch (error) {
      if (isStoreDown(error)) return { reply: say(STORE_DOWN) };
      throw error;
    }
  }

  /** `/escalations [filters]`. */
  list(actor: Actor, text: string): Promise<Answer> {
    return this.queries.list(actor, text);
  }

  /** `/escalate show ESC-3`. */
  show(actor: Actor, id: string): Promise<Answer> {
    return this.queries.show(actor, id);
  }

  /**
   * An SLA timer fired: record the missed reminder or the level reached (once), which tells its
   * people and schedules what comes next. Timers of an older cycle or plan change nothing.
   */
  async deadlinePassed(tenant: string, id: string, clock: DeadlineClock, cycle: number, step: { miss: number } | { level: number }, plan?: number): Promise<void> {
    const bot: Participant = { platform: 'console', user: 'shiftlead', name: 'Shiftlead' };
    const record = await this.deps.store.get(tenant, id);
    if (!record) return;
    // The people on duty are those on shift when the deadline passed (the configured ones when no shift covers it).
    const onDuty = !('level' in step) && this.rules.levels(record.department)[0]?.notify === 'onDuty';
    const notify = onDuty ? await this.deps.onShift?.(record.department, record.platform, this.deps.clock.now()) : undefined;
    const action: Action = 'level' in step ? { type: 'escalate', clock, cycle, level: step.level, plan } : { type: 'missed', clock, cycle, miss: step.miss, plan, ...(notify ? { notify } : {}) };
    await this.act(tenant, id, action, { ...bot, platform: record.platform });
  }

  /** Re-queues the effects of records whose effects were not confirmed queued. */
  async reconcile(tenant: string, olderThanMs = 30_000): Promise<number> {
    const now = this.deps.clock.now();
    const ids = await this.deps.store.dirty(tenant, olderThanMs, now);
    for (const id of ids) {
      const record = await this.deps.store.get(tenant, id);
      if (record) await this.apply(record, planAll(record, this.rules, now, this.deps.followers));
    }
    return ids.length;
  }

  /** Reconciles every tenant that has escalations. */
  async reconcileAll(): Promise<void> {
    for (const tenant of await this.deps.store.tenants()) {
      const count = await this.reconcile(tenant);
      if (count > 0) this.deps.onRequeued?.(tenant, count);
    }
  }
}

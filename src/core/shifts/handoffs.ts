/**
 * Handoffs: a structured record of what the outgoing shift leaves to the incoming one (notes,
 * watch-list, pending, and the department's open escalations attached), posted in the department's
 * channel and sent to each incoming person, who must acknowledge it. Unacknowledged
 * `acknowledgeWithin` after the incoming shift starts, the incoming people are reminded; at twice
 * that, the department's managers are told.
 */
import { z } from 'zod';
import type { Delivery } from '../../chat/delivery.js';
import { escapeText, type FormValues } from '../../chat/message.js';
import { isStoreDown, STORE_DOWN } from '../escalations/service.js';
import { InvalidTimerError, type TimerHandler } from '../feature.js';
import type { Actor, Answer, SubmitAnswer } from '../interactions.js';
import type { TimerPayload } from '../ports.js';
import type { ShiftContext } from './context.js';
import { answers, handoffCard, handoffForm, handoffWaiting } from './messages.js';
import { LIMITS, type Handoff } from './model.js';
import { instancesStarting, type ShiftInstance } from './rota.js';

const { say } = answers;

export const HANDOFF_TIMER = 'handoff.deadline';

/** What the handoff form carries: the outgoing occurrence, when it came from a prompt. */
const FormState = z.object({ shift: z.string().optional(), date: z.string().optional() });

/** How long after now a shift may start and still be "the incoming shift". */
const INCOMING_WITHIN_MS = 36 * 3600_000;

const count = (n: number) => n.toLocaleString('en-US');

export class HandoffService {
  constructor(private readonly ctx: ShiftContext) {}

  /** The department an actor most likely hands off: their shift now, else their next, else one they are on duty or manage. */
  private async departmentOf(personId: string | undefined): Promise<string | undefined> {
    if (!personId) return undefined;
    const now = this.ctx.now();
    const current = (await this.ctx.underWay(now)).find((i) => i.people.includes(personId));
    if (current) return current.shift.department;
    const next = instancesStarting(this.ctx.config, now, new Date(now.getTime() + 7 * 86_400_000), await this.ctx.overrides()).find((i) => i.people.includes(personId));
    if (next) return next.shift.department;
    return this.ctx.config.departments.find((d) => d.onDuty.includes(personId) || d.managers.includes(personId))?.id;
  }

  /** `/handoff` (the form) or `/handoff last`. */
  async command(actor: Actor, text: string): Promise<Answer> {
    const word = text.trim().toLowerCase();
    try {
      const person = this.ctx.person(actor);
      if (word === 'last' || word === 'latest') {
        const department = (await this.departmentOf(person?.id)) ?? this.ctx.config.departments[0]?.id;
        const latest = department ? await this.ctx.deps.store.latestHandoff(department) : undefined;
        if (!latest) return { reply: say(`No handoff has been written for ${escapeText(this.ctx.config.departments.find((d) => d.id === department)?.name ?? 'your department')} yet.`) };
        return { reply: handoffCard(latest, this.ctx.config, this.ctx.roster) };
      }
      if (word && word !== 'write') return { reply: say('**/handoff** opens the handoff form; **/handoff last** shows your department’s latest handoff.') };
      const current = person ? (await this.ctx.underWay()).find((i) => i.people.includes(person.id)) : undefined;
      const state = JSON.stringify(current ? { shift: current.shift.id, date: current.date } : {});
      return { form: handoffForm(this.ctx.config, current?.shift.department ?? (await this.departmentOf(person?.id)), state) };
    } catch (error) {
      if (isStoreDown(error)) return { reply: say(STORE_DOWN) };
      throw error;
    }
  }

  /** The incoming shift of a department: the next occurrence to start (soon after now), other than the outgoing one. */
  private async incoming(department: string, outgoing: { shift?: string | undefined; date?: string | undefined }): Promise<ShiftInstance | undefined> {
    const now = this.ctx.now();
    const candidates = instancesStarting(this.ctx.config, new Date(now.getTime() - 15 * 60_000), new Date(now.getTime() + INCOMING_WITHIN_MS), await this.ctx.overrides(), (s) => s.department === department);
    return candidates.find((i) => !(i.shift.id === outgoing.shift && i.date === outgoing.date) && i.people.length > 0);
  }

  /** The form came back: validate, record, post, send, set the deadlines. */
  async submit(actor: Actor, values: FormValues, rawState: string | undefined): Promise<SubmitAnswer> {
    const errors: Record<string, string> = {};
    const notes = (values['notes'] ?? '').trim();
    const watchlist = (values['watchlist'] ?? '').trim();
    const pending = (values['pending'] ?? '').trim();
    const department = (values['department'] ?? '').trim();
    if (!notes) errors['notes'] = 'Write a few notes for the next shift.';
    else if (notes.length > LIMITS.notes) errors['notes'] = `Notes are ${count(notes.length)} characters; the most is ${count(LIMITS.notes)}.`;
    if (watchlist.length > LIMITS.watchlist) errors['watchlist'] = `The watch-list is ${count(watchlist.length)} characters; the most is ${count(LIMITS.watchlist)}.`;
    if (pending.length > LIMITS.pending) errors['pending'] = `Pending is ${count(pending.length)} characters; the most is ${count(LIMITS.pending)}.`;
    if (!department) errors['department'] = 'Pick a department.';
    else if (!this.ctx.config.departments.some((d) => d.id === department)) errors['department'] = `Unknown department "${department}"; pick one of ${this.ctx.config.departments.map((d) => d.id).join(', ')}.`;
    let state: z.infer<typeof FormState> = {};
    try {
      state = FormState.parse(rawState ? JSON.parse(rawState) : {});
    } catch {
      errors['_form'] = 'This form is out of date; run /handoff again.';
    }
    if (Object.keys(errors).length > 0) return { ok: false, errors };
    try {
      const handoff = await this.create(actor, department, notes, watchlist, pending, state);
      const to = handoff.incoming ? handoff.incoming.people.map((id) => this.ctx.roster.byId(id)?.name ?? id).join(', ') : 'the managers (nobody is scheduled next)';
      return { ok: true, reply: say(`Handoff ${handoff.id} is posted in ${escapeText(this.ctx.config.departments.find((d) => d.id === department)?.name ?? department)} and sent to ${escapeText(to)}.`) };
    } catch (error) {
      if (isStoreDown(error)) return { ok: false, errors: { _form: STORE_DOWN } };
      throw error;
    }
  }

  private async create(actor: Actor, department: string, notes: string, watchlist: string, pending: string, state: z.infer<typeof FormState>): Promise<Handoff> {
    const now = this.ctx.now();
    const author = this.ctx.participant(actor);
    const incoming = await this.incoming(department, state);
    const escalations = await this.ctx.deps.openEscalations(department);
    const draft = {
      department,
      author,
      ...(state.shift && state.date ? { outgoing: { shiftId: state.shift, date: state.date } } : {}),
      ...(incoming ? { incoming: { shiftId: incoming.shift.id, date: incoming.date, start: incoming.start.toISOString(), people: incoming.people } } : {}),
      notes,
      ...(watchlist ? { watchlist } : {}),
      ...(pending ? { pending } : {}),
      escalations,
      createdAt: now.toISOString(),
      cards: [],
    };
    const handoff = await this.ctx.deps.store.createHandoff(draft, this.ctx.audit(author, 'handoff.written', '', `${department}${incoming ? ` → ${incoming.shift.id} ${incoming.date}` : ' → nobody scheduled'}`));
    const card = handoffCard(handoff, this.ctx.config, this.ctx.roster);
    const key = `org.ho.${handoff.id}`;
    const deliveries: Delivery[] = await this.ctx.toDepartment(department, `${key}.ch`, card, (platform) => `${key}.ch.${platform}`);
    if (deliveries.length === 0 && actor.conversation) {
      deliveries.push({ key: `${key}.here`, tenant: actor.tenant, platform: actor.platform, target: { kind: 'conversation', conversation: actor.conversation }, message: card, saveAs: `${key}.ch.${actor.platform}` });
    }
    const recipients = incoming ? incoming.people : this.ctx.managers(department).map((m) => m.id);
    for (const id of recipients) {
      const person = this.ctx.roster.byId(id);
      const dm = person && (await this.ctx.dm(person, `${key}.dm.${id}`, card));
      if (dm) deliveries.push({ ...dm, saveAs: `${key}.dm.${id}` });
    }
    await this.ctx.deps.outbox.enqueue(deliveries);
    const within = this.ctx.config.handoffs.acknowledgeWithin;
    if (incoming && within !== null) {
      const from = Math.max(incoming.start.getTime(), now.getTime());
      for (const [step, factor] of [['remind', 1], ['managers', 2]] as const) {
        await this.ctx.deps.timers.schedule(`${key}.${step}`, new Date(from + factor * within), { kind: HANDOFF_TIMER, tenant: 'org', id: handoff.id, step });
      }
    }
    // Where the cards went, so that an acknowledgement updates each of them in place.
    const cards = deliveries.filter((d) => d.saveAs).map((d) => ({ key: d.saveAs as string, platform: d.platform, tenant: d.tenant }));
    return this.ctx.deps.store.recordHandoffCards(handoff.id, cards, this.ctx.audit('shiftlead', 'handoff.posted', handoff.id, cards.map((c) => `${c.platform}:${c.key}`).join(' ')));
  }

  /** **Acknowledge handoff**. */
  async acknowledge(actor: Actor, id: string): Promise<Answer> {
    try {
      const handoff = await this.ctx.deps.store.getHandoff(id);
      if (!handoff) return { reply: say(`There is no handoff ${escapeText(id)}.`) };
      const person = this.ctx.person(actor);
      const incoming = handoff.incoming?.people ?? [];
      const dept = this.ctx.config.departments.find((d) => d.id === handoff.department);
      const allowed = (person && (incoming.includes(person.id) || this.ctx.isLead(person) || dept?.managers.includes(person.id))) || (incoming.length === 0 && person !== undefined);
      if (!allowed) {
        const names = incoming.map((p) => this.ctx.roster.byId(p)?.name ?? p).join(', ');
        return { reply: say(`Only the incoming shift (${escapeText(names)}) or a lead can acknowledge ${handoff.id}.`) };
      }
      const at = this.ctx.now().toISOString();
      const who = this.ctx.participant(actor);
      const result = await this.ctx.deps.store.acknowledgeHandoff(id, who, at, this.ctx.audit(who, 'handoff.acknowledged', id));
      if (result.outcome === 'missing') return { reply: say(`There is no handoff ${escapeText(id)}.`) };
      if (result.outcome === 'already') return { reply: say(`${id} was already acknowledged by ${escapeText(result.handoff.acknowledgedBy?.name ?? 'someone')}.`) };
      const card = handoffCard(result.handoff, this.ctx.config, this.ctx.roster);
      const key = `org.ho.${id}`;
      await this.ctx.deps.outbox.enqueue(result.handoff.cards.map((c) => ({ key: `${key}.ack.${c.key}`, tenant: c.tenant, platform: c.platform, target: { kind: 'update', of: c.key, version: 2 }, message: card })));
      await this.ctx.deps.timers.cancel([`${key}.remind`, `${key}.managers`]);
      return { update: card };
    } catch (error) {
      if (isStoreDown(error)) return { reply: say(STORE_DOWN) };
      throw error;
    }
  }

  /** The acknowledgement deadlines. */
  timer(): TimerHandler {
    return {
      kind: HANDOFF_TIMER,
      fire: async (payload: TimerPayload) => {
        const { id, step } = payload;
        if (typeof id !== 'string' || (step !== 'remind' && step !== 'managers')) throw new InvalidTimerError('malformed handoff deadline');
        const h = await this.ctx.deps.store.getHandoff(id);
        if (!h || h.acknowledgedAt || !h.incoming) return;
        const waited = this.ctx.now().getTime() - Date.parse(h.incoming.start);
        const key = `org.ho.${id}.${step}`;
        const to = step === 'remind' ? h.incoming.people : this.ctx.managers(h.department).map((m) => m.id);
        const deliveries: Delivery[] = [];
        for (const pid of to) {
          const person = this.ctx.roster.byId(pid);
          const dm = person && (await this.ctx.dm(person, `${key}.${pid}`, handoffWaiting(h, this.ctx.config, this.ctx.roster, step === 'remind' ? 'incoming' : 'managers', Math.max(waited, 0))));
          if (dm) deliveries.push(dm);
        }
        await this.ctx.deps.outbox.enqueue(deliveries);
      },
    };
  }
}

/**
 * Nudges a lead or manager writes (`/nudge <person> <text>`, or Send on a suggestion): a private
 * DM from Shiftlead that says who it is from, with Thanks and Reply. It goes out at the person's
 * next working moment (timing.ts) through a one-off timer with a deterministic id, so it goes out
 * once; a DM that cannot be delivered tells the sender how to fix it (the delivery's fallback).
 */
import { createHash } from 'node:crypto';
import type { Delivery } from '../../chat/delivery.js';
import { escapeText, type FormValues, type Message } from '../../chat/message.js';
import type { Person } from '../../config/team-config-schema.js';
import { InvalidTimerError, type TimerHandler } from '../feature.js';
import type { Actor, Answer, SubmitAnswer } from '../interactions.js';
import { Reach } from '../reach.js';
import { localMoment } from '../schedule/local-time.js';
import type { CoachingContext } from './context.js';
import { dmVersion, noPlatformId, nudgeDm, preview, replyDm, replyForm, say, thankedDm, undeliverableDm } from './messages.js';
import { NUDGE_MAX, type Nudge } from './model.js';
import { nextWorkingMoment, whenItArrives } from './timing.js';

export const DELIVER_TIMER = 'coaching.deliver';
export const NUDGE_USAGE = '<person> <text>  a private note to someone on your team, at their next working moment · /nudge list';
const LIST_DAYS = 30;
const count = (n: number) => n.toLocaleString('en-US');

/** The outbox key (and saved message key) of a nudge's DM. */
export const nudgeKey = (id: string) => `org.nudge.${id}`;
const timerId = (n: Pick<Nudge, 'id' | 'plan'>) => `v1-nudge-${n.id}-p${n.plan}`;

export type Outcome = { ok: true; nudge: Nudge; answer: string } | { ok: false; message: string };

export class NudgeService {
  constructor(private readonly ctx: CoachingContext) {}

  /** `/nudge <person> <text>` or `/nudge list`. */
  async command(actor: Actor, text: string): Promise<Answer> {
    const sender = this.ctx.person(actor);
    if (!sender) return { reply: say("You are not in Shiftlead's roster, so you cannot send nudges. Ask a manager to add you to the team configuration.") };
    if (!this.ctx.isLead(sender)) return { reply: say('Only leads and managers can send nudges. To thank someone, try /kudos.') };
    const trimmed = text.trim();
    const words = trimmed.split(/\s+/);
    const first = words[0] ?? '';
    if (first.toLowerCase() === 'list' && words.length === 1) return { reply: await this.list(sender) };
    if (!first) return { reply: say(`Send a nudge with **/nudge ${escapeText(NUDGE_USAGE)}**, e.g. /nudge caro Great handling of the Acme outage today.`) };
    const named = this.ctx.roster.leading(trimmed);
    if (!named.person) return { reply: say(`No one called "${escapeText(named.unknown)}" in the roster. People: ${this.ctx.roster.people.map((p) => p.id).join(', ')}. Nothing was sent.`) };
    const [person, body] = [named.person, named.rest];
    const outcome = await this.send(actor, sender, person, body);
    return { reply: say(outcome.ok ? outcome.answer : outcome.message) };
  }

  /** Checks and sends (or holds) a nudge from `sender` to `person` on the actor's platform. */
  async send(actor: Actor, sender: Person, person: Person, rawText: string, suggestion?: string): Promise<Outcome> {
    const text = rawText.trim();
    if (person.id === sender.id) return { ok: false, message: 'You cannot nudge yourself. Nothing was sent.' };
    if (!text) return { ok: false, message: `Write what the note says: /nudge ${person.id} followed by your text. Nothing was sent.` };
    if (text.length > NUDGE_MAX) return { ok: false, message: `Your note is ${count(text.length)} characters; the most is ${count(NUDGE_MAX)}. Shorten it and send it again. Nothing was sent.` };
    const user = Reach.userOn(person, actor.platform);
    if (!user) return { ok: false, message: noPlatformId(person, actor.platform) };
    const now = this.ctx.now();
    // The same note to the same person within a minute is a repeated request (a retry, a double Enter): sent once.
    const repeated = (await this.ctx.deps.store.sentBy(sender.id, new Date(now.getTime() - 60_000))).find((n) => n.to === person.id && n.text === text);
    if (repeated) return { ok: true, nudge: repeated, answer: `You sent this note to ${escapeText(person.name)} a moment ago; it goes once. /nudge list shows it.` };
    const moment = nextWorkingMoment(this.ctx.config, person, now, await this.ctx.deps.overrides());
    const held = moment.at.getTime() > now.getTime();
    const nudge = await this.ctx.deps.store.createNudge(
      {
        from: sender.id,
        sender: { platform: actor.platform, tenant: actor.tenant, user: actor.user },
        to: person.id,
        target: { platform: actor.platform, tenant: actor.tenant, user },
        text,
        createdAt: now.toISOString(),
        dueAt: moment.at.toISOString(),
        status: 'held',
        plan: 1,
        replies: 0,
        ...(suggestion ? { suggestion } : {}),
      },
      this.ctx.audit(sender.id, 'nudge.sent', '', `to ${person.id}${held ? `, held until ${moment.at.toISOString()}` : ''}${suggestion ? `, from ${suggestion}` : ''}`),
    );
    if (held) {
      await this.ctx.deps.timers.schedule(timerId(nudge), moment.at, { kind: DELIVER_TIMER, tenant: 'org', id: nudge.id, plan: nudge.plan });
      return { ok: true, nudge, answer: `🕓 Your note to ${escapeText(person.name)} is held: ${escapeText(whenItArrives(moment, person, now))}. /nudge list shows when it is delivered.` };
    }
    await this.release(nudge);
    return { ok: true, nudge, answer: `✅ Your note to ${escapeText(person.name)} is on its way (they are ${moment.reason === 'on-shift' ? 'on shift' : 'not on the rota and outside quiet hours'}). Only they see it; /nudge list shows when it is delivered.` };
  }

  /** Puts a due nudge in the outbox (once: the delivery key is the nudge's) and records it as sent. */
  private async release(nudge: Nudge): Promise<void> {
    const { store, outbox } = this.ctx.deps;
    const person = this.ctx.roster.byId(nudge.to);
    const sender = this.ctx.roster.byId(nudge.from);
    const dm = nudgeDm(nudge, sender, person?.timezone ?? this.ctx.config.organization.timezone);
    const fallback = person ? [{ key: `${nudgeKey(nudge.id)}.undeliverable`, tenant: nudge.sender.tenant, platform: nudge.sender.platform, target: { kind: 'dm' as const, user: nudge.sender.user }, message: undeliverableDm(nudge, person) }] : [];
    const delivery: Delivery = { key: nudgeKey(nudge.id), tenant: nudge.target.tenant, platform: nudge.target.platform, target: { kind: 'dm', user: nudge.target.user }, message: dm, saveAs: nudgeKey(nudge.id), priority: 'bulk', ...(fallback.length > 0 ? { fallback } : {}) };
    await outbox.enqueue([delivery]);
    const at = this.ctx.now();
    await store.markSent(nudge.to, nudge.id, at);
    await this.change(nudge.id, (n) => (n.status === 'held' ? { ...n, status: 'sent', sentAt: at.toISOString() } : undefined), 'nudge.released', `to ${nudge.to}`);
  }

  /** Applies a change with compare-and-set; `undefined` from `change` means nothing to do. */
  private async change(id: string, change: (n: Nudge) => Nudge | undefined, type: string, detail?: string, actor = 'shiftlead'): Promise<Nudge | undefined> {
    for (let attempt = 0; attempt < 5; attempt += 1) {
      const found = await this.ctx.deps.store.getNudge(id);
      if (!found) return undefined;
      const next = change(found.record);
      if (!next) return found.record;
      if (await this.ctx.deps.store.updateNudge(id, found.version, next, this.ctx.audit(actor, type, id, detail))) return next;
    }
    throw new Error(`nudge ${id} kept changing; try again`);
  }

  /** The delivery timer: at the working moment, release it (or wait again if the rota moved). */
  timer(): TimerHandler {
    return {
      kind: DELIVER_TIMER,
      fire: async (payload) => {
        const { id, plan } = payload;
        if (typeof id !== 'string' || typeof plan !== 'number') throw new InvalidTimerError('malformed nudge delivery timer');
        const found = await this.ctx.deps.store.getNudge(id);
        if (!found || found.record.status !== 'held' || found.record.plan !== plan) return;
        await this.due(found.record);
      },
    };
  }

  private async due(nudge: Nudge): Promise<void> {
    const person = this.ctx.roster.byId(nudge.to);
    const now = this.ctx.now();
    const moment = person ? nextWorkingMoment(this.ctx.config, person, now, await this.ctx.deps.overrides()) : { at: now };
    // A shift moved (cover, an assignment) since it was held: wait for the new working moment.
    if (moment.at.getTime() - now.getTime() > 60_000) {
      const next = await this.change(nudge.id, (n) => (n.status === 'held' && n.plan === nudge.plan ? { ...n, plan: n.plan + 1, dueAt: moment.at.toISOString() } : undefined), 'nudge.held', `until ${moment.at.toISOString()}`);
      if (next && next.plan !== nudge.plan) await this.ctx.deps.timers.schedule(timerId(next), moment.at, { kind: DELIVER_TIMER, tenant: 'org', id: next.id, plan: next.plan });
      return;
    }
    await this.release(nudge);
  }

  /** Upkeep: a held nudge whose timer was lost (Redis restored from a backup) is planned again; one past due goes out. */
  async upkeep(): Promise<void> {
    const now = this.ctx.now().getTime();
    for (const n of await this.ctx.deps.store.held()) {
      if (Date.parse(n.dueAt) < now - 5 * 60_000) await this.due(n);
      else await this.ctx.deps.timers.schedule(timerId(n), new Date(n.dueAt), { kind: DELIVER_TIMER, tenant: 'org', id: n.id, plan: n.plan });
    }
  }

  /** The nudge a button or form names, when the actor is its person. */
  private async mine(actor: Actor, id: string): Promise<{ nudge: Nudge; person: Person } | { problem: Message }> {
    if (!/^N-\d+$/.test(id)) return { problem: say('This button is out of date.') };
    const found = await this.ctx.deps.store.getNudge(id);
    const person = this.ctx.person(actor);
    if (!found) return { problem: say('This note is no longer known to Shiftlead.') };
    if (!person || person.id !== found.record.to) return { problem: say('This note is not for you.') };
    return { nudge: found.record, person };
  }

  private tellSender(nudge: Nudge, key: string, message: Message): Delivery {
    return { key, tenant: nudge.sender.tenant, platform: nudge.sender.platform, target: { kind: 'dm', user: nudge.sender.user }, message, priority: 'bulk' };
  }

  /** The recipient's DM, replaced in place (where the platform's answer does not replace it already). */
  private updateDm(nudge: Nudge, message: Message): Delivery {
    const version = dmVersion(nudge);
    return { key: `${nudgeKey(nudge.id)}.v${version}`, tenant: nudge.target.tenant, platform: nudge.target.platform, target: { kind: 'update', of: nudgeKey(nudge.id), version }, message };
  }

  /** **Thanks**: recorded as acknowledged; the sender hears it. */
  async thanks(actor: Actor, id: string): Promise<Answer> {
    const mine = await this.mine(actor, id);
    if ('problem' in mine) return { reply: mine.problem };
    const at = this.ctx.now().toISOString();
    const before = mine.nudge.status;
    const nudge = await this.change(id, (n) => (n.status === 'sent' || n.status === 'held' ? { ...n, status: 'thanked', acknowledgedAt: at } : undefined), 'nudge.thanked', undefined, mine.person.id);
    if (!nudge) return { reply: say('This note is no longer known to Shiftlead.') };
    const sender = this.ctx.roster.byId(nudge.from);
    const dm = nudgeDm(nudge, sender, mine.person.timezone);
    if (before === 'sent' || before === 'held') await this.ctx.deps.outbox.enqueue([this.tellSender(nudge, `${nudgeKey(id)}.thanks`, thankedDm(nudge, mine.person, sender?.timezone ?? mine.person.timezone)), this.updateDm(nudge, dm)]);
    return { update: dm, reply: say(before === 'sent' || before === 'held' ? `Thanks sent to ${escapeText(sender?.name ?? nudge.from)}.` : 'You already answered this note.') };
  }

  /** **Reply**: the form, or (where the platform shows its field on the card) the answer. */
  async replyPress(actor: Actor, id: string, values: FormValues | undefined): Promise<Answer> {
    if (!values || values['reply'] === undefined) {
      const mine = await this.mine(actor, id);
      if ('problem' in mine) return { reply: mine.problem };
      return { form: replyForm(mine.nudge, this.ctx.roster.byId(mine.nudge.from)?.name ?? 'your lead') };
    }
    const result = await this.reply(actor, id, values['reply']);
    return result.ok ? { reply: result.reply } : { reply: say(Object.values(result.errors).join(' ')) };
  }

  /** The reply form came back: the answer goes to the sender only (its text is not audited). */
  async reply(actor: Actor, id: string, raw: string | undefined): Promise<SubmitAnswer & { reply?: Message }> {
    const text = (raw ?? '').trim();
    if (!text) return { ok: false, errors: { reply: 'Write a reply, or close the form.' } };
    if (text.length > NUDGE_MAX) return { ok: false, errors: { reply: `Your reply is ${count(text.length)} characters; the most is ${count(NUDGE_MAX)}.` } };
    const mine = await this.mine(actor, id);
    if ('problem' in mine) return { ok: false, errors: { _form: mine.problem.text } };
    const at = this.ctx.now().toISOString();
    // Keyed by the reply's content: the same reply submitted twice (a retried request) goes once.
    const digest = createHash('sha256').update(text).digest('hex').slice(0, 16);
    const nudge = await this.change(id, (n) => (n.lastReply === digest ? undefined : { ...n, status: 'replied', replies: n.replies + 1, acknowledgedAt: n.acknowledgedAt ?? at, lastReply: digest }), 'nudge.replied', undefined, mine.person.id);
    if (!nudge) return { ok: false, errors: { _form: 'This note is no longer known to Shiftlead.' } };
    const sender = this.ctx.roster.byId(nudge.from);
    await this.ctx.deps.outbox.enqueue([this.tellSender(nudge, `${nudgeKey(id)}.reply.${digest}`, replyDm(nudge, mine.person, text, sender?.timezone ?? mine.person.timezone)), this.updateDm(nudge, nudgeDm(nudge, sender, mine.person.timezone))]);
    return { ok: true, reply: say(`Your reply went to ${escapeText(sender?.name ?? nudge.from)}, privately.`) };
  }

  /** `/nudge list`: what the sender sent in the last 30 days, delivered or not, acknowledged or not. */
  async list(sender: Person): Promise<Message> {
    const now = this.ctx.now();
    const sent = await this.ctx.deps.store.sentBy(sender.id, new Date(now.getTime() - LIST_DAYS * 86_400_000));
    if (sent.length === 0) return say(`You have sent no nudges in the last ${LIST_DAYS} days.`);
    const lines = await Promise.all(
      sent.slice(0, 30).map(async (n) => {
        const to = escapeText(this.ctx.roster.byId(n.to)?.name ?? n.to);
        const status = await this.status(n, sender.timezone);
        return `• ${localMoment(new Date(n.createdAt), sender.timezone)} → **${to}**: “${preview(n.text, 60)}” — ${status}`;
      }),
    );
    const more = sent.length > 30 ? `\n…and ${sent.length - 30} older.` : '';
    return { text: `Your nudges, last ${LIST_DAYS} days`, blocks: [{ type: 'section', text: `**Your nudges, last ${LIST_DAYS} days** (your time)` }, { type: 'section', text: lines.join('\n') + more }] };
  }

  private async status(n: Nudge, zone: string): Promise<string> {
    if (n.status === 'held') return `held until ${localMoment(new Date(n.dueAt), zone)}`;
    const delivery = await this.ctx.deps.deliveries.status(n.target.tenant, nudgeKey(n.id));
    const delivered = delivery === 'failed' ? 'not delivered (they cannot be reached by DM)' : delivery === 'delivered' || n.status !== 'sent' ? 'delivered' : 'sent';
    if (n.status === 'thanked') return `${delivered} · acknowledged (thanks)`;
    if (n.status === 'replied') return `${delivered} · acknowledged (replied)`;
    return `${delivered} · not acknowledged yet`;
  }
}

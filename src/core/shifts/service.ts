/**
 * Who works when, at run time: `/shift` (who is on now, your next shifts), asking for cover and
 * taking it (the first press wins), and assignments by leads and managers. Every change is stored
 * with its audit entry, and the schedules are replanned so reminders follow the people.
 */
import { escapeText, type Message } from '../../chat/message.js';
import type { Person, ShiftConfig } from '../../config/team-config-schema.js';
import type { Actor, Answer } from '../interactions.js';
import { isStoreDown, STORE_DOWN } from '../escalations/service.js';
import { localMoment } from '../schedule/local-time.js';
import type { ShiftContext } from './context.js';
import { answers, coverCard, departmentOf, overview, span } from './messages.js';
import { nextInstancesFor, resolveDate, scheduledPeople, type ShiftInstance } from './rota.js';

const { say } = answers;

const USAGE = say('Shifts: **/shift** shows who is on now and your next shifts; **/shift cover <shift> <date>** asks for cover; leads and managers: **/shift assign <person> <shift> <date>**. Dates: YYYY-MM-DD, today, tomorrow or a weekday.');

/** What a changed occurrence is, for the messages about it. */
function when(instance: ShiftInstance): string {
  return `${localMoment(instance.start, instance.zone)} (${instance.zone})`;
}

export class ShiftService {
  constructor(private readonly ctx: ShiftContext) {}

  /** `/shift [cover|assign …]`. */
  async command(actor: Actor, text: string): Promise<Answer> {
    const [word = '', ...rest] = text.trim().split(/\s+/).filter(Boolean);
    try {
      switch (word.toLowerCase()) {
        case '':
        case 'now':
        case 'list':
          return { reply: await this.show(actor) };
        case 'cover':
          return { reply: await this.askCover(actor, rest) };
        case 'assign':
          return { reply: await this.assign(actor, rest) };
        case 'help':
          return { reply: USAGE };
        default:
          return { reply: say(`Unknown /shift option "${escapeText(word)}". ${USAGE.text}`) };
      }
    } catch (error) {
      if (isStoreDown(error)) return { reply: say(STORE_DOWN) };
      throw error;
    }
  }

  private async show(actor: Actor): Promise<Message> {
    const { config, roster } = this.ctx;
    const person = this.ctx.person(actor);
    const at = this.ctx.now();
    const overrides = await this.ctx.overrides();
    const now = await this.ctx.underWay(at);
    const mine = person ? nextInstancesFor(config, person.id, at, 5, overrides) : undefined;
    return overview(config, roster, now, mine, person, at);
  }

  private findShift(word: string | undefined): ShiftConfig | undefined {
    if (!word) return undefined;
    const w = word.toLowerCase();
    return this.ctx.config.shifts.find((s) => s.id === w || s.name.toLowerCase() === w);
  }

  private shiftList(): string {
    const shifts = this.ctx.config.shifts;
    return shifts.length > 0 ? shifts.map((s) => `${s.id} (${escapeText(s.name)})`).join(', ') : 'none are configured';
  }

  /** Parses `<shift> <date>` into an occurrence that has not started, or says what is wrong. */
  private async occurrence(shiftWord: string | undefined, dateWord: string | undefined): Promise<ShiftInstance | Message> {
    const shift = this.findShift(shiftWord);
    if (!shift) return say(shiftWord ? `There is no shift "${escapeText(shiftWord)}". Shifts: ${this.shiftList()}.` : `Which shift? Shifts: ${this.shiftList()}.`);
    const now = this.ctx.now();
    const date = dateWord ? resolveDate(dateWord, shift, this.ctx.config, now) : undefined;
    if (!date) return say(`${dateWord ? `"${escapeText(dateWord)}" is not a date` : 'Which date?'} Use YYYY-MM-DD, today, tomorrow or a weekday.`);
    const instance = await this.ctx.instance(shift.id, date);
    if (!instance) return say(`${escapeText(shift.name)} does not run on ${date} (it runs ${shift.days.join(', ')}).`);
    if (instance.start <= now) return say(`${escapeText(shift.name)} on ${when(instance)} has already ${instance.end <= now ? 'ended' : 'started'}; only shifts that have not started can change.`);
    return instance;
  }

  private async askCover(actor: Actor, args: string[]): Promise<Message> {
    const person = this.ctx.person(actor);
    if (!person) return answers.notInRoster(actor.platform);
    if (args.length < 2) return say('Ask for cover with **/shift cover <shift> <date>**, e.g. /shift cover early 2026-12-07.');
    const instance = await this.occurrence(args[0], args.slice(1).join(' '));
    if (!('shift' in instance)) return instance;
    if (!instance.people.includes(person.id)) {
      return say(`You are not on ${escapeText(instance.shift.name)} on ${when(instance)} (${escapeText(instance.people.map((id) => this.ctx.roster.byId(id)?.name ?? id).join(', ') || 'nobody')} is).`);
    }
    const request = await this.ctx.deps.store.createCover({ shiftId: instance.shift.id, date: instance.date, requester: person.id, createdAt: this.ctx.now().toISOString() }, this.ctx.audit(this.ctx.participant(actor), 'shift.cover_requested', `${instance.shift.id}/${instance.date}`));
    const card = coverCard(request, instance, this.ctx.config, this.ctx.roster);
    const key = `org.cover.${request.id}`;
    let posts = await this.ctx.toDepartment(instance.shift.department, key, card, (platform) => `${key}.card.${platform}`);
    if (posts.length === 0 && actor.conversation) {
      // The department has no channel we can reach: ask where the person asked.
      posts = [{ key: `${key}.here`, tenant: actor.tenant, platform: actor.platform, target: { kind: 'conversation', conversation: actor.conversation }, message: card, saveAs: `${key}.card.${actor.platform}` }];
    }
    await this.ctx.deps.outbox.enqueue(posts);
    const where = departmentOf(this.ctx.config, instance.shift.department)?.name ?? instance.shift.department;
    return say(`Asked ${escapeText(where)} to cover your ${escapeText(instance.shift.name)} shift on ${when(instance)} (${request.id}). You'll hear when someone takes it.`);
  }

  /** **I'll take it** on a cover request. */
  async take(actor: Actor, id: string): Promise<Answer> {
    const person = this.ctx.person(actor);
    if (!person) return { reply: answers.notInRoster(actor.platform) };
    const request = await this.ctx.deps.store.getCover(id);
    if (!request) return { reply: say(`There is no cover request ${escapeText(id)}.`) };
    const instance = await this.ctx.instance(request.shiftId, request.date);
    if (!instance) return { reply: say(`The shift of ${request.id} is no longer in the rota.`) };
    if (request.takenBy) return { reply: say(`${this.name(request.takenBy)} already took this shift.`) };
    if (request.requester === person.id) return { reply: say('This is your own request; someone else needs to take it.') };
    if (instance.start <= this.ctx.now()) return { reply: say(`Too late: ${escapeText(instance.shift.name)} on ${when(instance)} has already started.`) };
    if (instance.people.includes(person.id)) return { reply: say(`You already work ${escapeText(instance.shift.name)} on ${when(instance)}.`) };
    const taken = await this.ctx.deps.store.takeCover(id, person.id, this.ctx.now().toISOString(), scheduledPeople(instance.shift, instance.date), this.ctx.audit(this.ctx.participant(actor), 'shift.cover_taken', `${request.shiftId}/${request.date}`, `${request.id}: ${request.requester} → ${person.id}`));
    if (taken.outcome === 'missing') return { reply: say(`There is no cover request ${escapeText(id)}.`) };
    if (taken.outcome === 'already') return { reply: say(`${this.name(taken.request.takenBy ?? '')} already took this shift.`) };
    const card = coverCard(taken.request, instance, this.ctx.config, this.ctx.roster);
    const key = `org.cover.${request.id}`;
    const platforms = this.ctx.config.departments.find((d) => d.id === instance.shift.department)?.channels ?? {};
    const updates = (await this.ctx.deps.reach.channels(platforms)).map((c) => ({ key: `${key}.v2.${c.platform}`, tenant: c.tenant, platform: c.platform, target: { kind: 'update' as const, of: `${key}.card.${c.platform}`, version: 2 }, message: card }));
    if (!updates.some((u) => u.platform === actor.platform)) {
      updates.push({ key: `${key}.v2.${actor.platform}`, tenant: actor.tenant, platform: actor.platform, target: { kind: 'update', of: `${key}.card.${actor.platform}`, version: 2 }, message: card });
    }
    const notes = await this.tell(
      [request.requester, ...this.ctx.managers(instance.shift.department).map((m) => m.id)],
      `${key}.taken`,
      (reader) => say(`🔁 ${escapeText(person.name)} will cover ${reader.id === request.requester ? 'your' : `${escapeText(this.name(request.requester))}'s`} **${escapeText(instance.shift.name)}** shift on ${span(instance, reader.timezone)} (your time).`),
    );
    await this.ctx.deps.outbox.enqueue([...updates, ...notes]);
    await this.ctx.deps.replan();
    return { update: card, reply: say(`Thanks! You now work ${escapeText(instance.shift.name)} on ${span(instance, person.timezone)} your time. You'll get its reminders.`) };
  }

  private async assign(actor: Actor, args: string[]): Promise<Message> {
    const lead = this.ctx.person(actor);
    if (!this.ctx.isLead(lead)) return say('Only leads and managers can assign shifts. To swap one of yours, ask for cover: /shift cover <shift> <date>.');
    if (args.length < 3) return say('Assign with **/shift assign <person> <shift> <date>**, e.g. /shift assign caro early tomorrow.');
    const dateWord = args[args.length - 1];
    const shiftWord = args[args.length - 2];
    const who = args.slice(0, -2).join(' ').replace(/^@/, '');
    const person = this.ctx.roster.named(who);
    if (!person) return say(`No one called "${escapeText(who)}" in the roster. People: ${this.ctx.roster.people.map((p) => p.id).join(', ')}.`);
    const instance = await this.occurrence(shiftWord, dateWord);
    if (!('shift' in instance)) return instance;
    if (instance.people.includes(person.id)) return say(`${escapeText(person.name)} already works ${escapeText(instance.shift.name)} on ${when(instance)}.`);
    // A rotation puts one person on each turn: the assignment replaces them. Otherwise it adds.
    const replaced = instance.shift.rotation ? instance.people : [];
    const people = instance.shift.rotation ? [person.id] : [...instance.people, person.id];
    const by = this.ctx.participant(actor);
    await this.ctx.deps.store.setOverride(instance.shift.id, instance.date, people, this.ctx.audit(by, 'shift.assigned', `${instance.shift.id}/${instance.date}`, `${person.id}${replaced.length > 0 ? ` instead of ${replaced.join(', ')}` : ''}`));
    const key = `org.assign.${instance.shift.id}.${instance.date.replace(/-/g, '')}.${person.id}.${this.ctx.now().getTime()}`;
    const notes = await this.tell([person.id, ...replaced], key, (reader) =>
      say(
        reader.id === person.id
          ? `📅 ${escapeText(by.name)} assigned you **${escapeText(instance.shift.name)}** on ${span(instance, reader.timezone)} (your time).`
          : `📅 ${escapeText(by.name)} moved **${escapeText(instance.shift.name)}** on ${span(instance, reader.timezone)} (your time) to ${escapeText(person.name)}: you are off that shift.`,
      ),
    );
    await this.ctx.deps.outbox.enqueue(notes);
    await this.ctx.deps.replan();
    const instead = replaced.length > 0 ? ` instead of ${escapeText(replaced.map((id) => this.name(id)).join(', '))}` : '';
    return say(`${escapeText(person.name)} now works ${escapeText(instance.shift.name)} on ${when(instance)}${instead}. Reminders follow the change.`);
  }

  private name(id: string): string {
    return this.ctx.roster.byId(id)?.name ?? id;
  }

  /** DMs to roster people (each in their own words), deduplicated. */
  private async tell(ids: string[], key: string, message: (reader: Person) => Message) {
    const out = [];
    for (const id of new Set(ids)) {
      const reader = this.ctx.roster.byId(id);
      const d = reader && (await this.ctx.dm(reader, `${key}.${id}`, message(reader)));
      if (d) out.push(d);
    }
    return out;
  }
}

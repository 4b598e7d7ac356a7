/**
 * Kudos: `/kudos <person> <what for>` posts a short public thank-you where it was given (or in
 * `kudos.channel`) and DMs the person. At most `kudos.maxPerDay` given per person per day (their
 * own day), never to yourself; a request delivered twice counts once. Each kudos is audited and
 * counted for the receiver, for the managers' weekly summary.
 */
import { createHash } from 'node:crypto';
import type { Delivery } from '../../chat/delivery.js';
import { escapeText, PlatformKind, type Message } from '../../chat/message.js';
import type { Person } from '../../config/team-config-schema.js';
import type { Actor, Answer } from '../interactions.js';
import { Mentions } from '../mentions.js';
import { InvalidTimerError } from '../feature.js';
import type { Clock, Outbox, TimerPayload, Timers } from '../ports.js';
import { quietUntil } from '../polls/pulse-schedule.js';
import { Reach } from '../reach.js';
import { localClock, localDate } from '../schedule/local-time.js';
import type { Settings } from '../settings.js';
import { KUDOS_MAX_TEXT, parseKudos } from './parse.js';
import type { KudosStore } from './ports.js';

/** A second identical kudos (same giver, person and text) within this long is the same request delivered twice. */
export const DUPLICATE_WINDOW_MS = 60_000;

export const KUDOS_USAGE = '<person> <what for>  a public thank-you (and a DM to them)';

const PLATFORM_NAME: Record<PlatformKind, string> = { slack: 'Slack', teams: 'Microsoft Teams', console: 'console' };
const ROSTER_FIELD: Record<PlatformKind, string> = { slack: 'slack: U0123ABCD (their Slack member id)', teams: 'teams: <their Microsoft Entra object id>', console: 'an id' };

const HOW_TO_FIX: Record<PlatformKind, string> = {
  slack: 'check that their Slack member id in the team configuration is right and that they have not blocked Shiftlead',
  teams: 'install Shiftlead for them (Teams admin center → Manage apps → Shiftlead → Install for users), or ask them to open Shiftlead in Teams once',
  console: 'check the roster',
};

const say = (text: string): Message => ({ text, blocks: [{ type: 'section', text }] });
const answer = (text: string): Answer => ({ reply: say(text) });

/** A direct chat rather than a channel: a Slack DM (`D…`) or a Teams chat that is not a channel (`19:…`). */
function isPrivateChat(platform: PlatformKind, conversation: string): boolean {
  if (platform === 'slack') return conversation.startsWith('D');
  if (platform === 'teams') return !conversation.startsWith('19:');
  return false;
}

export interface KudosDeps {
  settings: Settings;
  store: KudosStore;
  outbox: Outbox;
  /** Holds a DM until the person's quiet hours end. */
  timers: Timers;
  clock: Clock;
}

/** The timer that delivers a kudos DM held by the person's quiet hours. */
export const KUDOS_DM_TIMER = 'kudos.dm';

export class KudosService {
  constructor(private readonly deps: KudosDeps) {}

  private usage(): string {
    const example = this.deps.settings.roster.people[0]?.id ?? 'ben';
    return `Give kudos with **/kudos <person> <what for>**, e.g. /kudos ${example} for untangling the Acme refund.`;
  }

  async give(actor: Actor, text: string): Promise<Answer> {
    const { settings, clock } = this.deps;
    const roster = settings.roster;
    const giver = actor.personId ? roster.byId(actor.personId) : roster.find(actor.platform, actor.user, actor.email);
    if (!giver) return answer(`You are not in Shiftlead's roster yet, so you cannot give kudos. Ask a manager to add your ${PLATFORM_NAME[actor.platform]} id to the team configuration.`);
    const args = parseKudos(text, roster);
    if (!args.ok) {
      if (args.problem === 'empty') return answer(this.usage());
      const people = roster.people.slice(0, 20).map((p) => p.id).join(', ');
      return answer(`No one called "${escapeText(args.word)}" in the roster. Name them by mention, id or name (people: ${people}${roster.people.length > 20 ? ', …' : ''}). ${this.usage()}`);
    }
    const { person } = args;
    const thanks = args.text.trim();
    if (person.id === giver.id) return answer('You cannot give yourself kudos. Thank someone else for something they did!');
    if (!thanks) return answer(`Say what the kudos is for: /kudos ${person.id} for …`);
    if (thanks.length > KUDOS_MAX_TEXT) return answer(`That is ${thanks.length} characters; kudos are short (at most ${KUDOS_MAX_TEXT}). Nothing was posted.`);
    const user = Reach.userOn(person, actor.platform);
    if (!user) {
      return answer(`${escapeText(person.name)} has no ${PLATFORM_NAME[actor.platform]} id in Shiftlead's team configuration, so they cannot be thanked here. Ask a manager to add it under people → ${person.id} (${ROSTER_FIELD[actor.platform]}). Nothing was posted.`);
    }
    const kudos = settings.config.kudos;
    const conversation = kudos.channel?.[actor.platform] ?? actor.conversation;
    if (!conversation || isPrivateChat(actor.platform, conversation)) {
      return answer('Kudos are a public thank-you: give them in a channel, or ask a manager to set kudos.channel in the team configuration so that they can be given from anywhere. Nothing was posted.');
    }

    const now = clock.now();
    const fingerprint = createHash('sha1').update(`${person.id}\n${thanks.replace(/\s+/g, ' ')}`).digest('hex').slice(0, 20);
    const given = await this.deps.store.give(
      { from: giver.id, to: person.id, giverDate: localDate(now, giver.timezone), fingerprint, at: now, maxPerDay: kudos.maxPerDay, duplicateWindowMs: DUPLICATE_WINDOW_MS },
      { actor: giver.id, at: now.toISOString(), type: 'kudos.given', subject: '', to: person.id, detail: `${actor.platform} ${conversation}` },
    );
    if (given.outcome === 'limit') {
      return answer(`You have given ${given.count} kudos today, the most one person can give in a day (${kudos.maxPerDay}). Thank you for noticing good work — you can give more tomorrow. Nothing was posted.`);
    }
    // A duplicate queues the same deliveries (and timer) again: their ids make that a no-op, or finish what a crash left undone.
    const [post, dm] = this.deliveries(given.id, actor, conversation, giver, person, user, thanks);
    // The DM is not urgent: it waits for the end of the person's quiet hours (their own clock).
    const held = quietUntil(now, person.timezone, settings.config.quietHours);
    await this.deps.outbox.enqueue(held ? [post] : [post, dm]);
    if (held) {
      const payload: TimerPayload = { kind: KUDOS_DM_TIMER, tenant: actor.tenant, platform: actor.platform, id: given.id, user: actor.user, conversation, giver: giver.id, person: person.id, text: thanks };
      await this.deps.timers.schedule(`kudos-dm-${given.id}`, held, payload);
    }
    const where = kudos.channel?.[actor.platform] && kudos.channel[actor.platform] !== actor.conversation ? 'in the kudos channel' : 'here';
    const sent = held ? `their DM waits until their quiet hours end (${localClock(held, person.timezone)} their time)` : 'sent to them by DM';
    const count = given.outcome === 'given' ? ` You have given ${given.count} of ${kudos.maxPerDay} today.` : '';
    return answer(`🎉 Kudos to ${escapeText(person.name)} posted ${where}; ${sent}.${count}`);
  }

  /** A DM held by quiet hours is due. */
  async deliverHeld(p: TimerPayload): Promise<void> {
    const field = (name: string) => {
      const v = p[name];
      if (typeof v !== 'string' || !v) throw new InvalidTimerError(`malformed ${KUDOS_DM_TIMER} timer: no ${name}`);
      return v;
    };
    const platform = PlatformKind.safeParse(p['platform']);
    if (!platform.success) throw new InvalidTimerError(`malformed ${KUDOS_DM_TIMER} timer: no platform`);
    const roster = this.deps.settings.roster;
    const giver = roster.byId(field('giver'));
    const person = roster.byId(field('person'));
    const user = person && Reach.userOn(person, platform.data);
    // Someone who left the roster since gets nothing.
    if (!giver || !person || !user) return;
    const actor = { platform: platform.data, tenant: p.tenant, user: field('user') };
    const [, dm] = this.deliveries(field('id'), actor, field('conversation'), giver, person, user, field('text'));
    await this.deps.outbox.enqueue([dm]);
  }

  private deliveries(id: string, actor: Pick<Actor, 'platform' | 'tenant' | 'user'>, conversation: string, giver: Person, person: Person, user: string, thanks: string): [Delivery, Delivery] {
    const m = new Mentions(this.deps.settings.roster);
    const text = `🎉 **Kudos** to ${m.person(person)} from ${m.person(giver)}: ${escapeText(thanks)}`;
    const post = m.message(text, [{ type: 'section', text }]);
    const dmText = `🎉 ${escapeText(giver.name)} gave you kudos: “${escapeText(thanks)}”`;
    const dm: Message = { text: dmText, blocks: [{ type: 'section', text: dmText }, { type: 'context', text: 'It is posted for the team to see, too. Keep it up!' }] };
    const base = { tenant: actor.tenant, platform: actor.platform };
    // When the DM cannot be delivered (blocked, app not installed for them), the giver is told how to fix it.
    const fix = `⚠️ The thank-you to ${escapeText(person.name)} was posted, but Shiftlead could not DM them on ${PLATFORM_NAME[actor.platform]}: ${HOW_TO_FIX[actor.platform]}.`;
    return [
      {
        ...base,
        key: `org.kudos.${id}.post`,
        target: { kind: 'conversation', conversation },
        message: post,
        // A channel Shiftlead is not in (a private one): the giver hears why nothing appeared.
        fallback: [{ ...base, key: `org.kudos.${id}.notposted`, target: { kind: 'dm', user: actor.user }, message: say(`⚠️ Shiftlead could not post your thank-you to ${escapeText(person.name)} in that channel: it is not a member there. Add Shiftlead to the channel (or set kudos.channel) and give it again. ${escapeText(person.name)} got the DM.`) }],
      },
      { ...base, key: `org.kudos.${id}.dm`, target: { kind: 'dm', user }, message: dm, fallback: [{ ...base, key: `org.kudos.${id}.undelivered`, target: { kind: 'dm', user: actor.user }, message: say(fix) }] },
    ];
  }
}

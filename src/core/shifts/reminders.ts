/**
 * The shifts feature's schedule kinds. Each occurrence is a *moment* in a zone — every shift of
 * that zone starting (or ending) then shares it — so that the 08:00 shift change of a large team
 * is a handful of jobs that fan out, not one job per person:
 *
 * - `shift.reminder`: `reminders.beforeShift` before shifts start, a DM to each person on them
 *   (who is on a shift is decided when it fires, so cover and assignments are followed); dropped
 *   once the shifts have started;
 * - `shift.evening`: at `eveningBefore.at` in a person's own zone, the evening before a shift that
 *   starts before `ifStartsBefore` there; dropped once the shift has started;
 * - `shift.handoff`: `handoffs.promptBefore` before shifts end, a DM to each person on them with
 *   **Write handoff**; still sent when late.
 *
 * Reminders about a person's own shift are not held by quiet hours. A DM that cannot be delivered
 * falls back to a mention in the department's channel, and the managers are told once.
 */
import type { Delivery } from '../../chat/delivery.js';
import { escapeText, type Message, type PlatformKind } from '../../chat/message.js';
import type { Person } from '../../config/team-config-schema.js';
import { Mentions } from '../mentions.js';
import { addDays, formatClockTime, localClock, localDate, localInstant, parseClockTime } from '../schedule/local-time.js';
import type { Occurrence, ScheduleKind } from '../schedule/schedule.js';
import type { ShiftContext } from './context.js';
import { handoffPrompt, reminderDm } from './messages.js';
import { instancesStarting, shiftZone, type ShiftInstance } from './rota.js';

const PLATFORM_NAME: Record<PlatformKind, string> = { slack: 'Slack', teams: 'Microsoft Teams', console: 'the console' };

const HOW_TO_FIX: Record<PlatformKind, string> = {
  slack: 'check that their Slack member id in the team configuration is right and that they have not blocked Shiftlead',
  teams: 'install Shiftlead for them (Teams admin center → Manage apps → Shiftlead → Install for users), or ask them to open Shiftlead in Teams once',
  console: 'check the roster',
};

const DAY = 86_400_000;

/** A moment in a zone as an occurrence: its item is the local time and zone, its date the local date. */
function moment(kind: string, prefix: string, at: Date, zone: string, data: Record<string, string | number>): Occurrence {
  return { kind, item: `${prefix}${localClock(at, zone).replace(':', '')}@${zone}`, date: localDate(at, zone), at, data: { zone, ...data } };
}

/** Distinct occurrences by their (item, date). */
function distinct(occurrences: Occurrence[]): Occurrence[] {
  const seen = new Map<string, Occurrence>();
  for (const o of occurrences) seen.set(`${o.item}/${o.date}`, o);
  return [...seen.values()];
}

export class ShiftReminders {
  constructor(private readonly ctx: ShiftContext) {}

  private async instances(from: Date, to: Date, zone?: string): Promise<ShiftInstance[]> {
    return instancesStarting(this.ctx.config, from, to, await this.ctx.overrides(), zone ? (s) => shiftZone(s, this.ctx.config) === zone : undefined);
  }

  /**
   * A DM to a person on a shift; when it cannot be delivered, a mention in the department's channel
   * instead, and the department's managers told once which person cannot get DMs and how to fix it.
   */
  private async dmOrMention(person: Person, instance: ShiftInstance, key: string, message: Message, mention: string, priority?: 'bulk'): Promise<Delivery[]> {
    const department = instance.shift.department;
    const managers = this.ctx.managers(department).filter((m) => m.id !== person.id);
    const notices: Array<{ manager: Person; platform: PlatformKind }> = [];
    const dm = await this.ctx.dm(person, key, message, (platform, tenant) => {
      for (const manager of managers) notices.push({ manager, platform });
      const m = new Mentions(this.ctx.roster);
      const text = `${m.person(person)} ${mention} (Shiftlead could not DM you here.)`;
      return this.ctx.departmentPost(department, platform, tenant, `${key}.mention`, m.message(text, [{ type: 'section', text }]));
    }, priority);
    if (!dm) {
      // No platform where Shiftlead can reach them at all: say it in every reachable department channel.
      const m = new Mentions(this.ctx.roster);
      const text = `${m.person(person)} ${mention}`;
      return this.ctx.toDepartment(department, `${key}.mention`, m.message(text, [{ type: 'section', text }]));
    }
    for (const { manager, platform } of notices) {
      const text = `⚠️ Shiftlead cannot send DMs to ${escapeText(person.name)} on ${PLATFORM_NAME[platform]}, so their shift reminders go to the department's channel instead. To fix it, ${HOW_TO_FIX[platform]}.`;
      const notice = await this.ctx.dm(manager, `org.unreachable.${platform}.${person.id}.${manager.id}`, { text, blocks: [{ type: 'section', text }] });
      if (notice) (dm.fallback ??= []).push(notice);
    }
    return [dm];
  }

  /**
   * Collects deliveries and queues them in batches as they are made: a shift change of thousands
   * of people is a few round trips, and the first DMs leave before the last ones are written.
   */
  private batch(): { add(d: Delivery[]): Promise<void>; flush(): Promise<void> } {
    let pending: Delivery[] = [];
    const flush = async () => {
      const out = pending;
      pending = [];
      if (out.length > 0) await this.ctx.deps.outbox.enqueue(out);
    };
    return {
      add: async (d) => {
        pending.push(...d);
        if (pending.length >= 500) await flush();
      },
      flush,
    };
  }

  private beforeShift(): ScheduleKind {
    return {
      kind: 'shift.reminder',
      // Once the shifts have started, a reminder that they are about to start is no use.
      late: { kind: 'drop', afterMs: (o) => Number(o.data?.['lead'] ?? 0) },
      occurrences: async (from, to) => {
        const lead = this.ctx.config.reminders.beforeShift;
        if (lead === null) return [];
        const starting = await this.instances(new Date(from.getTime() + lead), new Date(to.getTime() + lead));
        return distinct(starting.map((i) => moment('shift.reminder', '', new Date(i.start.getTime() - lead), i.zone, { start: i.start.getTime(), lead })));
      },
      fire: async (o, firing) => {
        const start = Number(o.data?.['start']);
        const zone = String(o.data?.['zone'] ?? '');
        const out = this.batch();
        for (const instance of await this.instances(new Date(start), new Date(start + 1), zone)) {
          const { open, watchlist } = await this.openNow(instance.shift.department);
          for (const id of instance.people) {
            const person = this.ctx.roster.byId(id);
            if (!person) continue;
            const key = `org.shift.rem.${instance.shift.id}.${instance.date.replace(/-/g, '')}.${id}`;
            const mention = `your **${escapeText(instance.shift.name)}** shift starts at ${localClock(instance.start, person.timezone)} your time.`;
            await out.add(await this.dmOrMention(person, instance, key, reminderDm(person, instance, this.ctx.config, this.ctx.roster, open, watchlist, 'before', firing.now), mention, 'bulk'));
          }
        }
        await out.flush();
      },
    };
  }

  /** The department's open escalations and the last handoff's watch-list. */
  private async openNow(department: string) {
    const [open, last] = await Promise.all([this.ctx.openEscalations(department), this.ctx.deps.store.latestHandoff(department)]);
    return { open, watchlist: last?.watchlist };
  }

  /** For a person: the evening before a shift, when it starts early in their zone (or undefined). */
  private evening(person: Person, instance: ShiftInstance): Date | undefined {
    const rule = this.ctx.config.reminders.eveningBefore;
    if (rule === 'off') return undefined;
    if (localClock(instance.start, person.timezone) >= formatClockTime(parseClockTime(rule.ifStartsBefore))) return undefined;
    const at = localInstant(addDays(localDate(instance.start, person.timezone), -1), parseClockTime(rule.at), person.timezone).at;
    return at < instance.start ? at : undefined;
  }

  private eveningBefore(): ScheduleKind {
    return {
      kind: 'shift.evening',
      late: { kind: 'drop', afterMs: (o) => Number(o.data?.['first'] ?? 0) - o.at.getTime() },
      occurrences: async (from, to) => {
        if (this.ctx.config.reminders.eveningBefore === 'off') return [];
        const out: Occurrence[] = [];
        // An evening reminder comes at most ~2 days before its shift starts.
        for (const i of await this.instances(from, new Date(to.getTime() + 3 * DAY))) {
          for (const id of i.people) {
            const person = this.ctx.roster.byId(id);
            const at = person && this.evening(person, i);
            if (person && at && at >= from && at < to) out.push(moment('shift.evening', 'eve', at, person.timezone, { first: i.start.getTime() }));
          }
        }
        // One occurrence per evening and zone; it lets go only when its earliest shift has started.
        const byKey = new Map<string, Occurrence>();
        for (const o of out) {
          const known = byKey.get(`${o.item}/${o.date}`);
          if (!known || Number(o.data?.['first']) < Number(known.data?.['first'])) byKey.set(`${o.item}/${o.date}`, o);
        }
        return [...byKey.values()];
      },
      fire: async (o, firing) => {
        const zone = String(o.data?.['zone'] ?? '');
        const out = this.batch();
        for (const instance of await this.instances(o.at, new Date(o.at.getTime() + 2 * DAY))) {
          // Only shifts that have not started, for the people still on them.
          if (instance.start <= firing.now) continue;
          for (const id of instance.people) {
            const person = this.ctx.roster.byId(id);
            if (!person || person.timezone !== zone || this.evening(person, instance)?.getTime() !== o.at.getTime()) continue;
            const key = `org.shift.eve.${instance.shift.id}.${instance.date.replace(/-/g, '')}.${id}`;
            const mention = `reminder: tomorrow your **${escapeText(instance.shift.name)}** shift starts at ${localClock(instance.start, person.timezone)} your time.`;
            await out.add(await this.dmOrMention(person, instance, key, reminderDm(person, instance, this.ctx.config, this.ctx.roster, [], undefined, 'evening', o.at), mention, 'bulk'));
          }
        }
        await out.flush();
      },
    };
  }

  private handoffPrompt(): ScheduleKind {
    return {
      kind: 'shift.handoff',
      // The handoff is still wanted after the shift ends.
      late: { kind: 'send' },
      occurrences: async (from, to) => {
        const before = this.ctx.config.handoffs.promptBefore;
        if (before === null) return [];
        // Shifts end at most ~25 h after they start.
        const starting = await this.instances(new Date(from.getTime() - 26 * 3600_000), new Date(to.getTime() + before));
        const prompts = starting.map((i) => ({ i, at: new Date(i.end.getTime() - before) })).filter(({ at }) => at >= from && at < to);
        return distinct(prompts.map(({ i, at }) => moment('shift.handoff', 'end', at, i.zone, { end: i.end.getTime() })));
      },
      fire: async (o) => {
        const end = Number(o.data?.['end']);
        const zone = String(o.data?.['zone'] ?? '');
        const out = this.batch();
        for (const instance of (await this.instances(new Date(end - 26 * 3600_000), new Date(end), zone)).filter((i) => i.end.getTime() === end)) {
          const state = JSON.stringify({ shift: instance.shift.id, date: instance.date });
          for (const id of instance.people) {
            const person = this.ctx.roster.byId(id);
            if (!person) continue;
            const key = `org.shift.ho.${instance.shift.id}.${instance.date.replace(/-/g, '')}.${id}`;
            const mention = `your **${escapeText(instance.shift.name)}** shift ends at ${localClock(instance.end, person.timezone)} your time: please write the handoff with /handoff.`;
            await out.add(await this.dmOrMention(person, instance, key, handoffPrompt(person, instance, this.ctx.config, state), mention));
          }
        }
        await out.flush();
      },
    };
  }

  kinds(): ScheduleKind[] {
    return [this.beforeShift(), this.eveningBefore(), this.handoffPrompt()];
  }
}

/**
 * The shifts feature's schedule kinds:
 * - `shift.reminder`: `reminders.beforeShift` before each occurrence, a DM to each person on it
 *   (who is on it is decided when it fires, so cover and assignments are followed); dropped once
 *   the shift has started;
 * - `shift.evening`: at `eveningBefore.at` the evening before, in the person's own zone, for a shift
 *   that starts before `ifStartsBefore` in that zone; dropped once the shift has started;
 * - `shift.handoff`: `handoffs.promptBefore` before each occurrence ends, a DM to each person on it
 *   with **Write handoff**; still sent when late.
 * Reminders about a person's own shift are not held by quiet hours. A DM that cannot be delivered
 * falls back to a mention in the department's channel, and the managers are told once.
 */
import type { Delivery } from '../../chat/delivery.js';
import { escapeText, type Message, type PlatformKind } from '../../chat/message.js';
import type { Person } from '../../config/team-config-schema.js';
import { Mentions } from '../mentions.js';
import { addDays, localClock, localDate, localInstant, parseClockTime } from '../schedule/local-time.js';
import type { Occurrence, ScheduleKind } from '../schedule/schedule.js';
import type { ShiftContext } from './context.js';
import { handoffPrompt, reminderDm } from './messages.js';
import { instancesStarting, type ShiftInstance } from './rota.js';

const PLATFORM_NAME: Record<PlatformKind, string> = { slack: 'Slack', teams: 'Microsoft Teams', console: 'the console' };

const HOW_TO_FIX: Record<PlatformKind, string> = {
  slack: 'check that their Slack member id in the team configuration is right and that they have not blocked Shiftlead',
  teams: 'install Shiftlead for them (Teams admin center → Manage apps → Shiftlead → Install for users), or ask them to open Shiftlead in Teams once',
  console: 'check the roster',
};

export class ShiftReminders {
  constructor(private readonly ctx: ShiftContext) {}

  private async instances(from: Date, to: Date): Promise<ShiftInstance[]> {
    return instancesStarting(this.ctx.config, from, to, await this.ctx.overrides());
  }

  private async current(o: Occurrence): Promise<ShiftInstance | undefined> {
    const shiftId = String(o.data?.['shift'] ?? o.item);
    return this.ctx.instance(shiftId, o.date);
  }

  /**
   * A DM to a person on a shift; when it cannot be delivered, a mention in the department's channel
   * instead, and the department's managers told once which person cannot get DMs and how to fix it.
   */
  private async dmOrMention(person: Person, instance: ShiftInstance, key: string, message: Message, mention: string): Promise<Delivery[]> {
    const department = instance.shift.department;
    const managers = this.ctx.managers(department).filter((m) => m.id !== person.id);
    const notices: Array<{ manager: Person; platform: PlatformKind }> = [];
    const dm = await this.ctx.dm(person, key, message, (platform, tenant) => {
      for (const manager of managers) notices.push({ manager, platform });
      const m = new Mentions(this.ctx.roster);
      const text = `${m.person(person)} ${mention} (Shiftlead could not DM you here.)`;
      return this.ctx.departmentPost(department, platform, tenant, `${key}.mention`, m.message(text, [{ type: 'section', text }]));
    });
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

  /** The department's open escalations and the last handoff's watch-list. */
  private async openNow(department: string) {
    const [open, last] = await Promise.all([this.ctx.deps.openEscalations(department), this.ctx.deps.store.latestHandoff(department)]);
    return { open, watchlist: last?.watchlist };
  }

  private beforeShift(): ScheduleKind {
    return {
      kind: 'shift.reminder',
      // Once the shift has started, a reminder that it is about to start is no use.
      late: { kind: 'drop', afterMs: (o) => Number(o.data?.['lead'] ?? 0) },
      occurrences: async (from, to) => {
        const lead = this.ctx.config.reminders.beforeShift;
        if (lead === undefined) return [];
        return (await this.instances(new Date(from.getTime() + lead), new Date(to.getTime() + lead))).map((i) => ({ kind: 'shift.reminder', item: i.shift.id, date: i.date, at: new Date(i.start.getTime() - lead), data: { lead } }));
      },
      fire: async (o, firing) => {
        const instance = await this.current(o);
        if (!instance) return;
        const { open, watchlist } = await this.openNow(instance.shift.department);
        const deliveries: Delivery[] = [];
        for (const id of instance.people) {
          const person = this.ctx.roster.byId(id);
          if (!person) continue;
          const key = `org.shift.rem.${instance.shift.id}.${o.date.replace(/-/g, '')}.${id}`;
          const mention = `your **${escapeText(instance.shift.name)}** shift starts at ${localClock(instance.start, person.timezone)} your time.`;
          deliveries.push(...(await this.dmOrMention(person, instance, key, reminderDm(person, instance, this.ctx.config, this.ctx.roster, open, watchlist, 'before', firing.now), mention)));
        }
        await this.ctx.deps.outbox.enqueue(deliveries);
      },
    };
  }

  private eveningBefore(): ScheduleKind {
    return {
      kind: 'shift.evening',
      late: { kind: 'drop', afterMs: (o) => Number(o.data?.['start'] ?? 0) - o.at.getTime() },
      occurrences: async (from, to) => {
        const rule = this.ctx.config.reminders.eveningBefore;
        if (rule === 'off') return [];
        const early = parseClockTime(rule.ifStartsBefore);
        const at = parseClockTime(rule.at);
        const out: Occurrence[] = [];
        // An evening reminder comes at most ~2 days before its shift starts.
        for (const i of await this.instances(from, new Date(to.getTime() + 3 * 86_400_000))) {
          for (const id of i.people) {
            const person = this.ctx.roster.byId(id);
            if (!person) continue;
            const startLocal = localClock(i.start, person.timezone);
            if (startLocal >= `${String(early.hour).padStart(2, '0')}:${String(early.minute).padStart(2, '0')}`) continue;
            const evening = localInstant(addDays(localDate(i.start, person.timezone), -1), at, person.timezone).at;
            if (evening >= from && evening < to && evening < i.start) {
              out.push({ kind: 'shift.evening', item: `${i.shift.id}.${id}`, date: i.date, at: evening, data: { shift: i.shift.id, person: id, start: i.start.getTime() } });
            }
          }
        }
        return out;
      },
      fire: async (o) => {
        const instance = await this.current(o);
        const id = String(o.data?.['person'] ?? '');
        const person = this.ctx.roster.byId(id);
        // Not on that occurrence any more (cover, assignment): no reminder.
        if (!instance || !person || !instance.people.includes(id)) return;
        const key = `org.shift.eve.${instance.shift.id}.${o.date.replace(/-/g, '')}.${id}`;
        const mention = `reminder: tomorrow your **${escapeText(instance.shift.name)}** shift starts at ${localClock(instance.start, person.timezone)} your time.`;
        await this.ctx.deps.outbox.enqueue(await this.dmOrMention(person, instance, key, reminderDm(person, instance, this.ctx.config, this.ctx.roster, [], undefined, 'evening', o.at), mention));
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
        if (before === undefined) return [];
        // Shifts end at most ~25 h after they start.
        const starting = await this.instances(new Date(from.getTime() - 26 * 3600_000), to);
        return starting.map((i) => ({ kind: 'shift.handoff', item: i.shift.id, date: i.date, at: new Date(i.end.getTime() - before) })).filter((o) => o.at >= from && o.at < to);
      },
      fire: async (o) => {
        const instance = await this.current(o);
        if (!instance) return;
        const state = JSON.stringify({ shift: instance.shift.id, date: instance.date });
        const deliveries: Delivery[] = [];
        for (const id of instance.people) {
          const person = this.ctx.roster.byId(id);
          if (!person) continue;
          const key = `org.shift.ho.${instance.shift.id}.${o.date.replace(/-/g, '')}.${id}`;
          const mention = `your **${escapeText(instance.shift.name)}** shift ends at ${localClock(instance.end, person.timezone)} your time: please write the handoff with /handoff.`;
          deliveries.push(...(await this.dmOrMention(person, instance, key, handoffPrompt(person, instance, this.ctx.config, state), mention)));
        }
        await this.ctx.deps.outbox.enqueue(deliveries);
      },
    };
  }

  kinds(): ScheduleKind[] {
    return [this.beforeShift(), this.eveningBefore(), this.handoffPrompt()];
  }
}

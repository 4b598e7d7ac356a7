/**
 * What shifts add to the at-a-glance surfaces (src/core/glance.ts): a briefing's "who is on shift
 * today" and "a handoff not acknowledged"; a person's Home page "your next shift" and "a handoff
 * waiting for you" (with its Acknowledge button).
 */
import { escapeText, timeToken, type Block } from '../../chat/message.js';
import type { BriefingContext, BriefingSection, HomeSection, ReportContext, ReportSection, Viewer } from '../glance.js';
import { addDays, localClock, localInstant } from '../schedule/local-time.js';
import type { ShiftContext } from './context.js';
import { ACK_HANDOFF } from './messages.js';
import { instancesStarting, nextInstancesFor } from './rota.js';

export function shiftGlance(ctx: ShiftContext): { briefing: BriefingSection[]; home: HomeSection[]; report: ReportSection[] } {
  const name = (id: string) => ctx.roster.byId(id)?.name ?? id;
  const departmentName = (id: string) => ctx.config.departments.find((d) => d.id === id)?.name ?? id;
  const inScope = (department: string, departments: readonly string[] | undefined) => !departments || departments.includes(department);

  const onShiftToday = async (c: BriefingContext): Promise<string[]> => {
    const from = localInstant(c.postedOn, { hour: 0, minute: 0 }, c.zone).at;
    const to = localInstant(addDays(c.postedOn, 1), { hour: 0, minute: 0 }, c.zone).at;
    const today = instancesStarting(ctx.config, from, to, await ctx.overrides(), (s) => inScope(s.department, c.departments));
    if (today.length === 0) return [];
    const byDepartment = new Map<string, string[]>();
    for (const i of today) {
      const who = i.people.length > 0 ? i.people.map(name).map(escapeText).join(', ') : 'nobody yet';
      const line = `${who} ${localClock(i.start, c.zone)}–${localClock(i.end, c.zone)}`;
      byDepartment.set(i.shift.department, [...(byDepartment.get(i.shift.department) ?? []), line]);
    }
    return [...byDepartment].map(([d, lines]) => `👥 **On shift today** (${escapeText(departmentName(d))}): ${lines.join('; ')}`);
  };

  const pendingHandoffs = async (c: BriefingContext): Promise<string[]> => {
    const departments = ctx.config.departments.map((d) => d.id).filter((d) => inScope(d, c.departments));
    const lines: string[] = [];
    for (const d of departments) {
      const h = await ctx.deps.store.latestHandoff(d);
      if (!h || h.acknowledgedAt || !h.incoming) continue;
      const waiting = h.incoming.people.length > 0 ? ` for ${h.incoming.people.map(name).map(escapeText).join(', ')}` : '';
      lines.push(`🤝 **Handoff not acknowledged:** ${h.id} (${escapeText(departmentName(d))}) from ${escapeText(h.author.name)}, waiting since ${timeToken(h.createdAt)}${waiting}`);
    }
    return lines;
  };

  /**
   * The weekly report's "handoffs acknowledged in time": a handoff is in time when acknowledged
   * within handoffs.acknowledgeWithin of the incoming shift's start (or of being written, when
   * that was later) — the deadline its reminder fires at.
   */
  const handoffsInTime = async (c: ReportContext): Promise<string[]> => {
    const from = localInstant(c.from, { hour: 0, minute: 0 }, c.zone).at.getTime();
    const to = localInstant(addDays(c.to, 1), { hour: 0, minute: 0 }, c.zone).at.getTime() - 1;
    const within = ctx.config.handoffs.acknowledgeWithin;
    const parts: string[] = [];
    let [total, inTime, late, waiting] = [0, 0, 0, 0];
    for (const d of ctx.config.departments) {
      for (const h of await ctx.deps.store.handoffsBetween(d.id, from, to)) {
        total += 1;
        if (!h.acknowledgedAt) {
          waiting += 1;
          continue;
        }
        const due = Math.max(Date.parse(h.createdAt), h.incoming ? Date.parse(h.incoming.start) : 0) + (within ?? Infinity);
        if (Date.parse(h.acknowledgedAt) <= due) inTime += 1;
        else late += 1;
      }
    }
    if (total === 0) return ['🤝 **Handoffs:** none written'];
    parts.push(`${inTime} of ${total} acknowledged ${within === null ? '' : 'in time '}(${Math.round((inTime / total) * 100)}%)`);
    if (late > 0) parts.push(`${late} late`);
    if (waiting > 0) parts.push(`${waiting} not acknowledged`);
    return [`🤝 **Handoffs:** ${parts.join(' · ')}`];
  };

  const nextShift = async (viewer: Viewer, now: Date): Promise<Block[]> => {
    const person = viewer.person;
    if (!person) return [];
    const [next] = nextInstancesFor(ctx.config, person.id, now, 1, await ctx.overrides());
    if (!next) return [];
    const underWay = next.start <= now;
    return [{ type: 'section', text: `🕘 **${underWay ? 'On shift now' : 'Your next shift'}:** ${escapeText(departmentName(next.shift.department))} (${escapeText(next.shift.id)}), ${timeToken(next.start)} to ${timeToken(next.end)}` }];
  };

  const handoffForYou = async (viewer: Viewer): Promise<Block[]> => {
    const person = viewer.person;
    if (!person) return [];
    const blocks: Block[] = [];
    for (const d of ctx.config.departments) {
      const h = await ctx.deps.store.latestHandoff(d.id);
      if (!h || h.acknowledgedAt || !h.incoming?.people.includes(person.id)) continue;
      blocks.push(
        { type: 'section', text: `🤝 **A handoff waits for you:** ${h.id} from ${escapeText(h.author.name)} (${escapeText(d.name)})` },
        { type: 'actions', buttons: [{ actionId: ACK_HANDOFF, label: 'Acknowledge', value: h.id, style: 'primary' }] },
      );
    }
    return blocks;
  };

  return {
    briefing: [
      { name: 'shifts', lines: onShiftToday },
      { name: 'handoffs', lines: pendingHandoffs },
    ],
    report: [{ name: 'handoffs', lines: handoffsInTime }],
    home: [
      { name: 'next shift', order: 30, blocks: nextShift },
      { name: 'handoff', order: 31, blocks: (viewer) => handoffForYou(viewer) },
    ],
  };
}

/**
 * Signals worth a nudge, read from the escalation records (pure): an escalation someone owned
 * missed its acknowledge deadline; a rating of 2 or less on an escalation they resolved; a streak
 * of N escalations resolved within SLA in one week (their own calendar). Each has a deterministic
 * key, so evaluating again finds the same signals and each produces at most one suggestion.
 */
import { escapeText } from '../../chat/message.js';
import { truncate } from '../../chat/truncate.js';
import type { Person, TeamConfig } from '../../config/team-config-schema.js';
import { formatDuration } from '../../config/duration.js';
import type { Escalation, ParticipantT } from '../escalations/model.js';
import { mondayOf } from '../polls/pulse-schedule.js';
import type { Roster } from '../roster.js';
import { addDays, localDate, localMoment } from '../schedule/local-time.js';
import type { Signal } from './model.js';

/** Events older than this are not signalled (a rule switched on does not dig up last month). */
export const SIGNAL_WINDOW_MS = 7 * 86_400_000;

function label(e: Escalation, config: TeamConfig): string {
  const severity = config.severities.find((s) => s.id === e.severity)?.label ?? e.severity;
  const department = config.departments.find((d) => d.id === e.department)?.name ?? e.department;
  return `**${e.id}** (${escapeText(e.severity)} ${escapeText(severity)}, ${escapeText(department)}: “${escapeText(truncate(e.summary, 120))}”)`;
}

const firstName = (p: Person) => p.name.split(' ')[0] ?? p.name;

/** The acknowledge deadline of the cycle a miss belongs to: the severity's (or department's) SLA. */
function ackWindow(e: Escalation, config: TeamConfig): number | undefined {
  const dept = config.departments.find((d) => d.id === e.department);
  return dept?.sla[e.severity]?.acknowledgeWithin ?? config.severities.find((s) => s.id === e.severity)?.acknowledgeWithin;
}

function missedAcknowledge(e: Escalation, config: TeamConfig, roster: Roster, from: number): Signal[] {
  const out: Signal[] = [];
  let owner: ParticipantT | undefined;
  let cycle = 1;
  for (const h of e.history) {
    if (h.type === 'assigned') owner = h.owner;
    if (h.type === 'reopened') cycle += 1;
    // The first reminder of a plan is the moment the deadline was missed; its owner then is the person.
    if (h.type !== 'acknowledge_missed' || (h.miss ?? 1) !== 1 || Date.parse(h.at) < from) continue;
    const person = roster.byId(owner?.personId);
    if (!person) continue;
    const within = ackWindow(e, config);
    out.push({
      key: `ack.${e.tenant}.${e.id}.c${cycle}.${Date.parse(h.at)}`,
      rule: 'missedAcknowledge',
      person: person.id,
      at: h.at,
      facts: `${label(e, config)} was assigned to ${escapeText(person.name)} and missed its acknowledge deadline${within ? ` (${formatDuration(within)})` : ''} at ${localMoment(new Date(h.at), person.timezone)} their time.`,
      detail: `${e.id} missed its acknowledge deadline`,
      draft: `Hi ${firstName(person)}, ${e.id} went past its ${within ? `${formatDuration(within)} ` : ''}acknowledge deadline on ${localMoment(new Date(h.at), person.timezone)}. Is anything getting in the way of picking escalations up quickly? Happy to talk it through.`,
    });
  }
  return out;
}

function resolvers(e: Escalation): Map<number, ParticipantT> {
  const byCycle = new Map<number, ParticipantT>();
  let cycle = 1;
  for (const h of e.history) {
    if (h.type === 'reopened') cycle += 1;
    if (h.type === 'resolved') byCycle.set(cycle, h.actor);
  }
  return byCycle;
}

function lowRatings(e: Escalation, config: TeamConfig, roster: Roster, from: number): Signal[] {
  const by = resolvers(e);
  return (e.ratings ?? []).flatMap((r) => {
    const person = roster.byId(by.get(r.cycle)?.personId);
    if (r.score > 2 || !person || Date.parse(r.at) < from) return [];
    const comment = r.comment ? `, with the comment “${escapeText(truncate(r.comment, 200))}”` : '';
    return [
      {
        key: `rating.${e.tenant}.${e.id}.c${r.cycle}`,
        rule: 'lowRating' as const,
        person: person.id,
        at: r.at,
        facts: `${label(e, config)}, resolved by ${escapeText(person.name)}, was rated **${r.score}/5** by ${escapeText(r.by.name)}${comment}.`,
        detail: `${e.id} was rated ${r.score}/5`,
        draft: `Hi ${firstName(person)}, how ${e.id} was handled was rated ${r.score}/5. Could we look at it together and see what would have made it better?`,
      },
    ];
  });
}

/** Escalations resolved within SLA, by resolver and the Monday of their week (their own zone). */
function streaks(records: Escalation[], roster: Roster, needed: number, now: Date): Signal[] {
  const groups = new Map<string, { person: Person; monday: string; ids: string[]; last: string }>();
  for (const e of records) {
    if (e.status !== 'resolved' || !e.resolvedAt || e.resolvedAt > e.resolveDueAt) continue;
    const person = roster.byId(resolvers(e).get(e.cycle)?.personId);
    if (!person) continue;
    const monday = mondayOf(localDate(new Date(e.resolvedAt), person.timezone));
    const thisWeek = mondayOf(localDate(now, person.timezone));
    if (monday !== thisWeek && monday !== addDays(thisWeek, -7)) continue;
    const key = `${person.id}|${monday}`;
    const group = groups.get(key) ?? { person, monday, ids: [], last: e.resolvedAt };
    group.ids.push(e.id);
    if (e.resolvedAt > group.last) group.last = e.resolvedAt;
    groups.set(key, group);
  }
  return [...groups.values()]
    .filter((g) => g.ids.length >= needed)
    .map((g) => ({
      key: `streak.${g.person.id}.${g.monday}`,
      rule: 'streak' as const,
      person: g.person.id,
      at: g.last,
      facts: `${escapeText(g.person.name)} resolved **${g.ids.length} escalations within SLA** in the week of ${g.monday}: ${g.ids.sort((a, b) => Number(a.slice(4)) - Number(b.slice(4))).slice(0, 20).join(', ')}.`,
      detail: `${g.ids.length} escalations resolved within SLA`,
      draft: `Great work this week, ${firstName(g.person)}: ${g.ids.length} escalations resolved within their SLA. Thank you!`,
    }));
}

/** Every signal the records show at `now`, under the rules switched on, oldest first. */
export function deriveSignals(records: Escalation[], config: TeamConfig, roster: Roster, now: Date): Signal[] {
  const rules = config.coaching.signals;
  const from = now.getTime() - SIGNAL_WINDOW_MS;
  const out: Signal[] = [];
  for (const e of records) {
    if (rules.missedAcknowledge) out.push(...missedAcknowledge(e, config, roster, from));
    if (rules.lowRating) out.push(...lowRatings(e, config, roster, from));
  }
  if (rules.streak) out.push(...streaks(records, roster, rules.streak.resolvedWithinSla, now));
  return out.sort((a, b) => a.at.localeCompare(b.at) || a.key.localeCompare(b.key));
}

/**
 * The numbers of the weekly workload summary, per person of a department: pure, from the rota's
 * shift occurrences, the week's escalations, kudos and nudges. Plain facts and three flags; no
 * score and no ranking (people are listed by name).
 *
 * Definitions (README "Weekly workload summary"):
 * - a shift counts in the week of its local start date (in the shift's zone); its hours are its
 *   true length, start to end as instants, so a shift across a DST change is an hour shorter or longer;
 * - a **late** shift ends after 22:00 local time or crosses midnight (an overnight shift);
 * - late shifts **in a row** are on consecutive local dates; a day without a late shift ends the
 *   run. A run that began before the week counts from its first shift (up to two weeks back);
 * - a **weekend** shift starts on a Saturday or Sunday (local);
 * - escalations **owned**: the department's escalations created in the week whose owner the person
 *   is; **breached**: those of them that missed their acknowledge or resolve deadline;
 * - **flags**: more than `coaching.maxLateInARow` late shifts in a row; more than
 *   `coaching.maxHoursPerWeek` hours; more than twice the median number of escalations owned
 *   among the people listed (the median taken as at least 1, so one escalation in a quiet week is no flag).
 */
import type { Person } from '../../config/team-config-schema.js';
import { median } from '../metrics/stats.js';
import { addDays, localClock, localDate, weekdayOf } from '../schedule/local-time.js';
import type { ShiftInstance } from '../shifts/rota.js';
import type { FoldedSignal } from './ports.js';

/** A late shift ends after this local time (or on a later date). */
export const LATE_AFTER = '22:00';

export interface WorkloadInput {
  /** Local dates, Monday to Sunday, inclusive. */
  week: { from: string; to: string };
  /** The people to list (sorted by name here). */
  people: readonly Person[];
  /** Shift occurrences of the department from two weeks before the week to its end (overrides applied). */
  shifts: readonly ShiftInstance[];
  /** The department's escalations created in the week: owner (roster id) and whether it missed a deadline. */
  escalations: ReadonlyArray<{ owner?: string; breached: boolean }>;
  kudos: ReadonlyMap<string, number>;
  nudges: ReadonlyMap<string, number>;
  folded: ReadonlyMap<string, readonly FoldedSignal[]>;
  limits: { maxLateInARow: number; maxHoursPerWeek: number };
}

export type WorkloadFlag =
  | { kind: 'lateRun'; run: number; limit: number }
  | { kind: 'hours'; hours: number; limit: number }
  | { kind: 'escalations'; owned: number; median: number };

export interface PersonWeek {
  person: Person;
  shifts: number;
  /** Hours on shift, exact (true lengths). */
  hours: number;
  late: number;
  overnight: number;
  /** The longest run of late shifts in a row that reaches into the week. */
  lateRun: number;
  weekend: number;
  escalationsOwned: number;
  escalationsBreached: number;
  kudos: number;
  nudges: number;
  folded: readonly FoldedSignal[];
  flags: WorkloadFlag[];
}

export interface WorkloadWeek {
  week: { from: string; to: string };
  people: PersonWeek[];
  /** The median of escalations owned among the people listed. */
  escalationMedian: number;
}

/** Time-zone lookups are the costly part: each occurrence is judged once. */
const judged = new WeakMap<ShiftInstance, { overnight: boolean; late: boolean }>();
function judge(i: ShiftInstance): { overnight: boolean; late: boolean } {
  let j = judged.get(i);
  if (!j) {
    const overnight = localDate(i.end, i.zone) > i.date;
    judged.set(i, (j = { overnight, late: overnight || localClock(i.end, i.zone) > LATE_AFTER }));
  }
  return j;
}

/** Whether a shift occurrence crosses midnight (ends on a later local date than it starts). */
export function isOvernight(i: ShiftInstance): boolean {
  return judge(i).overnight;
}

/** Whether a shift occurrence is late: it ends after 22:00 local time, or crosses midnight. */
export function isLate(i: ShiftInstance): boolean {
  return judge(i).late;
}

const inWeek = (date: string, week: { from: string; to: string }) => date >= week.from && date <= week.to;

/** The longest run of consecutive dates with a late shift that has at least one date in the week. */
function longestLateRun(shifts: readonly ShiftInstance[], week: { from: string; to: string }): number {
  const byDate = new Map<string, boolean>();
  for (const s of shifts) byDate.set(s.date, (byDate.get(s.date) ?? false) || isLate(s));
  // A date with only non-late shifts ends a run; so does a date with no shift.
  const lateDates = [...byDate.entries()].filter(([, late]) => late).map(([d]) => d).sort();
  let best = 0;
  let run = 0;
  let previous: string | undefined;
  let touchesWeek = false;
  for (const date of lateDates) {
    if (previous !== undefined && addDays(previous, 1) === date) run += 1;
    else {
      run = 1;
      touchesWeek = false;
    }
    touchesWeek ||= inWeek(date, week);
    if (touchesWeek) best = Math.max(best, run);
    previous = date;
  }
  return best;
}

export function computeWorkload(input: WorkloadInput): WorkloadWeek {
  const { week, limits } = input;
  const owned = new Map<string, number>();
  const breached = new Map<string, number>();
  for (const e of input.escalations) {
    if (!e.owner) continue;
    owned.set(e.owner, (owned.get(e.owner) ?? 0) + 1);
    if (e.breached) breached.set(e.owner, (breached.get(e.owner) ?? 0) + 1);
  }
  const people = [...input.people].sort((a, b) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id));
  const escalationMedian = median(people.map((p) => owned.get(p.id) ?? 0)) ?? 0;
  // Each person's shifts, indexed once (a large roster is thousands of people and occurrences).
  const byPerson = new Map<string, ShiftInstance[]>();
  for (const s of input.shifts) for (const id of new Set(s.people)) {
      const list = byPerson.get(id);
      if (list) list.push(s);
      else byPerson.set(id, [s]);
    }
  const rows = people.map((person): PersonWeek => {
    const mine = byPerson.get(person.id) ?? [];
    const thisWeek = mine.filter((s) => inWeek(s.date, week));
    const hours = thisWeek.reduce((sum, s) => sum + (s.end.getTime() - s.start.getTime()), 0) / 3_600_000;
    // Runs are counted up to the week's end: what comes after is next week's.
    const lateRun = longestLateRun(mine.filter((s) => s.date <= week.to), week);
    const escalationsOwned = owned.get(person.id) ?? 0;
    const flags: WorkloadFlag[] = [];
    if (lateRun > limits.maxLateInARow) flags.push({ kind: 'lateRun', run: lateRun, limit: limits.maxLateInARow });
    if (hours > limits.maxHoursPerWeek) flags.push({ kind: 'hours', hours, limit: limits.maxHoursPerWeek });
    if (escalationsOwned > 2 * Math.max(escalationMedian, 1)) flags.push({ kind: 'escalations', owned: escalationsOwned, median: escalationMedian });
    return {
      person,
      shifts: thisWeek.length,
      hours,
      late: thisWeek.filter(isLate).length,
      overnight: thisWeek.filter(isOvernight).length,
      lateRun,
      weekend: thisWeek.filter((s) => ['sat', 'sun'].includes(weekdayOf(s.date))).length,
      escalationsOwned,
      escalationsBreached: breached.get(person.id) ?? 0,
      kudos: input.kudos.get(person.id) ?? 0,
      nudges: input.nudges.get(person.id) ?? 0,
      folded: input.folded.get(person.id) ?? [],
      flags,
    };
  });
  return { week, people: rows, escalationMedian };
}

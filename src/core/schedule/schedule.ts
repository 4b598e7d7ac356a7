/**
 * The one schedule engine's contract with features. A feature declares schedule kinds; each kind
 * computes its occurrences from local wall-clock time (pure, from the settings in force) and says
 * what firing late means. The engine (src/jobs/schedules) turns each occurrence into one delayed
 * job whose id derives from (kind, item, local date), reconciles the set after start, reload or
 * loss, and hands fired occurrences back to the kind.
 */

/** One occurrence of a recurring thing: a reminder, a briefing, a pulse round. */
export interface Occurrence {
  /** The kind that owns it, e.g. `shift.reminder`. */
  kind: string;
  /** What recurs, unique within the kind: a shift id, a briefing id, a person and a shift. */
  item: string;
  /** The local calendar date it belongs to (`2027-03-28`), in the zone of its rule. */
  date: string;
  /** When it fires. */
  at: Date;
  /** Small facts the kind wants back when it fires (strings, numbers, booleans). */
  data?: Record<string, string | number | boolean>;
}

/**
 * What an occurrence that fires late (every worker was down at its time) means:
 * - `drop`: dropped when more than `afterMs` late (logged and counted), e.g. a shift-start
 *   reminder once the shift has started;
 * - `send`: still sent, however late (a handoff prompt);
 * - `mark`: sent marked as late within `withinMs`, dropped after (a briefing).
 */
export type LatePolicy = { kind: 'drop'; afterMs: number | ((occurrence: Occurrence) => number) } | { kind: 'send' } | { kind: 'mark'; withinMs: number | ((occurrence: Occurrence) => number) };

/** How late an occurrence fired, as the kind sees it. */
export interface Firing {
  now: Date;
  /** Milliseconds after `occurrence.at` (0 when on time). */
  lateMs: number;
  /** True when the kind's policy says to mark it as late. */
  markedLate: boolean;
}

export interface ScheduleKind {
  /** A short dotted name, unique across features: `shift.reminder`. Letters, digits, "." and "-". */
  kind: string;
  late: LatePolicy;
  /** The occurrences that happen in [from, to) under the settings in force. */
  occurrences(from: Date, to: Date): Promise<Occurrence[]>;
  /** Does what the occurrence is for. Must be idempotent: it can fire again after a crash (use delivery keys derived from the occurrence). */
  fire(occurrence: Occurrence, firing: Firing): Promise<void>;
}

/** How a late firing is judged, for a policy. */
export function judgeLateness(policy: LatePolicy, occurrence: Occurrence, now: Date): { fire: boolean; markedLate: boolean; lateMs: number } {
  const lateMs = Math.max(0, now.getTime() - occurrence.at.getTime());
  switch (policy.kind) {
    case 'send':
      return { fire: true, markedLate: false, lateMs };
    case 'drop': {
      const limit = typeof policy.afterMs === 'function' ? policy.afterMs(occurrence) : policy.afterMs;
      return { fire: lateMs <= limit, markedLate: false, lateMs };
    }
    case 'mark': {
      const within = typeof policy.withinMs === 'function' ? policy.withinMs(occurrence) : policy.withinMs;
      // A minute of grace: a worker picking the job up a few seconds late is not "late".
      return { fire: lateMs <= within, markedLate: lateMs > 60_000, lateMs };
    }
  }
}

/** The deterministic, versioned job id of an occurrence (BullMQ: no ":", never all digits). */
export function occurrenceId(o: Pick<Occurrence, 'kind' | 'item' | 'date'>): string {
  const safe = (s: string) => s.replace(/[^A-Za-z0-9._-]/g, '_');
  return `v1-${safe(o.kind)}-${safe(o.item)}-${o.date.replace(/-/g, '')}`;
}

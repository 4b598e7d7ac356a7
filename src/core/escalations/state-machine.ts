/**
 * The escalation state machine: open → acknowledged → resolved, and resolved → reopened →
 * acknowledged. Pure: given a record, an action, the actor and the time, it returns the next
 * record (version + 1, one history entry) or says why nothing changes.
 */
import type { Escalation, HistoryEntry, ParticipantT, Status } from './model.js';
import { UNACKNOWLEDGED } from './model.js';

export type Action =
  | { type: 'acknowledge' }
  | { type: 'assign'; owner: ParticipantT }
  | { type: 'resolve'; note: string }
  | { type: 'reopen'; reason?: string }
  | { type: 'missed'; clock: 'acknowledge' | 'resolve'; cycle: number; miss: number; notify?: ParticipantT[] }
  /** The rating of the resolution of `cycle` (a new one replaces the last). */
  | { type: 'rate'; cycle: number; score: number; comment?: string };

export interface Policy {
  /** Who may resolve: anyone, or only owner, requester, leads and managers. */
  resolve: 'anyone' | 'owner-or-lead';
  /** The actor's role in the roster (unknown people count as agents). */
  roleOf(actor: ParticipantT): 'agent' | 'lead' | 'manager';
  /** New deadlines for a new cycle (creation or reopen), from `now`. */
  deadlines(record: Escalation, now: Date): { acknowledgeDueAt: string; resolveDueAt: string };
}

export type Outcome =
  | { ok: true; record: Escalation; entry: HistoryEntry }
  /** `unchanged`: it already is so (a double click); `not_allowed`: not from this state; `forbidden`: not for this person. */
  | { ok: false; code: 'unchanged' | 'not_allowed' | 'forbidden'; message: string };

const same = (a: ParticipantT | undefined, b: ParticipantT | undefined) =>
  a !== undefined && b !== undefined && ((a.personId !== undefined && a.personId === b.personId) || (a.platform === b.platform && a.user === b.user));

function next(record: Escalation, actor: ParticipantT, now: Date, entry: Omit<HistoryEntry, 'at' | 'actor'>, changes: Partial<Escalation>): Outcome {
  const at = now.toISOString();
  const full: HistoryEntry = { at, actor, ...entry };
  return {
    ok: true,
    entry: full,
    record: { ...record, ...changes, updatedAt: at, version: record.version + 1, history: [...record.history, full] },
  };
}

const refuse = (code: 'unchanged' | 'not_allowed' | 'forbidden', message: string): Outcome => ({ ok: false, code, message });

export function transition(record: Escalation, action: Action, actor: ParticipantT, now: Date, policy: Policy): Outcome {
  const { id, status } = record;
  const move = (to: Status) => ({ from: status, to });
  switch (action.type) {
    case 'acknowledge': {
      if (status === 'acknowledged') return refuse('unchanged', `${id} was already acknowledged${record.owner ? ` by ${record.owner.name}` : ''}.`);
      if (status === 'resolved') return refuse('not_allowed', `${id} is resolved; reopen it first.`);
      return next(record, actor, now, { type: 'acknowledged', ...move('acknowledged') }, {
        status: 'acknowledged',
        acknowledgedAt: now.toISOString(),
        owner: record.owner ?? actor,
      });
    }
    case 'assign': {
      if (status === 'resolved') return refuse('not_allowed', `${id} is resolved; reopen it before assigning it.`);
      if (same(record.owner, action.owner)) return refuse('unchanged', `${id} is already assigned to ${action.owner.name}.`);
      return next(record, actor, now, { type: 'assigned', owner: action.owner, note: action.owner.name }, { owner: action.owner });
    }
    case 'resolve': {
      if (status === 'resolved') return refuse('unchanged', `${id} was already resolved.`);
      const role = policy.roleOf(actor);
      const involved = same(record.owner, actor) || same(record.requester, actor);
      if (policy.resolve === 'owner-or-lead' && role === 'agent' && !involved) {
        return refuse('forbidden', `Only the owner${record.owner ? ` (${record.owner.name})` : ''}, the requester, a lead or a manager can resolve ${id}.`);
      }
      return next(record, actor, now, { type: 'resolved', note: action.note, ...move('resolved') }, {
        status: 'resolved',
        resolvedAt: now.toISOString(),
        resolution: action.note,
      });
    }
    case 'reopen': {
      if (status !== 'resolved') return refuse(status === 'reopened' ? 'unchanged' : 'not_allowed', `${id} is ${status}, not resolved.`);
      const deadlines = policy.deadlines(record, now);
      return next(record, actor, now, { type: 'reopened', ...move('reopened'), ...(action.reason ? { note: action.reason } : {}) }, {
        status: 'reopened',
        cycle: record.cycle + 1,
        ...deadlines,
        misses: { acknowledge: 0, resolve: 0 },
        acknowledgedAt: undefined,
        resolvedAt: undefined,
        resolution: undefined,
      });
    }
    case 'rate': {
      if (action.cycle !== record.cycle || status !== 'resolved') return refuse('not_allowed', `${id} was reopened after that resolution; you will be asked again when it is resolved.`);
      const earlier = record.ratings?.find((r) => r.cycle === action.cycle);
      // A plain press keeps the comment given earlier; a double click changes nothing.
      const comment = action.comment ?? earlier?.comment;
      if (earlier && earlier.score === action.score && earlier.comment === comment) return refuse('unchanged', `${id} is already rated ${action.score}/5.`);
      const rest = (record.ratings ?? []).filter((r) => r.cycle !== action.cycle);
      const rating = { cycle: action.cycle, score: action.score, at: now.toISOString(), by: actor, ...(comment ? { comment } : {}) };
      const note = `${action.score}/5${comment ? ` — ${comment}` : ''}`;
      return next(record, actor, now, { type: 'rated', note, ...move('resolved') }, { ratings: [...rest, rating] });
    }
    case 'missed': {
      const stillDue = action.clock === 'acknowledge' ? UNACKNOWLEDGED.includes(status) : status !== 'resolved';
      const count = record.misses[action.clock];
      if (!stillDue || action.cycle !== record.cycle) return refuse('not_allowed', `${id} no longer waits for ${action.clock}.`);
      if (action.miss !== count + 1) return refuse('unchanged', `reminder ${action.miss} of ${id} was already sent.`);
      return next(record, actor, now, { type: action.clock === 'acknowledge' ? 'acknowledge_missed' : 'resolve_missed', miss: action.miss, ...(action.notify && action.notify.length > 0 ? { notify: action.notify } : {}) }, {
        misses: { ...record.misses, [action.clock]: action.miss },
      });
    }
  }
}

/**
 * The escalation state machine: open → acknowledged → resolved, and resolved → reopened →
 * acknowledged; besides, edits, notes, snoozes and the bot's missed deadlines and escalation levels.
 * Pure: given a record, an action, the actor and the time, it returns the next record (version + 1,
 * one history entry) or says why nothing changes.
 */
import type { PlatformKind } from '../../chat/message.js';
import type { Change, Clock, Editable, Escalation, HistoryEntry, ParticipantT, Status } from './model.js';
import { cycleStart, EDITABLE, isSnoozed, UNACKNOWLEDGED } from './model.js';

export type Action =
  | { type: 'acknowledge' }
  | { type: 'assign'; owner: ParticipantT }
  | { type: 'resolve'; note: string }
  | { type: 'reopen'; reason?: string }
  /** New values of the fields to change; `undefined` clears an optional one. */
  | { type: 'edit'; changes: Partial<Record<Editable, string | undefined>> }
  | { type: 'note'; text: string }
  /** Pauses the reminders until `until`; without it, wakes them. */
  | { type: 'snooze'; until?: string }
  | { type: 'missed'; clock: Clock; cycle: number; miss: number; plan?: number; notify?: ParticipantT[] }
  | { type: 'escalate'; clock: Clock; cycle: number; level: number; plan?: number }
  /** The rating of the resolution of `cycle` (a new one replaces the last). */
  | { type: 'rate'; cycle: number; score: number; comment?: string };

export interface Policy {
  /** Who may resolve: anyone, or only owner, requester, leads and managers. */
  resolve: 'anyone' | 'owner-or-lead';
  /** The actor's role in the roster (unknown people count as agents). */
  roleOf(actor: ParticipantT): 'agent' | 'lead' | 'manager';
  /** The deadlines of the record's severity and department, counted from `from`. */
  deadlines(record: Escalation, from: Date): { acknowledgeDueAt: string; resolveDueAt: string };
  /** A department's channel on a platform (where its cards go). */
  channel(department: string, platform: PlatformKind): string | undefined;
}

export type Refusal = 'unchanged' | 'not_allowed' | 'forbidden';

export type Outcome =
  | { ok: true; record: Escalation; entry: HistoryEntry }
  /** `unchanged`: it already is so (a double click); `not_allowed`: not from this state; `forbidden`: not for this person. */
  | { ok: false; code: Refusal; message: string };

export const same = (a: ParticipantT | undefined, b: ParticipantT | undefined) =>
  a !== undefined && b !== undefined && ((a.personId !== undefined && a.personId === b.personId) || (a.platform === b.platform && a.user === b.user));

function next(record: Escalation, actor: ParticipantT, now: Date, entry: Omit<HistoryEntry, 'at' | 'actor'>, changes: Partial<Escalation>): Outcome {
  const at = now.toISOString();
  const full: HistoryEntry = { at, actor, ...entry };
  const updated = { ...record, ...changes, updatedAt: at, version: record.version + 1, history: [...record.history, full] };
  // Keep the stored JSON free of cleared fields.
  for (const key of Object.keys(changes) as Array<keyof Escalation>) if (updated[key] === undefined) delete updated[key];
  return { ok: true, entry: full, record: updated };
}

const refuse = (code: Refusal, message: string): Outcome => ({ ok: false, code, message });

/** Whether the actor is the requester or the owner. */
const involved = (record: Escalation, actor: ParticipantT) => same(record.owner, actor) || same(record.requester, actor);

/** The next plan number: timers of the old plan are cancelled or ignored. */
const replan = (record: Escalation) => (record.plan ?? 1) + 1;

/** The actions a person starts (the bot's own are missed deadlines and levels). */
export type PersonAction = Exclude<Action['type'], 'missed' | 'escalate'>;

/**
 * Whether the person may take this kind of action on the record in its state — asked before a form
 * collects the rest (a note, an owner), so that a refusal comes before the typing.
 */
export function gate(record: Escalation, type: PersonAction, actor: ParticipantT, now: Date, policy: Policy): Extract<Outcome, { ok: false }> | undefined {
  const { id, status } = record;
  const agent = policy.roleOf(actor) === 'agent';
  switch (type) {
    case 'acknowledge':
      if (status === 'acknowledged') return { ok: false, code: 'unchanged', message: `${id} was already acknowledged${record.owner ? ` by ${record.owner.name}` : ''}.` };
      if (status === 'resolved') return { ok: false, code: 'not_allowed', message: `${id} is resolved; reopen it first.` };
      return undefined;
    case 'assign':
      return status === 'resolved' ? { ok: false, code: 'not_allowed', message: `${id} is resolved; reopen it before assigning it.` } : undefined;
    case 'resolve':
      if (status === 'resolved') return { ok: false, code: 'unchanged', message: `${id} was already resolved.` };
      if (policy.resolve === 'owner-or-lead' && agent && !involved(record, actor)) {
        return { ok: false, code: 'forbidden', message: `Only the owner${record.owner ? ` (${record.owner.name})` : ''}, the requester, a lead or a manager can resolve ${id}.` };
      }
      return undefined;
    case 'reopen':
      return status === 'resolved' ? undefined : { ok: false, code: status === 'reopened' ? 'unchanged' : 'not_allowed', message: `${id} is ${status}, not resolved.` };
    case 'edit':
      return agent && !involved(record, actor) ? { ok: false, code: 'forbidden', message: `Only the requester, the owner, a lead or a manager can edit ${id}.` } : undefined;
    case 'snooze':
      if (agent) return { ok: false, code: 'forbidden', message: `Only leads and managers can snooze ${id}'s reminders.` };
      if (status === 'resolved') return { ok: false, code: 'not_allowed', message: `${id} is resolved; there is nothing to remind anyone of.` };
      return undefined;
    case 'note':
    case 'rate':
      return undefined;
  }
}

function edit(record: Escalation, action: Extract<Action, { type: 'edit' }>, actor: ParticipantT, now: Date, policy: Policy): Outcome {
  const { id } = record;
  const changes: Change[] = [];
  const updated: Partial<Escalation> = {};
  for (const field of EDITABLE) {
    if (!(field in action.changes)) continue;
    const to = action.changes[field];
    const from = record[field];
    if ((to ?? '') === (from ?? '')) continue;
    changes.push({ field, ...(from !== undefined ? { from } : {}), ...(to !== undefined ? { to } : {}) });
    updated[field] = to;
  }
  if (changes.length === 0) return refuse('unchanged', `Nothing changed in ${id}.`);
  const entry: Omit<HistoryEntry, 'at' | 'actor'> = { type: 'edited', changes };
  if (changes.some((c) => c.field === 'severity' || c.field === 'department')) {
    // New deadlines for the current cycle, from its start; the reminders start over.
    const changed = { ...record, ...updated };
    Object.assign(updated, policy.deadlines(changed, cycleStart(record)), { plan: replan(record), misses: { acknowledge: 0, resolve: 0 }, levelsTold: undefined });
  }
  if (updated.department !== undefined) {
    const channel = policy.channel(updated.department, record.platform);
    if (channel && channel !== record.channel) {
      updated.channel = channel;
      if (record.channel !== undefined) {
        // The card moves; the old one (in the source thread, if it lived there) says where to.
        const moved = (record.moved ?? 0) + 1;
        updated.moved = entry.moved = moved;
        if (!record.moved && record.sourceCard && record.source?.conversation === record.channel) updated.sourceCard = undefined;
      }
    }
  }
  return next(record, actor, now, entry, updated);
}

function snooze(record: Escalation, action: Extract<Action, { type: 'snooze' }>, actor: ParticipantT, now: Date): Outcome {
  const { id } = record;
  if (action.until === undefined) {
    if (!isSnoozed(record, now)) return refuse('unchanged', `${id}'s reminders are not snoozed.`);
    return next(record, actor, now, { type: 'snoozed' }, { snoozedUntil: undefined, snoozedBy: undefined, plan: replan(record) });
  }
  if (Date.parse(action.until) <= now.getTime()) return refuse('not_allowed', 'Pick a time in the future.');
  return next(record, actor, now, { type: 'snoozed', until: action.until }, { snoozedUntil: action.until, snoozedBy: actor, plan: replan(record) });
}

/** A timer of the bot's: still due in this cycle and plan? */
function stale(record: Escalation, action: { clock: Clock; cycle: number; plan?: number | undefined }): boolean {
  const stillDue = action.clock === 'acknowledge' ? UNACKNOWLEDGED.includes(record.status) : record.status !== 'resolved';
  return !stillDue || action.cycle !== record.cycle || (action.plan ?? 1) !== (record.plan ?? 1);
}

export function transition(record: Escalation, action: Action, actor: ParticipantT, now: Date, policy: Policy): Outcome {
  const { id, status } = record;
  const move = (to: Status) => ({ from: status, to });
  if (action.type !== 'missed' && action.type !== 'escalate') {
    const refused = gate(record, action.type, actor, now, policy);
    if (refused) return refused;
  }
  switch (action.type) {
    case 'acknowledge': {
      return next(record, actor, now, { type: 'acknowledged', ...move('acknowledged') }, {
        status: 'acknowledged',
        acknowledgedAt: now.toISOString(),
        owner: record.owner ?? actor,
      });
    }
    case 'assign': {
      if (same(record.owner, action.owner)) return refuse('unchanged', `${id} is already assigned to ${action.owner.name}.`);
      return next(record, actor, now, { type: 'assigned', owner: action.owner, note: action.owner.name }, { owner: action.owner });
    }
    case 'resolve': {
      return next(record, actor, now, { type: 'resolved', note: action.note, ...move('resolved') }, {
        status: 'resolved',
        resolvedAt: now.toISOString(),
        resolution: action.note,
      });
    }
    case 'reopen': {
      const deadlines = policy.deadlines(record, now);
      return next(record, actor, now, { type: 'reopened', ...move('reopened'), ...(action.reason ? { note: action.reason } : {}) }, {
        status: 'reopened',
        cycle: record.cycle + 1,
        plan: undefined,
        ...deadlines,
        misses: { acknowledge: 0, resolve: 0 },
        levelsTold: undefined,
        snoozedUntil: undefined,
        snoozedBy: undefined,
        acknowledgedAt: undefined,
        resolvedAt: undefined,
        resolution: undefined,
      });
    }
    case 'edit':
      return edit(record, action, actor, now, policy);
    case 'note':
      return next(record, actor, now, { type: 'noted', note: action.text }, {});
    case 'snooze':
      return snooze(record, action, actor, now);
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
      if (stale(record, action)) return refuse('not_allowed', `${id} no longer waits for ${action.clock}.`);
      const count = record.misses[action.clock];
      if (action.miss !== count + 1) return refuse('unchanged', `reminder ${action.miss} of ${id} was already sent.`);
      const notify = action.notify && action.notify.length > 0 ? { notify: action.notify } : {};
      return next(record, actor, now, { type: action.clock === 'acknowledge' ? 'acknowledge_missed' : 'resolve_missed', miss: action.miss, ...notify }, {
        misses: { ...record.misses, [action.clock]: action.miss },
      });
    }
    case 'escalate': {
      if (stale(record, action)) return refuse('not_allowed', `${id} no longer waits for ${action.clock}.`);
      const told = record.levelsTold ?? { acknowledge: [], resolve: [] };
      if (told[action.clock].includes(action.level)) return refuse('unchanged', `level ${action.level} of ${id} was already told.`);
      return next(record, actor, now, { type: 'escalated', level: action.level, clock: action.clock }, {
        levelsTold: { ...told, [action.clock]: [...told[action.clock], action.level] },
      });
    }
  }
}

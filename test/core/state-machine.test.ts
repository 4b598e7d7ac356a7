import { describe, expect, it } from 'vitest';
import { transition, type Action } from '../../src/core/escalations/state-machine.js';
import type { Escalation, ParticipantT } from '../../src/core/escalations/model.js';
import { exampleConfig } from '../support/app.js';
import { ANA, BEN, CARO, STRANGER, record, rulesFor } from '../support/records.js';

const NOW = new Date('2026-11-23T09:05:00Z');
const rules = rulesFor();
const strict = rulesFor({ ...exampleConfig(), escalations: { ...exampleConfig().escalations, resolve: 'owner-or-lead' } });

function apply(e: Escalation, action: Action, actor: ParticipantT = BEN, policy = rules.policy()) {
  return transition(e, action, actor, NOW, policy);
}

function ok(result: ReturnType<typeof apply>): Escalation {
  if (!result.ok) throw new Error(result.message);
  return result.record;
}

describe('escalation state machine', () => {
  it('goes open → acknowledged → resolved → reopened → acknowledged, one history entry and version each', () => {
    let e = record();
    e = ok(apply(e, { type: 'acknowledge' }));
    expect(e).toMatchObject({ status: 'acknowledged', owner: BEN, acknowledgedAt: NOW.toISOString(), version: 2 });
    e = ok(apply(e, { type: 'resolve', note: 'Fixed the gateway' }));
    expect(e).toMatchObject({ status: 'resolved', resolution: 'Fixed the gateway', version: 3 });
    e = ok(apply(e, { type: 'reopen', reason: 'Back again' }, ANA));
    expect(e).toMatchObject({ status: 'reopened', cycle: 2, misses: { acknowledge: 0, resolve: 0 } });
    // Cleared fields are gone from the stored record, not kept as undefined.
    expect(Object.keys(e)).not.toContain('resolution');
    expect(Object.keys(e)).not.toContain('acknowledgedAt');
    expect(e.acknowledgeDueAt).toBe(new Date(NOW.getTime() + 15 * 60_000).toISOString());
    e = ok(apply(e, { type: 'acknowledge' }, CARO));
    expect(e.history.map((h) => [h.type, h.from, h.to])).toEqual([
      ['created', undefined, 'open'],
      ['acknowledged', 'open', 'acknowledged'],
      ['resolved', 'acknowledged', 'resolved'],
      ['reopened', 'resolved', 'reopened'],
      ['acknowledged', 'reopened', 'acknowledged'],
    ]);
    expect(e.version).toBe(5);
    // Acknowledging keeps the first owner.
    expect(e.owner).toEqual(BEN);
  });

  it('refuses what is not allowed, and tells a repeat from a mistake', () => {
    const acked = ok(apply(record(), { type: 'acknowledge' }));
    expect(apply(acked, { type: 'acknowledge' }, CARO)).toMatchObject({ ok: false, code: 'unchanged', message: 'ESC-7 was already acknowledged by Ben Okafor.' });
    const resolved = ok(apply(acked, { type: 'resolve', note: 'done' }));
    expect(apply(resolved, { type: 'resolve', note: 'again' })).toMatchObject({ ok: false, code: 'unchanged' });
    expect(apply(resolved, { type: 'acknowledge' })).toMatchObject({ ok: false, code: 'not_allowed' });
    expect(apply(resolved, { type: 'assign', owner: CARO })).toMatchObject({ ok: false, code: 'not_allowed' });
    expect(apply(record(), { type: 'reopen' })).toMatchObject({ ok: false, code: 'not_allowed' });
    expect(apply(acked, { type: 'assign', owner: BEN })).toMatchObject({ ok: false, code: 'unchanged', message: 'ESC-7 is already assigned to Ben Okafor.' });
  });

  it('lets only the owner, the requester, leads and managers resolve when the config says so', () => {
    const owned = { ...record(), owner: BEN };
    expect(apply(owned, { type: 'resolve', note: 'x' }, CARO, strict.policy())).toMatchObject({ ok: false, code: 'forbidden', message: 'Only the owner (Ben Okafor), the requester, a lead or a manager can resolve ESC-7.' });
    expect(apply(owned, { type: 'resolve', note: 'x' }, STRANGER, strict.policy())).toMatchObject({ ok: false, code: 'forbidden' });
    expect(apply({ ...owned, owner: CARO }, { type: 'resolve', note: 'x' }, CARO, strict.policy()).ok).toBe(true);
    expect(apply(owned, { type: 'resolve', note: 'x' }, BEN, strict.policy()).ok).toBe(true); // a lead
    expect(apply(owned, { type: 'resolve', note: 'x' }, ANA, strict.policy()).ok).toBe(true); // the requester, a manager
    expect(apply(owned, { type: 'resolve', note: 'x' }, CARO).ok).toBe(true); // "anyone"
  });

  it('counts each missed deadline once, and only while it still applies', () => {
    const e = record();
    const first = ok(apply(e, { type: 'missed', clock: 'acknowledge', cycle: 1, miss: 1 }));
    expect(first.misses).toEqual({ acknowledge: 1, resolve: 0 });
    expect(apply(first, { type: 'missed', clock: 'acknowledge', cycle: 1, miss: 1 })).toMatchObject({ ok: false, code: 'unchanged' });
    expect(apply(first, { type: 'missed', clock: 'acknowledge', cycle: 0, miss: 2 })).toMatchObject({ ok: false, code: 'not_allowed' });
    const acked = ok(apply(first, { type: 'acknowledge' }));
    expect(apply(acked, { type: 'missed', clock: 'acknowledge', cycle: 1, miss: 2 })).toMatchObject({ ok: false, code: 'not_allowed' });
    expect(ok(apply(acked, { type: 'missed', clock: 'resolve', cycle: 1, miss: 1 })).misses.resolve).toBe(1);
  });

  it('edits: re-plans the deadlines from the cycle start on a severity or department change, moves the card, and lets only the involved, leads and managers', () => {
    const e = record();
    expect(apply(e, { type: 'edit', changes: { customer: 'Globex' } }, CARO)).toMatchObject({ ok: false, code: 'forbidden', message: 'Only the requester, the owner, a lead or a manager can edit ESC-7.' });
    expect(apply(e, { type: 'edit', changes: { customer: 'Acme' } })).toMatchObject({ ok: false, code: 'unchanged' });
    const edited = ok(apply(e, { type: 'edit', changes: { severity: 'P3', department: 'billing', ticketUrl: undefined } }, ANA));
    expect(edited).toMatchObject({ severity: 'P3', department: 'billing', channel: 'C0BILLING', moved: 1, plan: 2, acknowledgeDueAt: '2026-11-23T11:00:00.000Z', resolveDueAt: '2026-11-25T09:00:00.000Z' });
    expect(edited.history.at(-1)).toMatchObject({ type: 'edited', moved: 1, changes: [{ field: 'severity', from: 'P1', to: 'P3' }, { field: 'department', from: 'support', to: 'billing' }] });
  });

  it('snoozes (leads and managers only), wakes, and keeps the deadlines; a note changes nothing else', () => {
    const e = record();
    const until = '2026-11-23T10:05:00.000Z';
    expect(apply(e, { type: 'snooze', until }, CARO)).toMatchObject({ ok: false, code: 'forbidden' });
    const snoozed = ok(apply(e, { type: 'snooze', until }));
    expect(snoozed).toMatchObject({ snoozedUntil: until, snoozedBy: BEN, plan: 2, acknowledgeDueAt: e.acknowledgeDueAt });
    const woken = ok(apply(snoozed, { type: 'snooze' }, ANA));
    expect(Object.keys(woken)).not.toContain('snoozedUntil');
    expect(apply(woken, { type: 'snooze' })).toMatchObject({ ok: false, code: 'unchanged' });
    const noted = ok(apply(e, { type: 'note', text: 'Called the customer' }, CARO));
    expect(noted.history.at(-1)).toMatchObject({ type: 'noted', note: 'Called the customer', actor: CARO });
    expect({ ...noted, history: e.history, version: 1, updatedAt: e.updatedAt }).toEqual(e);
  });

  it('tells each escalation level once per plan, and ignores timers of an older plan', () => {
    const e = ok(apply(record(), { type: 'snooze', until: '2026-11-23T09:30:00.000Z' }));
    expect(apply(e, { type: 'escalate', clock: 'acknowledge', cycle: 1, level: 2 })).toMatchObject({ ok: false, code: 'not_allowed' });
    const told = ok(apply(e, { type: 'escalate', clock: 'acknowledge', cycle: 1, level: 2, plan: 2 }));
    expect(told.levelsTold).toEqual({ acknowledge: [2], resolve: [] });
    expect(apply(told, { type: 'escalate', clock: 'acknowledge', cycle: 1, level: 2, plan: 2 })).toMatchObject({ ok: false, code: 'unchanged' });
  });
});

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
    expect(e).toMatchObject({ status: 'reopened', cycle: 2, misses: { acknowledge: 0, resolve: 0 }, resolution: undefined, acknowledgedAt: undefined });
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
});

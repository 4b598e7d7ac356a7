import { describe, expect, it } from 'vitest';
import { levelTimerId, planAll, planChange, timerId } from '../../src/core/escalations/effects.js';
import { transition } from '../../src/core/escalations/state-machine.js';
import type { Escalation } from '../../src/core/escalations/model.js';
import { BEN, record, rulesFor } from '../support/records.js';

const rules = rulesFor();
const NOW = new Date('2026-11-23T09:05:00Z');

function next(e: Escalation, action: Parameters<typeof transition>[1], at = NOW): Escalation {
  const r = transition(e, action, BEN, at, rules.policy());
  if (!r.ok) throw new Error(r.message);
  return r.record;
}

describe('escalation effects', () => {
  it('a new record posts its card, confirms to the requester, and sets both SLA timers', () => {
    const e = record();
    const plan = planChange(undefined, e, rules, NOW);
    expect(plan.deliveries.map((d) => [d.key, d.target.kind, d.saveAs])).toEqual([
      ['slack-T0TEST.esc.ESC-7.card', 'conversation', 'esc.ESC-7.card'],
      ['slack-T0TEST.esc.ESC-7.confirm', 'dm', undefined],
    ]);
    expect(plan.deliveries[1]?.target).toEqual({ kind: 'dm', user: 'U0ANALIMA' });
    // Reminders to the people on duty from the deadline; the managers (level 2) two reminders later.
    expect(plan.schedule.map((t) => [t.id, t.at.toISOString()])).toEqual([
      ['sla-slack-T0TEST-ESC-7-c1-ack-n1', '2026-11-23T09:15:00.000Z'],
      ['sla-slack-T0TEST-ESC-7-c1-ack-l2', '2026-11-23T09:35:00.000Z'],
      ['sla-slack-T0TEST-ESC-7-c1-res-n1', '2026-11-23T13:00:00.000Z'],
      ['sla-slack-T0TEST-ESC-7-c1-res-l2', '2026-11-23T13:20:00.000Z'],
    ]);
    // BullMQ refuses ids with ":" or all digits.
    for (const t of plan.schedule) expect(t.id).not.toMatch(/:|^\d+$/);
  });

  it('acknowledging updates the card, adds a thread line and cancels the pending reminder', () => {
    const before = next(record(), { type: 'missed', clock: 'acknowledge', cycle: 1, miss: 1 });
    const after = next(before, { type: 'acknowledge' });
    const plan = planChange(before, after, rules, NOW);
    expect(plan.deliveries.map((d) => d.key)).toEqual(['slack-T0TEST.esc.ESC-7.card', 'slack-T0TEST.esc.ESC-7.card.v3', 'slack-T0TEST.esc.ESC-7.h2', 'slack-T0TEST.esc.ESC-7.h2.req-ana']);
    expect(plan.deliveries[1]?.target).toEqual({ kind: 'update', of: 'esc.ESC-7.card', version: 3 });
    expect(plan.deliveries[2]?.target).toEqual({ kind: 'reply', to: 'esc.ESC-7.card' });
    // The requester hears who acknowledged.
    expect(plan.deliveries[3]?.target).toEqual({ kind: 'dm', user: 'U0ANALIMA' });
    expect(plan.cancel).toEqual([timerId(before, 'acknowledge', 2), levelTimerId(before, 'acknowledge', 2)]);
    expect(plan.schedule.map((t) => t.id)).toEqual(['sla-slack-T0TEST-ESC-7-c1-res-n1', 'sla-slack-T0TEST-ESC-7-c1-res-l2']);
  });

  it('reminds every renotifyEvery after a miss, and tells the next level once, by DM', () => {
    let e = record();
    for (let miss = 1; miss <= 3; miss += 1) e = next(e, { type: 'missed', clock: 'acknowledge', cycle: 1, miss }, new Date(NOW.getTime() + miss * 600_000));
    let plan = planChange(undefined, e, rules, NOW);
    expect(plan.schedule[0]).toMatchObject({ id: 'sla-slack-T0TEST-ESC-7-c1-ack-n4', at: new Date(NOW.getTime() + 3 * 600_000 + 600_000) });
    const line = plan.deliveries.find((d) => d.key.endsWith('.h3'));
    expect(line?.message.text).toContain('<@ben> <@caro> please take a look. (reminder 3)');
    e = next(e, { type: 'escalate', clock: 'acknowledge', cycle: 1, level: 2 });
    plan = planChange(undefined, e, rules, NOW);
    expect(plan.deliveries.find((d) => d.key.endsWith('h4.lvl-ana'))?.target).toEqual({ kind: 'dm', user: 'U0ANALIMA' });
    expect(plan.schedule.map((t) => t.id)).not.toContain(levelTimerId(e, 'acknowledge', 2));
  });

  it('a snooze moves the pending reminders to its end without touching the deadline', () => {
    const e = next(record(), { type: 'snooze', until: '2026-11-23T12:00:00.000Z' });
    const plan = planChange(record(), e, rules, NOW);
    expect(plan.cancel).toContain('sla-slack-T0TEST-ESC-7-c1-ack-n1');
    expect(plan.schedule.map((t) => [t.id, t.at.toISOString()])).toEqual([
      ['sla-slack-T0TEST-ESC-7-c1-p2-ack-n1', '2026-11-23T12:00:00.000Z'],
      ['sla-slack-T0TEST-ESC-7-c1-p2-ack-l2', '2026-11-23T12:00:00.000Z'],
      ['sla-slack-T0TEST-ESC-7-c1-p2-res-n1', '2026-11-23T13:00:00.000Z'],
      ['sla-slack-T0TEST-ESC-7-c1-p2-res-l2', '2026-11-23T13:20:00.000Z'],
    ]);
    expect(e.acknowledgeDueAt).toBe(record().acknowledgeDueAt);
  });

  it('planning everything again yields the same keys and timer ids (the reconciler changes nothing twice)', () => {
    let e = record();
    e = next(e, { type: 'acknowledge' });
    e = next(e, { type: 'assign', owner: { platform: 'slack', user: 'U0CARODIA', personId: 'caro', name: 'Carolina Díaz' } });
    const a = planAll(e, rules, NOW);
    const b = planAll(e, rules, new Date(NOW.getTime() + 3600_000));
    expect(a.deliveries.map((d) => d.key)).toEqual(b.deliveries.map((d) => d.key));
    expect(a.schedule.map((t) => [t.id, t.at.getTime()])).toEqual(b.schedule.map((t) => [t.id, t.at.getTime()]));
    expect(new Set(a.deliveries.map((d) => d.key)).size).toBe(a.deliveries.length);
  });

  it('keys differ between tenants, so two workspaces never share an id', () => {
    const one = planChange(undefined, record(), rules, NOW).deliveries.map((d) => d.key);
    const two = planChange(undefined, record({ tenant: 'slack-T0OTHER' }), rules, NOW).deliveries.map((d) => d.key);
    expect(one.filter((k) => two.includes(k))).toEqual([]);
  });

  it('a record for a department without a channel on its platform is still recorded, and the requester is told', () => {
    const e = record({ platform: 'teams', department: 'billing', channel: undefined, requester: { platform: 'teams', user: '6f1c2b7e-3a44-4c1e-9d2a-1b2c3d4e5f60', personId: 'ana', name: 'Ana Lima' } });
    const plan = planChange(undefined, e, rules, NOW);
    expect(plan.deliveries.map((d) => d.target.kind)).toEqual(['dm']);
    expect(plan.deliveries[0]?.message.text).toContain('has no teams channel configured');
  });
});

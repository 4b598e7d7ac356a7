/**
 * A missed acknowledge deadline, end to end in the console: the escalation's real SLA timer records
 * the miss, the hourly evaluation finds it, and the owner's leads get a suggestion (Caro is in no
 * quiet hours: Monday 15:00 UTC is 10:00 in Bogotá).
 */
import { describe, expect, it } from 'vitest';
import { RedisCoachingStore } from '../../src/store/coaching.js';
import { RedisEscalationReader } from '../../src/store/escalation-reader.js';
import { eventually } from '../support/app.js';
import { clockAt } from '../support/clock.js';
import { consoleAppPerTest } from '../support/console-lines.js';
import { shiftConfig } from '../support/shift-config.js';
import { evaluateSignals } from './fixtures.js';

describe('a missed acknowledge deadline becomes a suggestion', () => {
  const start = consoleAppPerTest();

  it('the owner at the deadline is the person; the leads get the facts; nothing reaches the owner', async () => {
    const clock = clockAt(new Date('2027-03-01T15:00:00Z'));
    const config = shiftConfig({ extra: (y) => y.replace('{ id: P1, label: Critical, acknowledgeWithin: 15m, resolveWithin: 4h }', '{ id: P1, label: Critical, acknowledgeWithin: 2s, resolveWithin: 1h }') });
    const { app, terminal: t } = await start({ config, clock });
    const tenant = 'console-local';
    const { id } = await app.escalations.create({ platform: 'console', tenant, user: 'ana' }, { customer: 'Globex', severity: 'P1', department: 'support', summary: 'VIP cannot log in' }, {});
    const assigned = await app.escalations.act(tenant, id, { type: 'assign', owner: { platform: 'console', user: 'caro', personId: 'caro', name: 'Carolina Díaz' } }, { platform: 'console', user: 'ana', personId: 'ana', name: 'Ana Lima' });
    expect(assigned.ok).toBe(true);
    const reader = new RedisEscalationReader(app.redis, app.prefix);
    const running = app;
    await eventually(async () => (await reader.get(tenant, [id]))[0]?.history.some((h) => h.type === 'acknowledge_missed') ?? false, 15_000, 'the missed deadline');
    await evaluateSignals(app, clock.now());
    const suggestion = (await new RedisCoachingStore(running.redis, running.prefix).getSuggestion('S-1'))?.record;
    expect(suggestion).toMatchObject({ rule: 'missedAcknowledge', person: 'caro', status: 'open', reviewers: ['ben', 'ana'] });
    await t.printed(/DM to Ben Okafor[\s\S]*Suggested nudge for Carolina Díaz · Missed acknowledge deadline[\s\S]*was assigned to Carolina Díaz and missed its acknowledge deadline \(2s\)/);
    expect(t.out).not.toMatch(/DM to Carolina Díaz[^┌]*Suggested/);
    expect(t.out).not.toMatch(/DM to Carolina Díaz[^┌]*A note from/);
  }, 30_000);
});

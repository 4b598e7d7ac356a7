/**
 * What shifts add to a briefing's "Needs attention" and to Home, on real Redis: who is on shift on
 * the briefing's day (the rotation's turn, a shift in another zone), a handoff not acknowledged,
 * and a person's next shift and the handoff waiting for them.
 */
import type { Redis } from 'ioredis';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Reach } from '../../src/core/reach.js';
import { Settings } from '../../src/core/settings.js';
import { ShiftContext } from '../../src/core/shifts/context.js';
import { shiftGlance } from '../../src/core/shifts/glance.js';
import { connectRedis } from '../../src/store/redis.js';
import { RedisShiftStore } from '../../src/store/shifts.js';
import { parseTeamConfig } from '../../src/config/team-config.js';
import { EXAMPLE_YAML } from '../support/configs.js';
import { BEN } from '../support/records.js';
import { deletePrefix, redisUrl, uniquePrefix } from '../support/redis.js';

describe('shifts at a glance', () => {
  let redis: Redis;
  let prefix: string;
  beforeEach(async () => {
    redis = await connectRedis(redisUrl(), 'store');
    prefix = uniquePrefix();
  });
  afterEach(async () => {
    await deletePrefix(redis, prefix);
    redis.disconnect();
  });

  it('adds who is on shift today and a handoff not acknowledged to briefings, and the next shift and the handoff waiting to Home', async () => {
    const settings = new Settings(parseTeamConfig(EXAMPLE_YAML));
    const store = new RedisShiftStore(redis, prefix);
    const now = new Date('2026-12-07T07:30:00Z');
    const ctx = new ShiftContext({
      settings,
      store,
      outbox: { enqueue: async () => undefined },
      timers: { schedule: async () => undefined, cancel: async () => undefined },
      clock: { now: () => now },
      reach: new Reach({ settings, tenants: { tenant: async () => undefined }, platforms: () => [] }),
      openEscalations: async () => [],
      replan: async () => undefined,
    });
    await store.createHandoff(
      { department: 'support', author: BEN, incoming: { shiftId: 'late', date: '2026-12-07', start: '2026-12-07T14:00:00.000Z', people: ['caro'] }, notes: 'Watch ACME', escalations: [], createdAt: '2026-12-07T06:55:00.000Z', cards: [] },
      { actor: 'ben', at: '2026-12-07T06:55:00.000Z', type: 'handoff.created', subject: '' },
    );
    const glance = shiftGlance(ctx);
    const context = { briefingId: 'support-morning', departments: undefined, date: '2026-12-06', postedOn: '2026-12-07', zone: 'Europe/Lisbon', now };
    const lines = (await Promise.all(glance.briefing.map((s) => s.lines(context)))).flat();
    // Monday 7 December: the weekly rotation (ben from 30 November) gives Carolina the early shift;
    // the night shift (21:30–05:30 Kolkata) is 16:00–00:00 in Lisbon.
    expect(lines).toEqual([
      '👥 **On shift today** (Frontline support): Carolina Díaz 06:00–14:00; Carolina Díaz 14:00–22:00',
      '👥 **On shift today** (Billing): Dev Patel 16:00–00:00',
      '🤝 **Handoff not acknowledged:** HO-1 (Frontline support) from Ben Okafor, waiting since <time:2026-12-07T06:55:00Z> for Carolina Díaz',
    ]);
    const billingOnly = (await Promise.all(glance.briefing.map((s) => s.lines({ ...context, departments: ['billing'] })))).flat();
    expect(billingOnly).toEqual(['👥 **On shift today** (Billing): Dev Patel 16:00–00:00']);

    const caro = settings.roster.byId('caro');
    const home = (await Promise.all(glance.home.map((s) => s.blocks({ platform: 'slack', tenant: 'slack-T0TEST', user: 'U0CARODIA', ...(caro ? { person: caro } : {}) }, now)))).flat();
    expect(home).toEqual([
      { type: 'section', text: '🕘 **On shift now:** Frontline support (early), <time:2026-12-07T06:00:00Z> to <time:2026-12-07T14:00:00Z>' },
      { type: 'section', text: '🤝 **A handoff waits for you:** HO-1 from Ben Okafor (Frontline support)' },
      { type: 'actions', buttons: [{ actionId: 'handoff.ack', label: 'Acknowledge', value: 'HO-1', style: 'primary' }] },
    ]);
  });
});

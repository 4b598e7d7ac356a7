/**
 * The week the workload tests report on: Europe/London, Mon 22 – Sun 28 March 2027, with the
 * spring clock change on Sunday 28 (see compute.test.ts for the numbers), kudos and escalations
 * written before the app starts. The night shift rotates weekly: Dev's the week before, Ben's this week; the summary is due Monday 29 March at 08:00 London time (07:00 UTC).
 */
import type { Redis } from 'ioredis';
import { parseTeamConfig } from '../../src/config/team-config.js';
import type { TeamConfig } from '../../src/config/team-config-schema.js';
import type { NewEscalation } from '../../src/core/escalations/store.js';
import { RedisEscalationStore } from '../../src/store/escalations.js';
import { RedisKudosStore } from '../../src/store/kudos.js';
import { globalKeys } from '../../src/store/keys.js';
import type { RunningApp } from '../../src/app.js';
import { eventually } from '../support/app.js';
import type { MovableClock } from '../support/clock.js';
import { EXAMPLE_YAML, withoutShifts } from '../support/configs.js';

/** The occurrence of the support department's summary. */
export const OCCURRENCE = 'v1-workload.weekly-support-20270329';

/**
 * Start the app an hour early without the summary, then call this: the clock moves to 1.5 s before
 * it is due and the summary is switched on (a reload), so that however slowly the app started, the
 * occurrence is planned ahead of its minute. Returns when it is planned.
 */
export async function armSummary(app: RunningApp & { prefix: string }, clock: MovableClock): Promise<void> {
  clock.set(new Date(Date.parse(DUE) - 1500));
  await app.reload(workloadConfig());
  await eventually(async () => {
    if ((await app.redis.hexists(globalKeys(app.prefix).scheduleIndex, OCCURRENCE)) === 1) return true;
    await app.schedules.reconcile();
    return false;
  }, 10_000, 'the summary planned');
}

export const DUE = '2027-03-29T07:00:00Z';

export function workloadConfig(summary = true): TeamConfig {
  const config = parseTeamConfig(`${withoutShifts(EXAMPLE_YAML)}
shifts:
  - { id: night, name: Night, department: support, start: "22:00", end: "06:00", timezone: Europe/London, people: [ben, dev], rotation: weekly, rotationStart: 2027-03-22 }
  - { id: eve, name: Evening, department: support, start: "14:00", end: "22:30", timezone: Europe/London, days: [mon, tue, wed, thu], people: [ana] }
  - { id: day, name: Day, department: support, start: "09:00", end: "17:00", timezone: Europe/London, days: [mon, tue, wed, thu, fri], people: [caro] }
`);
  if (summary) config.coaching.weeklySummary = { day: 'mon', at: '08:00', timezone: 'Europe/London' };
  // No reminders: the test week's DMs are the summary's alone.
  config.reminders = { beforeShift: null, eveningBefore: 'off' };
  config.handoffs = { ...config.handoffs, promptBefore: null };
  return config;
}

const who = (personId: string, user: string, name: string) => ({ platform: 'slack' as const, user, personId, name });
const BEN = who('ben', 'U0BENOKAF', 'Ben Okafor');
const CARO = who('caro', 'U0CARODIA', 'Carolina Díaz');

/** An acknowledged (still open) P2 escalation of support created at `at`, acknowledged `ackAfterMin` later. */
function escalation(tenant: string, at: string, owner: typeof BEN, ackAfterMin: number): NewEscalation {
  const created = Date.parse(at);
  const ackAt = new Date(created + ackAfterMin * 60_000).toISOString();
  return {
    tenant,
    platform: 'slack',
    status: 'acknowledged',
    severity: 'P2',
    department: 'support',
    customer: 'Acme',
    summary: 'Checkout fails',
    requester: CARO,
    owner,
    createdAt: at,
    updatedAt: ackAt,
    acknowledgedAt: ackAt,
    cycle: 1,
    acknowledgeDueAt: new Date(created + 30 * 60_000).toISOString(),
    resolveDueAt: new Date(created + 30 * 86_400_000).toISOString(),
    misses: { acknowledge: 0, resolve: 0 },
    version: 2,
    history: [
      { at, type: 'created', actor: CARO, to: 'open' },
      { at: ackAt, type: 'acknowledged', actor: owner, from: 'open', to: 'acknowledged', owner },
    ],
  };
}

/** Ben owns five of the week's escalations (two acknowledged late), Caro one; Caro got two kudos that week, Ben one the week before. */
export async function seedWeek(redis: Redis, prefix: string): Promise<void> {
  const escalations = new RedisEscalationStore(redis, prefix);
  const tenant = 'slack-T0TEST';
  const audit = { actor: 'test', at: '2027-03-23T09:00:00Z', type: 'escalation.created', subject: '' };
  const add = async (draft: NewEscalation) => {
    const made = await escalations.create(tenant, draft, audit);
    // Stored as if its cards had long been posted: the app has nothing to catch up on.
    if (made.created) await escalations.clean(tenant, made.record.id, made.record.version);
  };
  for (let i = 0; i < 5; i += 1) await add(escalation(tenant, `2027-03-2${3 + i}T09:00:00.000Z`, BEN, i < 2 ? 45 : 5));
  await add(escalation(tenant, '2027-03-24T11:00:00.000Z', CARO, 5));
  // One a week earlier: not this week's.
  await add(escalation(tenant, '2027-03-15T11:00:00.000Z', CARO, 5));
  const kudos = new RedisKudosStore(redis, prefix);
  const gift = (from: string, to: string, at: string, n: number) =>
    kudos.give({ from, to, giverDate: at.slice(0, 10), fingerprint: `f${n}`, at: new Date(at), maxPerDay: 5, duplicateWindowMs: 60_000 }, { actor: from, at, type: 'kudos.given', subject: '' });
  await gift('ana', 'caro', '2027-03-23T12:00:00Z', 1);
  await gift('ben', 'caro', '2027-03-28T22:30:00Z', 2); // Sunday 23:30 in London (BST): still the week
  await gift('ana', 'ben', '2027-03-21T12:00:00Z', 3);
  await gift('ana', 'ben', '2027-03-28T23:30:00Z', 4); // Monday 00:30 in London: the next week
}

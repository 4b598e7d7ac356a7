/** Escalation records for the coaching tests: made through the escalation service, as people would. */
import type { PlatformKind } from '../../src/chat/message.js';
import type { startTestApp } from '../support/app.js';

type App = Awaited<ReturnType<typeof startTestApp>>;

export interface Who {
  platform: PlatformKind;
  tenant: string;
  user: string;
  personId: string;
  name: string;
}

/** Raised by `requester`, acknowledged and resolved by `resolver`, rated `score` by the requester. */
export async function ratedEscalation(app: App, requester: Who, resolver: Who, score: number, summary = 'Checkout times out'): Promise<string> {
  const { id } = await app.escalations.create({ platform: requester.platform, tenant: requester.tenant, user: requester.user }, { customer: 'Globex', severity: 'P3', department: 'support', summary }, {});
  const part = (w: Who) => ({ platform: w.platform, user: w.user, personId: w.personId, name: w.name });
  for (const action of [{ type: 'acknowledge' as const }, { type: 'resolve' as const, note: 'Restarted the payment worker.' }]) {
    const done = await app.escalations.act(requester.tenant, id, action, part(resolver));
    if (!done.ok) throw new Error(done.message);
  }
  const rated = await app.escalations.act(requester.tenant, id, { type: 'rate', cycle: 1, score }, part(requester));
  if (!rated.ok) throw new Error(rated.message);
  return id;
}

let runs = 0;

/** Runs the signal evaluation at the app's `now`, as its hourly job does (an occurrence of its own each time). */
export async function evaluateSignals(app: App, now: Date): Promise<string> {
  runs += 1;
  return app.schedules.process({ kind: 'coaching.signals', item: `test-${runs}`, date: now.toISOString().slice(0, 10), at: now.toISOString() });
}

/** Bad input and faults on Teams: auth, non-activities, blocked users, throttling. */
import { afterEach, describe, expect, it } from 'vitest';
import { counter } from '../support/app.js';
import { startTeamsHarness, type TeamsHarness } from '../support/teams-app.js';
import { ANA, BEN, botAddedToTeam, channelMention, installedForUser, invoke, TENANT_ID } from '../support/teams-activities.js';

const T = `teams-${TENANT_ID}`;

describe('Teams: bad input and faults', () => {
  const harnesses: TeamsHarness[] = [];
  afterEach(async () => {
    for (const h of harnesses.splice(0)) await h.close();
  });
  async function harness(env: Record<string, string> = {}): Promise<TeamsHarness> {
    const h = await startTeamsHarness({ env });
    harnesses.push(h);
    return h;
  }

  it('with MicrosoftAppId set, refuses an activity without a valid Bot Framework token (401)', async () => {
    const h = await harness({ MicrosoftAppId: '00000000-0000-0000-0000-000000000001', MicrosoftAppPassword: 'secret' });
    const activity = channelMention(h.serviceUrl, ANA, 'escalate nothing');
    expect((await h.send(activity)).status).toBe(401);
    const forged = await fetch(`${h.base}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: 'Bearer not.a.token' }, body: JSON.stringify(activity) });
    expect(forged.status).toBe(401);
    expect(h.connector.calls).toEqual([]);
  });

  it('without MicrosoftAppId, takes activities from local tools only (never sends to other hosts)', async () => {
    const h = await harness();
    const remote = channelMention('https://smba.trafficmanager.net/amer/', ANA, 'help');
    const res = await h.send(remote);
    expect(res.status).toBe(401);
    expect(res.json).toMatchObject({ error: 'unauthorized' });
    expect((await h.send(channelMention(h.serviceUrl.replace('127.0.0.1', 'localhost'), ANA, 'help'))).status).toBe(200);
    expect(h.connector.calls.filter((c) => c.method === 'POST')).toHaveLength(1);
  });

  it('answers 400 to bodies that are not activities, and keeps running', async () => {
    const h = await harness();
    expect((await h.send('{not json')).status).toBe(400);
    expect((await h.send({})).status).toBe(400);
    expect((await h.send({ type: 'message' })).status).toBe(400);
    expect((await h.send([1, 2, 3])).status).toBe(400);
    expect((await h.send({ type: 'message', conversation: { id: 'x' } })).status).toBeLessThan(500);
    expect((await fetch(`${h.base}/healthz`)).status).toBe(200);
  });

  it('marks a blocked user (403) dead: one attempt, recorded, no retries, and later sends stop at once', async () => {
    const h = await harness();
    await h.send(botAddedToTeam(h.serviceUrl, ANA));
    await h.send(installedForUser(h.serviceUrl, ANA));
    const personal = `a:1personal-${ANA.aadObjectId}`;
    h.connector.script((c) => c.conversation === personal, { status: 403, body: { error: { code: 'ConversationBlockedByUser', message: 'User blocked the conversation with the bot.' } } }, Number.POSITIVE_INFINITY);
    const escalations = h.app.escalations;
    const actor = { platform: 'teams' as const, tenant: T, user: ANA.aadObjectId, conversation: '19:general@thread.tacv2' };
    await escalations.create(actor, { customer: 'Acme', severity: 'P3', department: 'support', summary: 'One' }, {});
    await h.connector.waitFor((c) => c.some((x) => x.conversation === personal));
    await expect.poll(async () => (await h.app.queues.get('outbox').getJob(`${T}.esc.ESC-1.confirm`))?.getState(), { timeout: 10_000 }).toBe('failed');
    const stored = JSON.parse((await h.app.redis.hget(`${h.app.prefix}:{${T}}:teams:refs`, `user:${ANA.aadObjectId}`)) ?? '{}') as { dead?: { code: string } };
    expect(stored.dead?.code).toBe('blocked');
    expect(await counter(h.app, 'shiftlead_outbox_permanent_failures_total', { platform: 'teams', code: 'blocked' })).toBe(1);

    await escalations.create(actor, { customer: 'Acme', severity: 'P3', department: 'support', summary: 'Two' }, {});
    await expect.poll(async () => (await h.app.queues.get('outbox').getJob(`${T}.esc.ESC-2.confirm`))?.getState(), { timeout: 10_000 }).toBe('failed');
    expect(h.connector.calls.filter((x) => x.conversation === personal)).toHaveLength(1);

    // The user comes back (a message in the 1:1 chat): the reference is live again.
    await h.send({ ...installedForUser(h.serviceUrl, ANA), type: 'message', text: 'help' });
    const refreshed = JSON.parse((await h.app.redis.hget(`${h.app.prefix}:{${T}}:teams:refs`, `user:${ANA.aadObjectId}`)) ?? '{}') as { dead?: unknown };
    expect(refreshed.dead).toBeUndefined();
  });

  it('waits out a 429 from the Bot Connector (Retry-After) and delivers once', async () => {
    const h = await harness();
    await h.send(botAddedToTeam(h.serviceUrl, ANA));
    h.connector.script((c) => c.method === 'POST' && c.conversation === undefined, { status: 429, headers: { 'retry-after': '1' }, body: { error: { code: 'Throttled', message: 'slow down' } } }, 1);
    await h.app.escalations.create({ platform: 'teams', tenant: T, user: BEN.aadObjectId }, { customer: 'Acme', severity: 'P3', department: 'support', summary: 'Busy' }, {});
    await h.connector.waitFor((c) => c.filter((x) => x.method === 'POST' && x.conversation === undefined).length === 2);
    const [limited, delivered] = h.connector.calls.filter((x) => x.method === 'POST' && x.conversation === undefined);
    expect((delivered?.at ?? 0) - (limited?.at ?? 0)).toBeGreaterThanOrEqual(1000);
    await expect.poll(async () => (await h.app.queues.get('outbox').getJob(`${T}.esc.ESC-1.card`))?.getState(), { timeout: 10_000 }).toBe('completed');
    expect(h.connector.calls.filter((x) => x.method === 'POST' && x.conversation === undefined)).toHaveLength(2);
  });

  it('answers help and unknown commands, and the dialog invokes for a stale button', async () => {
    const h = await harness();
    await h.send(channelMention(h.serviceUrl, ANA, 'help'));
    await h.send(channelMention(h.serviceUrl, ANA, 'dance'));
    await h.connector.waitFor((c) => c.length === 2);
    expect(JSON.stringify(h.connector.calls[0]?.body)).toContain('escalations');
    expect(JSON.stringify(h.connector.calls[1]?.body)).toContain('I don\'t know \\"dance\\"');
    const stale = await h.send(invoke(h.serviceUrl, ANA, 'task/fetch', { data: { shiftleadForm: { nope: true } } }));
    expect(stale.json).toEqual({ task: { type: 'message', value: 'This button is out of date; ask again.' } });
  });
});

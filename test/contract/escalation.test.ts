/**
 * The contract: one escalation scenario, played through each platform's own door — signed Slack
 * requests, Teams Activity JSON, the console's typed lines — against one running app, ends in the
 * same records and the same audit trail on every platform.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Escalation } from '../../src/core/escalations/model.js';
import { parseEnv } from '../../src/config/env.js';
import { RedisAuditLog } from '../../src/store/audit.js';
import { DeliveryLog } from '../../src/store/deliveries.js';
import { CARD_KEY } from '../../src/core/escalations/card.js';
import { cardProblems, cardsIn } from '../support/adaptive-cards.js';
import { ConsoleLines } from '../support/console-lines.js';
import { deliveredRef, exampleConfig, startTestApp } from '../support/app.js';
import { messageProblems, viewProblems } from '../support/block-kit.js';
import { FakeConnector } from '../support/fake-connector.js';
import { FakeSlack } from '../support/fake-slack.js';
import { deletePrefix, newRedis } from '../support/redis.js';
import { buttonPress, interaction, postSigned, SIGNING_SECRET, slashCommand, viewSubmission } from '../support/slack-requests.js';
import { ANA as TEAMS_ANA, BEN as TEAMS_BEN, CARO as TEAMS_CARO, botAddedToTeam, cardAction, channelMention, installedForUser, invoke, TENANT_ID } from '../support/teams-activities.js';

type Person = 'ana' | 'ben' | 'caro';

/** What every platform must do: the same steps, through its own door. */
interface Door {
  tenant: string;
  raise(as: Person, values: { customer: string; ticket: string; severity: string; department: string; summary: string; details: string }): Promise<void>;
  acknowledge(as: Person): Promise<void>;
  assign(as: Person, to: Person): Promise<void>;
  resolve(as: Person, note: string): Promise<void>;
}

const FORM = 'application/x-www-form-urlencoded';
const SLACK_IDS: Record<Person, string> = { ana: 'U0ANALIMA', ben: 'U0BENOKAF', caro: 'U0CARODIA' };
const TEAMS_USERS = { ana: TEAMS_ANA, ben: TEAMS_BEN, caro: TEAMS_CARO };

describe('the same escalation on Slack, Teams and the console', () => {
  const slack = new FakeSlack();
  const connector = new FakeConnector();
  const terminal = new ConsoleLines();
  let app: Awaited<ReturnType<typeof startTestApp>>;
  let base = '';
  let serviceUrl = '';

  beforeAll(async () => {
    const apiUrl = await slack.start();
    serviceUrl = await connector.start();
    app = await startTestApp({
      env: parseEnv({ SLACK_BOT_TOKEN: 'xoxb-1-test', SLACK_SIGNING_SECRET: SIGNING_SECRET, SLACK_API_URL: apiUrl }),
      config: exampleConfig(),
      console: { input: terminal.input, output: terminal.output, onExit: () => undefined },
    });
    base = `http://127.0.0.1:${app.port}`;
  });

  afterAll(async () => {
    await app.close();
    await slack.stop();
    await connector.stop();
    const redis = newRedis();
    await deletePrefix(redis, app.prefix);
    redis.disconnect();
  });

  const record = (tenant: string) => app.escalations['deps'].store.get(tenant, 'ESC-1');
  const atVersion = async (tenant: string, version: number) => {
    await expect.poll(async () => (await record(tenant))?.version, { timeout: 10_000 }).toBe(version);
  };
  /** Where the outbox posted the record's card, once it has (buttons are pressed on a posted card). */
  const cardRef = (tenant: string) => deliveredRef(app, tenant, CARD_KEY('ESC-1'));

  const slackDoor: Door = {
    tenant: 'slack-T0TEST',
    async raise(as, v) {
      await postSigned(base, slashCommand({ command: '/escalate', text: v.summary, user_id: SLACK_IDS[as] }), FORM);
      await slack.waitFor((c) => c.some((x) => x.method === 'views.open'));
      const view = slack.of('views.open').at(-1)?.args['view'] as Record<string, unknown>;
      const values = {
        customer: { type: 'plain_text_input', value: v.customer },
        ticket: { type: 'url_text_input', value: v.ticket },
        severity: { type: 'static_select', selected_option: { value: v.severity } },
        department: { type: 'static_select', selected_option: { value: v.department } },
        summary: { type: 'plain_text_input', value: v.summary },
        details: { type: 'plain_text_input', value: v.details },
      };
      expect((await postSigned(base, interaction(viewSubmission(SLACK_IDS[as], view, values)), FORM)).status).toBe(200);
      await cardRef(this.tenant);
    },
    async acknowledge(as) {
      await this.press(as, 'escalation.acknowledge');
    },
    async assign(as, to) {
      const opened = slack.of('views.open').length;
      await this.press(as, 'escalation.assign');
      await slack.waitFor((c) => c.filter((x) => x.method === 'views.open').length > opened);
      const view = slack.of('views.open').at(-1)?.args['view'] as Record<string, unknown>;
      await postSigned(base, interaction(viewSubmission(SLACK_IDS[as], view, { owner: { type: 'users_select', selected_user: SLACK_IDS[to] } })), FORM);
    },
    async resolve(as, note) {
      const opened = slack.of('views.open').length;
      await this.press(as, 'escalation.resolve');
      await slack.waitFor((c) => c.filter((x) => x.method === 'views.open').length > opened);
      const view = slack.of('views.open').at(-1)?.args['view'] as Record<string, unknown>;
      await postSigned(base, interaction(viewSubmission(SLACK_IDS[as], view, { note: { type: 'plain_text_input', value: note } })), FORM);
    },
    async press(as: Person, action: string) {
      const ref = await cardRef(this.tenant);
      expect((await postSigned(base, interaction(buttonPress(SLACK_IDS[as], action, 'ESC-1', { channel: ref.conversation, ts: ref.id })), FORM)).status).toBe(200);
    },
  } as Door & { press(as: Person, action: string): Promise<void> };

  const teamsDoor = {
    tenant: `teams-${TENANT_ID}`,
    async raise(as: Person, v: Parameters<Door['raise']>[1]) {
      const user = TEAMS_USERS[as];
      await postTeams(botAddedToTeam(serviceUrl, user));
      await postTeams(installedForUser(serviceUrl, user));
      await postTeams(channelMention(serviceUrl, user, `escalate ${v.summary}`));
      await connector.waitFor((c) => c.some((x) => JSON.stringify(x.body).includes('task/fetch')));
      const prompt = connector.calls.find((x) => JSON.stringify(x.body).includes('task/fetch'));
      const button = (cardsIn(prompt?.body)[0]?.['actions'] as Array<{ data: Record<string, unknown> }>)[0];
      const fetched = (await postTeams(invoke(serviceUrl, user, 'task/fetch', { data: button?.data, context: { theme: 'default' } }))) as { task: { value: { card: { content: { actions: Array<{ data: Record<string, unknown> }> } } } } };
      const submit = fetched.task.value.card.content.actions[0]?.data ?? {};
      await postTeams(invoke(serviceUrl, user, 'task/submit', { data: { ...submit, ...v }, context: { theme: 'default' } }));
      await cardRef(this.tenant);
    },
    async acknowledge(as: Person) {
      await this.press(as, 'escalation.acknowledge', {});
    },
    async assign(as: Person, to: Person) {
      await this.press(as, 'escalation.assign', { owner: TEAMS_USERS[to].aadObjectId });
    },
    async resolve(as: Person, note: string) {
      await this.press(as, 'escalation.resolve', { note });
    },
    async press(as: Person, verb: string, inputs: Record<string, string>) {
      const ref = await cardRef(this.tenant);
      await postTeams(cardAction(serviceUrl, TEAMS_USERS[as], verb, { value: 'ESC-1', ...inputs }, ref));
    },
  };

  const teamsResponses: unknown[] = [];
  async function postTeams(activity: unknown): Promise<unknown> {
    const res = await fetch(`${base}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(activity) });
    expect(res.status).toBe(200);
    const text = await res.text();
    const json = text ? (JSON.parse(text) as unknown) : undefined;
    teamsResponses.push(json);
    return json;
  }

  const consoleDoor = {
    tenant: 'console-local',
    async raise(as: Person, v: Parameters<Door['raise']>[1]) {
      await terminal.type(`as ${as}`, 'You are now');
      await terminal.type(`/escalate ${v.summary}`, 'Customer or account');
      await terminal.type(v.customer, 'Ticket link');
      await terminal.type(v.ticket, 'Severity');
      await terminal.type(v.severity, 'Department');
      await terminal.type(v.department, 'Summary');
      await terminal.type('', 'Details');
      await terminal.type(v.details, /🚨 ESC-1 /);
    },
    async acknowledge(as: Person) {
      await this.press(as, 'acknowledge');
    },
    async assign(as: Person, to: Person) {
      await this.press(as, 'assign', ['Assign to', to]);
    },
    async resolve(as: Person, note: string) {
      await this.press(as, 'resolve', ['Resolution note', note]);
    },
    /** Presses a button of the record's card by name, answering the form it opens. */
    async press(as: Person, button: string, form?: [prompt: string, answer: string]) {
      // The terminal shows the card's newest version before anyone presses it again.
      const version = (await record(this.tenant))?.version ?? 1;
      const delivered = new DeliveryLog(app.redis, app.prefix);
      if (version > 1) await expect.poll(() => delivered.deliveredVersion(this.tenant, CARD_KEY('ESC-1')), { timeout: 10_000 }).toBe(version);
      // A button the card no longer shows (a second Acknowledge) cannot be pressed here.
      // `as … <command>` acts once; the prompt (back to whoever raised it) follows the handling.
      const pressed = await terminal.type(`as ${as} press ESC-1 ${button}`, form ? new RegExp(`${form[0]}|There is no "${button}" button`) : 'ana> ');
      if (!form || pressed.includes('There is no')) return;
      await terminal.type(form[1], 'ana> ');
    },
  };

  const doors: Array<[string, Door]> = [
    ['slack', slackDoor],
    ['teams', teamsDoor],
    ['console', consoleDoor],
  ];

  /** The parts of a record every platform must agree on (ids, times and channels differ). */
  function essence(e: Escalation | undefined) {
    if (!e) return undefined;
    const who = (p: { personId?: string | undefined; name: string } | undefined) => p && (p.personId ?? `?${p.name}`);
    return {
      id: e.id,
      status: e.status,
      severity: e.severity,
      department: e.department,
      customer: e.customer,
      ticketUrl: e.ticketUrl,
      summary: e.summary,
      details: e.details,
      resolution: e.resolution,
      requester: who(e.requester),
      owner: who(e.owner),
      version: e.version,
      cycle: e.cycle,
      history: e.history.map((h) => ({ type: h.type, actor: who(h.actor), from: h.from, to: h.to, owner: who(h.owner), note: h.note })),
    };
  }

  const raised = { customer: 'Acme Corp', ticket: 'https://help.example.com/tickets/4411', severity: 'P2', department: 'support', summary: 'Checkout fails for Acme', details: 'Since 09:00; card payments only.' };

  it.each(doors)('%s: raise, acknowledge (twice), assign, resolve', async (_name, door) => {
    await door.raise('ana', raised);
    await atVersion(door.tenant, 1);
    await door.acknowledge('ben');
    await atVersion(door.tenant, 2);
    await door.acknowledge('caro'); // a second press: nothing changes
    await door.assign('ben', 'caro');
    await atVersion(door.tenant, 3);
    await door.resolve('caro', 'Payment gateway restarted; customer confirmed.');
    await atVersion(door.tenant, 4);
  });

  it('ends in the same record and the same audit trail everywhere', async () => {
    const [slackRecord, teamsRecord, consoleRecord] = await Promise.all(doors.map(([, d]) => record(d.tenant)));
    const expected = essence(slackRecord);
    expect(expected).toMatchObject({
      status: 'resolved',
      requester: 'ana',
      owner: 'caro',
      resolution: 'Payment gateway restarted; customer confirmed.',
      history: [
        { type: 'created', actor: 'ana', to: 'open' },
        { type: 'acknowledged', actor: 'ben', from: 'open', to: 'acknowledged' },
        { type: 'assigned', actor: 'ben', owner: 'caro' },
        { type: 'resolved', actor: 'caro', from: 'acknowledged', to: 'resolved' },
      ],
    });
    expect(essence(teamsRecord)).toEqual(expected);
    expect(essence(consoleRecord)).toEqual(expected);
    expect(slackRecord?.platform).toBe('slack');
    expect(teamsRecord?.platform).toBe('teams');
    expect(consoleRecord?.platform).toBe('console');

    const audit = new RedisAuditLog(app.redis, app.prefix);
    const trail = async (tenant: string) => (await audit.recent(tenant, 50)).filter((a) => a.type.startsWith('escalation.')).map((a) => [a.actor, a.type, a.subject, a.from, a.to]);
    const slackTrail = await trail(slackDoor.tenant);
    expect(slackTrail).toHaveLength(4);
    expect(await trail(teamsDoor.tenant)).toEqual(slackTrail);
    expect(await trail(consoleDoor.tenant)).toEqual(slackTrail);
  });

  it('emitted only payloads each platform accepts', () => {
    for (const call of slack.calls) {
      if (['chat.postMessage', 'chat.update', 'chat.postEphemeral'].includes(call.method)) expect(messageProblems(call.args), call.method).toEqual([]);
      if (call.method === 'views.open') expect(viewProblems(call.args['view'] as Record<string, unknown>)).toEqual([]);
    }
    for (const card of [...connector.calls.flatMap((c) => cardsIn(c.body)), ...teamsResponses.flatMap((r) => cardsIn(r))]) expect(cardProblems(card)).toEqual([]);
  });
});

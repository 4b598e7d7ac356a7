/** Socket Mode (SLACK_APP_TOKEN): the same app over Slack's WebSocket, with envelopes acked on the socket. */
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { WebSocketServer, type WebSocket } from 'ws';
import { eventually } from '../support/app.js';
import { startSlackHarness, type SlackHarness } from '../support/slack-app.js';

const T = 'slack-T0TEST';

describe('Slack: Socket Mode', () => {
  let h: SlackHarness;
  let server: WebSocketServer;
  let socket: WebSocket | undefined;
  const received: Array<Record<string, unknown>> = [];

  beforeEach(async () => {
    server = new WebSocketServer({ port: 0, host: '127.0.0.1' });
    await new Promise((done) => server.once('listening', done));
    server.on('connection', (ws) => {
      socket = ws;
      ws.on('message', (data) => received.push(JSON.parse(String(data)) as Record<string, unknown>));
      ws.send(JSON.stringify({ type: 'hello', num_connections: 1, debug_info: { host: 'applink-test', approximate_connection_time: 3600 }, connection_info: { app_id: 'A0SHIFTLEAD' } }));
    });
    h = await startSlackHarness({
      env: { SLACK_APP_TOKEN: 'xapp-1-A0SHIFTLEAD-1-test', SLACK_SIGNING_SECRET: '' },
      beforeStart: (slack) => (slack.socketUrl = `ws://127.0.0.1:${(server.address() as AddressInfo).port}/link`),
    });
    await eventually(() => socket !== undefined, 10_000, 'a Socket Mode connection');
  });

  afterEach(async () => {
    await h.close();
    socket = undefined;
    received.length = 0;
    for (const client of server.clients) client.terminate();
    await new Promise((done) => server.close(done));
  });

  const send = (envelope: Record<string, unknown>) => socket?.send(JSON.stringify(envelope));

  it('connects with the app-level token, acks /escalate on the socket and opens the form', async () => {
    expect(h.slack.of('apps.connections.open')[0]?.token).toBe('xapp-1-A0SHIFTLEAD-1-test');
    send({
      envelope_id: 'env-command-1',
      type: 'slash_commands',
      accepts_response_payload: true,
      payload: {
        token: 'verification_token', team_id: 'T0TEST', team_domain: 'testteam', channel_id: 'C0GENERAL', channel_name: 'general',
        user_id: 'U0ANALIMA', user_name: 'ana', command: '/escalate', text: 'Printer on fire', api_app_id: 'A0SHIFTLEAD',
        is_enterprise_install: 'false', response_url: 'https://hooks.slack.com/commands/T0TEST/1/x', trigger_id: '13345224609.738474920.8088930838d88f008e0',
      },
    });
    await eventually(() => received.some((m) => m['envelope_id'] === 'env-command-1'), 5_000, 'the ack');
    await h.slack.waitFor((c) => c.some((x) => x.method === 'views.open'));
    const open = h.slack.of('views.open')[0];
    expect(open?.args['trigger_id']).toBe('13345224609.738474920.8088930838d88f008e0');
    expect(JSON.stringify(open?.args['view'])).toContain('Printer on fire');
  });

  it('queues an event once however often Slack redelivers its envelope', async () => {
    const event = {
      token: 'verification_token', team_id: 'T0TEST', api_app_id: 'A0SHIFTLEAD', type: 'event_callback', event_id: 'Ev0SOCKET1', event_time: Math.floor(Date.now() / 1000),
      event: { type: 'reaction_added', user: 'U0BENOKAF', reaction: 'rotating_light', item: { type: 'message', channel: 'C0SUPPORT', ts: '1700000000.000001' }, item_user: 'U0CARODIA', event_ts: '1700000001.000100' },
      authorizations: [{ enterprise_id: null, team_id: 'T0TEST', user_id: 'U0BOT', is_bot: true, is_enterprise_install: false }],
    };
    send({ envelope_id: 'env-event-1', type: 'events_api', accepts_response_payload: false, retry_attempt: 0, retry_reason: '', payload: event });
    send({ envelope_id: 'env-event-2', type: 'events_api', accepts_response_payload: false, retry_attempt: 1, retry_reason: 'timeout', payload: event });
    await eventually(() => ['env-event-1', 'env-event-2'].every((id) => received.some((m) => m['envelope_id'] === id)), 5_000, 'both acks');
    await expect.poll(async () => (await h.app.escalations['deps'].store.listOpen(T)).length, { timeout: 10_000 }).toBe(1);
    await new Promise((r) => setTimeout(r, 500));
    expect(await h.app.escalations['deps'].store.listOpen(T)).toHaveLength(1);
    expect(h.slack.of('reactions.get')).toHaveLength(1);
  });
});

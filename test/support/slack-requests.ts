/** Requests built the way Slack builds them: signed form bodies, `payload=` interactions, JSON events. */
import { createHmac } from 'node:crypto';

export const SIGNING_SECRET = '8f742231b10e8888abcd99yyyzzz85a5';

export function sign(body: string, timestamp = Math.floor(Date.now() / 1000), secret = SIGNING_SECRET): Record<string, string> {
  const signature = `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex')}`;
  return { 'x-slack-request-timestamp': String(timestamp), 'x-slack-signature': signature };
}

export interface SlackPost {
  status: number;
  text: string;
  json: unknown;
  ms: number;
}

export async function postSigned(baseUrl: string, body: string, contentType: string, headers: Record<string, string> = sign(body)): Promise<SlackPost> {
  const started = performance.now();
  const res = await fetch(`${baseUrl}/slack/events`, { method: 'POST', headers: { 'content-type': contentType, ...headers }, body });
  const text = await res.text();
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  return { status: res.status, text, json, ms: performance.now() - started };
}

let triggers = 0;
let views = 0;

export function slashCommand(fields: { command: string; text?: string; user_id: string; channel_id?: string; team_id?: string }): string {
  triggers += 1;
  const team = fields.team_id ?? 'T0TEST';
  return new URLSearchParams({
    token: 'xyzz0WbapA4vBCDEFasx0q6G',
    team_id: team,
    team_domain: 'testteam',
    channel_id: fields.channel_id ?? 'C0GENERAL',
    channel_name: 'general',
    user_id: fields.user_id,
    user_name: fields.user_id.toLowerCase(),
    command: fields.command,
    text: fields.text ?? '',
    api_app_id: 'A0SHIFTLEAD',
    is_enterprise_install: 'false',
    response_url: `https://hooks.slack.com/commands/${team}/1/x`,
    trigger_id: `${triggers}.47445629121.803a0bc887a14d10d2c447fce8b6703c`,
  }).toString();
}

export function interaction(payload: Record<string, unknown>): string {
  return new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
}

const team = { id: 'T0TEST', domain: 'testteam' };

export function buttonPress(user: string, actionId: string, value: string, message: { channel: string; ts: string }): Record<string, unknown> {
  triggers += 1;
  return {
    type: 'block_actions',
    user: { id: user, username: user.toLowerCase(), name: user.toLowerCase(), team_id: team.id },
    api_app_id: 'A0SHIFTLEAD',
    token: 'verification_token',
    container: { type: 'message', message_ts: message.ts, channel_id: message.channel, is_ephemeral: false },
    trigger_id: `${triggers}.222.valid`,
    team,
    enterprise: null,
    is_enterprise_install: false,
    channel: { id: message.channel, name: 'support' },
    message: { type: 'message', ts: message.ts, text: 'card' },
    response_url: 'https://hooks.slack.com/actions/T0TEST/1/x',
    // Every click has its own action_ts (a repeat of one click has the same).
    actions: [{ action_id: actionId, block_id: 'b1', text: { type: 'plain_text', text: 'Button', emoji: true }, value, type: 'button', action_ts: `1596530385.${String(194939 + triggers).padStart(6, '0')}` }],
  };
}

/** A valid escalation form, as Slack sends its state back (block id → value). */
export const ESCALATION_VALUES = {
  customer: { type: 'plain_text_input', value: 'Acme Corp' },
  ticket: { type: 'url_text_input', value: 'https://help.example.com/tickets/4411' },
  severity: { type: 'static_select', selected_option: { value: 'P1' } },
  department: { type: 'static_select', selected_option: { value: 'billing' } },
  summary: { type: 'plain_text_input', value: 'Checkout fails for Acme' },
  details: { type: 'plain_text_input', value: 'Card payments time out since 09:12.' },
};

/** A view_submission for a view the bot opened (as recorded by the fake Web API). */
export function viewSubmission(user: string, view: Record<string, unknown>, values: Record<string, Record<string, unknown>>): Record<string, unknown> {
  views += 1;
  const state: Record<string, Record<string, unknown>> = {};
  for (const [blockId, value] of Object.entries(values)) state[blockId] = { [blockId]: value };
  return {
    type: 'view_submission',
    team,
    user: { id: user, username: user.toLowerCase(), name: user.toLowerCase(), team_id: team.id },
    api_app_id: 'A0SHIFTLEAD',
    token: 'verification_token',
    trigger_id: '111.222.valid',
    // Each view Slack opens has its own id and hash (a repeat of one submission has the same).
    view: { id: `V0TEST${views}`, team_id: team.id, app_id: 'A0SHIFTLEAD', bot_id: 'B0BOT', hash: `1596530361.${views}wRYuk3R`, root_view_id: `V0TEST${views}`, previous_view_id: null, external_id: '', state: { values: state }, ...view },
    response_urls: [],
    is_enterprise_install: false,
    enterprise: null,
  };
}

export function eventCallback(event: Record<string, unknown>, eventId: string): string {
  return JSON.stringify({
    token: 'verification_token',
    team_id: 'T0TEST',
    api_app_id: 'A0SHIFTLEAD',
    event,
    type: 'event_callback',
    event_id: eventId,
    event_time: Math.floor(Date.now() / 1000),
    authorizations: [{ enterprise_id: null, team_id: 'T0TEST', user_id: 'U0BOT', is_bot: true, is_enterprise_install: false }],
    is_ext_shared_channel: false,
  });
}

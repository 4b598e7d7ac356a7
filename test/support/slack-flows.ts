/** Steps people take on Slack, as signed requests against a running harness. */
import { expect } from 'vitest';
import { CARD_KEY } from '../../src/core/escalations/card.js';
import { deliveredRef } from './app.js';
import type { SlackHarness } from './slack-app.js';
import { buttonPress, interaction, postSigned, slashCommand, viewSubmission, type SlackPost } from './slack-requests.js';

export const FORM = 'application/x-www-form-urlencoded';
export const TENANT = 'slack-T0TEST';
export const USERS = { ana: 'U0ANALIMA', ben: 'U0BENOKAF', caro: 'U0CARODIA' } as const;

export interface CardAt {
  channel: string;
  ts: string;
}

/** Runs a slash command; its private answer's text (or '' when a form opened). */
export async function command(h: SlackHarness, user: string, text: string, name = '/escalations', channel = 'C0GENERAL'): Promise<SlackPost> {
  const res = await postSigned(h.base, slashCommand({ command: name, text, user_id: user, channel_id: channel }), FORM);
  expect(res.status).toBe(200);
  return res;
}

/** The next modal opened after `opened` modals. */
export async function nextView(h: SlackHarness, opened: number): Promise<Record<string, unknown>> {
  await h.slack.waitFor((c) => c.filter((x) => x.method === 'views.open').length > opened, 10_000, 'a modal');
  return h.slack.of('views.open')[opened]?.args['view'] as Record<string, unknown>;
}

export const submit = (h: SlackHarness, user: string, view: Record<string, unknown>, values: Record<string, Record<string, unknown>>) => postSigned(h.base, interaction(viewSubmission(user, view, values)), FORM);

export const text = (value: string) => ({ type: 'plain_text_input', value });
export const choice = (value: string) => ({ type: 'static_select', selected_option: { value } });

/** Raises an escalation through /escalate and its modal; resolves once its card is posted. */
export async function raise(h: SlackHarness, options: { user?: string; customer?: string; severity?: string; department?: string; summary?: string; id?: string } = {}): Promise<CardAt> {
  const opened = h.slack.of('views.open').length;
  const summary = options.summary ?? 'VIP cannot log in';
  await command(h, options.user ?? USERS.ana, summary, '/escalate');
  const view = await nextView(h, opened);
  const res = await submit(h, options.user ?? USERS.ana, view, {
    customer: text(options.customer ?? 'Globex'),
    severity: choice(options.severity ?? 'P3'),
    department: choice(options.department ?? 'support'),
    summary: text(summary),
  });
  expect(res.text).toBe('');
  const ref = await deliveredRef(h.app, TENANT, CARD_KEY(options.id ?? 'ESC-1'));
  return { channel: ref.conversation, ts: ref.id };
}

export const press = (h: SlackHarness, user: string, action: string, card: CardAt, value = 'ESC-1') => postSigned(h.base, interaction(buttonPress(user, action, value, card)), FORM);

/** Texts of the bot's posts in a card's thread. */
export const threadLines = (h: SlackHarness, card: CardAt) => h.slack.of('chat.postMessage').filter((c) => c.args['thread_ts'] === card.ts).map((c) => String(c.args['text']));

/** Texts of the bot's DMs to a user. */
export const dms = (h: SlackHarness, user: string) => h.slack.of('chat.postMessage').filter((c) => c.args['channel'] === user).map((c) => String(c.args['text']));

/** Texts of the private (ephemeral) answers to a user. */
export const whispers = (h: SlackHarness, user: string) => h.slack.of('chat.postEphemeral').filter((c) => c.args['user'] === user).map((c) => String(c.args['text']));

/** The record as stored. */
export const stored = (h: SlackHarness, id = 'ESC-1') => h.app.escalations['deps'].store.get(TENANT, id);

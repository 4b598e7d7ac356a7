/**
 * The Bolt app: slash commands, buttons, modals and shortcuts, parsed into neutral interactions.
 * Each listener acks within Slack's 3 s; a form opens right after the ack because its trigger_id
 * lives 3 s; slow or failing work never delays the ack.
 */
import { App, HTTPReceiver, SocketModeReceiver, type Receiver } from '@slack/bolt';
import type { Form, Message } from '../../chat/message.js';
import type { Env } from '../../config/env.js';
import { isStoreDown, STORE_DOWN } from '../../core/escalations/service.js';
import { DuplicateRequestError, UnknownInteractionError, type Actor, type Answer, type Interactions, type SourceMessage } from '../../core/interactions.js';
import type { Logger } from '../../log.js';
import { neutralActionId, renderMessage } from './blocks.js';
import type { SlackEventIntake } from './events.js';
import { SHORTCUTS } from './scopes.js';
import type { ModalMetadata, SlackPlatform } from './slack-platform.js';
import { slackTenant, tenantOfBody } from './tenant.js';
import { viewErrors, viewValues } from './views.js';
import { slackLogger } from './web.js';

export interface SlackAppDeps {
  env: Env;
  platform: SlackPlatform;
  interactions: Interactions;
  events: SlackEventIntake;
  log: Logger;
}

type Body = Record<string, unknown>;
const say = (text: string): Message => ({ text, blocks: [{ type: 'section', text }] });

/** A permalink from the workspace domain, without an API call (the trigger_id can't wait). */
function messageLink(domain: string | undefined, channel: string, ts: string, threadTs?: string): string | undefined {
  if (!domain || !/^[a-z0-9-]+$/i.test(domain)) return undefined;
  const base = `https://${domain}.slack.com/archives/${channel}/p${ts.replace('.', '')}`;
  return threadTs && threadTs !== ts ? `${base}?thread_ts=${threadTs}&cid=${channel}` : base;
}

export function createSlackApp(deps: SlackAppDeps): { app: App; receiver: HTTPReceiver | undefined } {
  const { env, platform, interactions, log } = deps;
  const logger = slackLogger(log, 'bolt');
  let receiver: Receiver;
  let http: HTTPReceiver | undefined;
  if (env.SLACK_APP_TOKEN) {
    receiver = new SocketModeReceiver({ appToken: env.SLACK_APP_TOKEN, logger, ...(env.SLACK_API_URL ? { installerOptions: { clientOptions: { slackApiUrl: env.SLACK_API_URL } } } : {}) });
  } else {
    http = new HTTPReceiver({ signingSecret: env.SLACK_SIGNING_SECRET ?? '', endpoints: '/slack/events', logger, processBeforeResponse: false });
    receiver = http;
  }
  const app = new App({
    receiver,
    logger,
    ...(env.SLACK_API_URL ? { clientOptions: { slackApiUrl: env.SLACK_API_URL } } : {}),
    authorize: async (source) => {
      const tenant = slackTenant(source);
      const auth = await platform.tokens.forTenant(tenant);
      return { ...auth, ...(source.teamId ? { teamId: source.teamId } : {}), ...(source.enterpriseId ? { enterpriseId: source.enterpriseId } : {}) };
    },
  });

  /** `request`: Slack's identity of the request, the same when Slack delivers it twice (see `Actor.request`). */
  const actor = (body: Body, user: string, conversation: string | undefined, request?: string): Actor => ({
    platform: 'slack',
    tenant: tenantOfBody(body),
    user,
    ...(conversation ? { conversation } : {}),
    ...(request ? { request } : {}),
  });

  /** A private answer to the person, sent now (not queued: it must work when Redis does not):
   * in the conversation they acted in, or by DM where the bot cannot whisper (not a member). */
  const tell = async (a: Actor, message: Message) => {
    try {
      if (a.conversation) {
        const whispered = await platform.whisper(a.tenant, a.conversation, a.user, message).then(() => true, () => false);
        if (whispered) return;
      }
      await platform.dm(a.tenant, a.user, message);
    } catch (error) {
      log.warn({ err: error, tenant: a.tenant }, 'could not send a private reply on Slack');
    }
  };

  const openForm = async (a: Actor, trigger: string, form: Form) => {
    try {
      await platform.openForm(a.tenant, trigger, form, a.conversation ? { c: a.conversation } : {});
    } catch (error) {
      log.warn({ err: error }, 'views.open failed');
      await tell(a, say(`Slack could not open the ${form.title} form (${error instanceof Error ? error.message : 'error'}). Please try again.`));
    }
  };

  /** Runs an interaction; a storage outage or an unknown command becomes a clear private answer. */
  const run = async (work: () => Promise<Answer>): Promise<Answer> => {
    try {
      return await work();
    } catch (error) {
      // A repeat of a request that ran: the first one answered.
      if (error instanceof DuplicateRequestError) return {};
      if (isStoreDown(error)) return { reply: say(STORE_DOWN) };
      if (error instanceof UnknownInteractionError) return { reply: say(`Shiftlead can't handle that here (${error.message}).`) };
      log.error({ err: error }, 'Slack interaction failed');
      return { reply: say('Something went wrong in Shiftlead; nothing was changed. Please try again.') };
    }
  };

  app.command(/^\/.+/, async ({ command, ack, body }) => {
    const name = command.command.replace(/^\//, '').toLowerCase();
    if (!interactions.hasCommand(name)) {
      await ack({ response_type: 'ephemeral', text: `Shiftlead doesn't know ${command.command}. Try /escalate.` });
      return;
    }
    // A retried command (X-Slack-Retry-Num) carries the same trigger_id: one modal, one answer.
    const a = actor(body as unknown as Body, command.user_id, command.channel_id, `cmd-${command.trigger_id}`);
    const answer = await run(() => interactions.command(a, name, command.text ?? ''));
    if (answer.form) {
      await ack();
      await openForm(a, command.trigger_id, answer.form);
    } else if (answer.reply?.blocks.some((b) => b.type === 'chart')) {
      // A chart goes out as an ephemeral message, which falls back to text charts where Slack
      // refuses the chart block; an ack's body has no second chance.
      await ack();
      await tell(a, answer.reply);
    } else if (answer.reply) {
      const rendered = renderMessage(answer.reply);
      await ack({ response_type: 'ephemeral', text: rendered.text, blocks: rendered.blocks as never });
    } else {
      await ack();
    }
  });

  app.shortcut(SHORTCUTS.escalateMessage, async ({ shortcut, ack, body }) => {
    await ack();
    if (shortcut.type !== 'message_action') return;
    const message = shortcut.message as { ts: string; text?: string; user?: string; thread_ts?: string };
    const channel = shortcut.channel.id;
    const link = messageLink(shortcut.team?.domain, channel, message.ts, message.thread_ts);
    const source: SourceMessage = {
      conversation: channel,
      id: message.ts,
      text: message.text ?? '',
      ...(message.user ? { author: message.user } : {}),
      ...(message.thread_ts && message.thread_ts !== message.ts ? { threadRoot: message.thread_ts } : {}),
      ...(link ? { link } : {}),
    };
    const a = actor(body as unknown as Body, shortcut.user.id, channel, `sc-${shortcut.trigger_id}`);
    const answer = await run(() => interactions.command(a, 'escalate', '', source));
    if (answer.form) await openForm(a, shortcut.trigger_id, answer.form);
    else if (answer.reply) await tell(a, answer.reply);
  });

  app.shortcut(SHORTCUTS.newEscalation, async ({ shortcut, ack, body }) => {
    await ack();
    const a = actor(body as unknown as Body, shortcut.user.id, undefined, `sc-${shortcut.trigger_id}`);
    const answer = await run(() => interactions.command(a, 'escalate', ''));
    if (answer.form) await openForm(a, shortcut.trigger_id, answer.form);
    else if (answer.reply) await tell(a, answer.reply);
  });

  app.action({ type: 'block_actions' }, async ({ ack, body, action }) => {
    await ack();
    if (action.type !== 'button') return;
    const b = body as unknown as Body & { trigger_id: string; user: { id: string }; channel?: { id?: string }; container?: { channel_id?: string; message_ts?: string; view_id?: string } };
    const where = b.channel?.id ?? b.container?.channel_id;
    // One click is its message, its action and its action_ts: delivered twice, it changes once.
    const clicked = `act-${b.user.id}-${where ?? b.container?.view_id ?? ''}-${b.container?.message_ts ?? ''}-${action.action_id}-${action.action_ts}`;
    const a = actor(b, b.user.id, where, clicked);
    const answer = await run(() => interactions.action(a, neutralActionId(action.action_id), action.value ?? ''));
    if (answer.form) await openForm(a, b.trigger_id, answer.form);
    if (answer.reply) await tell(a, answer.reply);
  });

  app.view(/.*/, async ({ ack, body, view }) => {
    let meta: ModalMetadata = {};
    try {
      meta = (view.private_metadata ? JSON.parse(view.private_metadata) : {}) as ModalMetadata;
    } catch {
      meta = {};
    }
    // A view's id and hash name one submission of it (the hash changes when the view does).
    const a = actor(body as unknown as Body, body.user.id, meta.c, `view-${view.id}-${view.hash}`);
    const blockIds = (view.blocks ?? []).map((block) => String((block as { block_id?: string }).block_id ?? ''));
    let result;
    try {
      result = await interactions.submit(a, view.callback_id, viewValues(view.state), meta.s);
    } catch (error) {
      if (error instanceof DuplicateRequestError) {
        await ack();
        return;
      }
      const message = isStoreDown(error) ? STORE_DOWN : error instanceof UnknownInteractionError ? 'This form is no longer supported; close it.' : 'Something went wrong in Shiftlead; nothing was saved. Please try again.';
      if (!isStoreDown(error) && !(error instanceof UnknownInteractionError)) log.error({ err: error }, 'Slack form submission failed');
      result = { ok: false as const, errors: { _form: message } };
    }
    if (!result.ok) {
      await ack({ response_action: 'errors', errors: viewErrors(undefined, result.errors, blockIds) });
      return;
    }
    await ack();
    if (result.reply) await tell(a, result.reply);
  });

  // Events reach these listeners in Socket Mode; over HTTP the events endpoint queues them first.
  app.event(/^(reaction_added|app_uninstalled|tokens_revoked|app_home_opened)$/, async ({ body }) => {
    await deps.events.accept(body as unknown as Body);
  });

  app.error(async (error) => {
    log.error({ err: error }, 'Slack request failed');
  });

  return { app, receiver: http };
}

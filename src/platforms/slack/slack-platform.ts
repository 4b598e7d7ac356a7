/** Slack as a `ChatPlatform`: Block Kit through the Web API, one bot token per tenant. */
import { RejectedError, ChatError } from '../../chat/errors.js';
import type { Form, Message } from '../../chat/message.js';
import type { ChatPlatform, MessageRef } from '../../chat/platform.js';
import { SLACK_PACING } from '../rate-limits.js';
import { renderMessage, type SlackMessage } from './blocks.js';
import type { SlackTokens } from './tokens.js';
import { formView } from './views.js';
import { BLOCK_PROBLEMS, slackErrorCode, type SlackClients } from './web.js';

/** What a form carries through a modal: the feature's state and where it was opened. */
export interface ModalMetadata {
  /** The form's own state. */
  s?: string;
  /** The channel the interaction came from, for private replies. */
  c?: string;
}

export class SlackPlatform implements ChatPlatform {
  readonly kind = 'slack' as const;
  readonly pacing = SLACK_PACING;

  constructor(
    readonly tokens: SlackTokens,
    readonly clients: SlackClients,
  ) {}

  /** Calls a Web API method as the tenant's bot. */
  async call<T extends object = Record<string, unknown>>(tenant: string, method: string, args: Record<string, unknown>) {
    const { botToken } = await this.tokens.forTenant(tenant);
    return this.clients.call<T>(botToken, method, args);
  }

  /** Sends blocks; if Slack refuses them as blocks, sends the plain text once more. */
  private async send(tenant: string, method: 'chat.postMessage' | 'chat.update' | 'chat.postEphemeral', args: Record<string, unknown>, rendered: SlackMessage) {
    try {
      return await this.call<{ ts?: string; channel?: string; message_ts?: string }>(tenant, method, { ...args, text: rendered.text, blocks: rendered.blocks });
    } catch (error) {
      if (error instanceof ChatError && error.code === 'rejected' && BLOCK_PROBLEMS.has(slackErrorCode(error.cause) ?? '')) {
        return this.call<{ ts?: string; channel?: string; message_ts?: string }>(tenant, method, { ...args, text: rendered.text, blocks: [] });
      }
      throw error;
    }
  }

  private async permalink(tenant: string, channel: string, ts: string): Promise<string | undefined> {
    try {
      const result = await this.call<{ permalink?: string }>(tenant, 'chat.getPermalink', { channel, message_ts: ts });
      return result.permalink;
    } catch {
      return undefined;
    }
  }

  async post(tenant: string, conversation: string, message: Message, thread?: MessageRef): Promise<MessageRef> {
    const threadTs = thread ? (thread.threadRoot ?? thread.id) : undefined;
    const result = await this.send(
      tenant,
      'chat.postMessage',
      { channel: conversation, unfurl_links: false, unfurl_media: false, ...(threadTs ? { thread_ts: threadTs } : {}) },
      renderMessage(message),
    );
    if (!result.ts) throw new RejectedError('chat.postMessage returned no ts');
    const channel = result.channel ?? conversation;
    const link = await this.permalink(tenant, channel, result.ts);
    return { conversation: channel, id: result.ts, ...(threadTs ? { threadRoot: threadTs } : {}), ...(link ? { link } : {}) };
  }

  async update(tenant: string, ref: MessageRef, message: Message): Promise<void> {
    await this.send(tenant, 'chat.update', { channel: ref.conversation, ts: ref.id }, renderMessage(message));
  }

  async dm(tenant: string, user: string, message: Message): Promise<MessageRef> {
    // A user id as the channel posts in the app's DM with that user.
    const result = await this.send(tenant, 'chat.postMessage', { channel: user, unfurl_links: false }, renderMessage(message));
    if (!result.ts) throw new RejectedError('chat.postMessage returned no ts');
    return { conversation: result.channel ?? user, id: result.ts };
  }

  async whisper(tenant: string, conversation: string, user: string, message: Message): Promise<void> {
    await this.send(tenant, 'chat.postEphemeral', { channel: conversation, user }, renderMessage(message));
  }

  async openForm(tenant: string, trigger: string, form: Form, metadata: ModalMetadata = {}): Promise<void> {
    const state: ModalMetadata = { ...metadata, ...(form.state !== undefined ? { s: form.state } : {}) };
    await this.call(tenant, 'views.open', { trigger_id: trigger, view: formView(form, JSON.stringify(state)) });
  }
}

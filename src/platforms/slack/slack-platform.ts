/** Slack as a `ChatPlatform`: Block Kit through the Web API, one bot token per tenant. */
import { RejectedError, ChatError, TransientChatError } from '../../chat/errors.js';
import type { Form, Message } from '../../chat/message.js';
import type { ChatPlatform, MessageRef, OutgoingFile, TaggedMessages, TaggedPlace } from '../../chat/platform.js';
import { SLACK_PACING } from '../rate-limits.js';
import { renderMessage, type SlackMessage } from './blocks.js';
import type { SlackTokens } from './tokens.js';
import { formView } from './views.js';
import { BLOCK_PROBLEMS, slackErrorCode, type SlackClients } from './web.js';

/** The metadata event type that tags each post with its delivery's idempotency key. */
export const DELIVERY_EVENT = 'shiftlead_delivery';
/** Messages per history call: the most Slack gives apps outside the Marketplace (Tier 1). */
const HISTORY_LIMIT = 15;

interface SlackHistoryMessage {
  ts?: string;
  metadata?: { event_type?: string; event_payload?: Record<string, unknown> };
}

/** Message metadata naming the delivery (its idempotency key), so that a retry can find the post. */
function deliveryMetadata(tag: string | undefined): { metadata?: { event_type: string; event_payload: { key: string } } } {
  return tag ? { metadata: { event_type: DELIVERY_EVENT, event_payload: { key: tag } } } : {};
}

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

  /**
   * Sends blocks; if Slack refuses them as blocks, sends them again with charts drawn as text (a
   * workspace where the chart block is not rolled out yet), then the plain text alone.
   */
  private async send(tenant: string, method: 'chat.postMessage' | 'chat.update' | 'chat.postEphemeral', args: Record<string, unknown>, message: Message) {
    const rendered = renderMessage(message);
    const attempts: SlackMessage[] = [rendered];
    if (rendered.blocks.some((b) => b.type === 'data_visualization')) attempts.push(renderMessage(message, { charts: false }));
    attempts.push({ text: rendered.text, blocks: [] });
    for (const [i, attempt] of attempts.entries()) {
      try {
        return await this.call<{ ts?: string; channel?: string; message_ts?: string }>(tenant, method, { ...args, text: attempt.text, blocks: attempt.blocks });
      } catch (error) {
        const blockProblem = error instanceof ChatError && error.code === 'rejected' && BLOCK_PROBLEMS.has(slackErrorCode(error.cause) ?? '');
        if (!blockProblem || i === attempts.length - 1) throw error;
      }
    }
    throw new RejectedError(`${method}: no attempt left`);
  }

  /** chat.getPermalink: asked after the post is recorded as sent (never part of the post itself). */
  async link(tenant: string, ref: MessageRef): Promise<string | undefined> {
    try {
      const result = await this.call<{ permalink?: string }>(tenant, 'chat.getPermalink', { channel: ref.conversation, message_ts: ref.id });
      return result.permalink;
    } catch {
      return undefined;
    }
  }

  async post(tenant: string, conversation: string, message: Message, thread?: MessageRef, tag?: string): Promise<MessageRef> {
    const threadTs = thread ? (thread.threadRoot ?? thread.id) : undefined;
    const result = await this.send(
      tenant,
      'chat.postMessage',
      { channel: conversation, unfurl_links: false, unfurl_media: false, ...(threadTs ? { thread_ts: threadTs } : {}), ...deliveryMetadata(tag) },
      message,
    );
    if (!result.ts) throw new RejectedError('chat.postMessage returned no ts');
    // Slack's answer is the message's id: returned at once, so that the outbox records the
    // delivery before anything else can fail (the link comes after, from `link`).
    return { conversation: result.channel ?? conversation, id: result.ts, ...(threadTs ? { threadRoot: threadTs } : {}) };
  }

  async update(tenant: string, ref: MessageRef, message: Message): Promise<void> {
    await this.send(tenant, 'chat.update', { channel: ref.conversation, ts: ref.id }, message);
  }

  async dm(tenant: string, user: string, message: Message, tag?: string): Promise<MessageRef> {
    // A user id as the channel posts in the app's DM with that user.
    const result = await this.send(tenant, 'chat.postMessage', { channel: user, unfurl_links: false, ...deliveryMetadata(tag) }, message);
    if (!result.ts) throw new RejectedError('chat.postMessage returned no ts');
    return { conversation: result.channel ?? user, id: result.ts };
  }

  /**
   * The bot's tagged messages in a place since a time: one conversations.history (or, in a thread,
   * conversations.replies) call of at most 15 messages — the Tier 1 limit for apps outside the
   * Marketplace — with their metadata. A DM's channel is found first (conversations.open, Tier 3).
   */
  async findTagged(tenant: string, where: TaggedPlace, since: Date): Promise<TaggedMessages> {
    let channel: string;
    if ('user' in where) {
      const opened = await this.call<{ channel?: { id?: string } }>(tenant, 'conversations.open', { users: where.user });
      if (!opened.channel?.id) throw new RejectedError('conversations.open returned no channel');
      channel = opened.channel.id;
    } else {
      channel = where.conversation;
    }
    const thread = 'thread' in where ? where.thread : undefined;
    const args = { channel, oldest: (since.getTime() / 1000).toFixed(6), limit: HISTORY_LIMIT, include_all_metadata: true, ...(thread ? { ts: thread } : {}) };
    const result = await this.call<{ messages?: SlackHistoryMessage[]; has_more?: boolean }>(tenant, thread ? 'conversations.replies' : 'conversations.history', args);
    const found = new Map<string, MessageRef>();
    for (const m of result.messages ?? []) {
      const key = m.metadata?.event_type === DELIVERY_EVENT ? m.metadata.event_payload?.['key'] : undefined;
      if (typeof key === 'string' && m.ts) found.set(key, { conversation: channel, id: m.ts, ...(thread ? { threadRoot: thread } : {}) });
    }
    return { found, complete: result.has_more !== true };
  }

  async whisper(tenant: string, conversation: string, user: string, message: Message): Promise<void> {
    await this.send(tenant, 'chat.postEphemeral', { channel: conversation, user }, message);
  }

  /**
   * Files into the user's DM with the bot: conversations.open for the DM's id (a user id is not a
   * channel_id), then per file files.getUploadURLExternal and a POST of the bytes, then one
   * files.completeUploadExternal that shares them all with the comment.
   */
  async sendFile(tenant: string, user: string, files: readonly OutgoingFile[], comment: string): Promise<void> {
    const opened = await this.call<{ channel?: { id?: string } }>(tenant, 'conversations.open', { users: user });
    const channel = opened.channel?.id;
    if (!channel) throw new RejectedError('conversations.open returned no channel');
    const uploaded: Array<{ id: string; title: string }> = [];
    for (const file of files) {
      const bytes = Buffer.from(file.content, 'utf8');
      if (bytes.length === 0) throw new RejectedError(`${file.name} is empty; Slack takes no empty upload`);
      const target = await this.call<{ upload_url?: string; file_id?: string }>(tenant, 'files.getUploadURLExternal', { filename: file.name, length: bytes.length });
      if (!target.upload_url || !target.file_id) throw new RejectedError('files.getUploadURLExternal returned no upload URL');
      let res: Response;
      try {
        res = await fetch(target.upload_url, { method: 'POST', headers: { 'content-type': 'text/csv; charset=utf-8' }, body: bytes, signal: AbortSignal.timeout(30_000) });
      } catch (error) {
        throw new TransientChatError('uploading a file to Slack failed', { cause: error });
      }
      if (res.status !== 200) throw new TransientChatError(`Slack answered ${res.status} to a file upload`);
      uploaded.push({ id: target.file_id, title: file.title });
    }
    await this.call(tenant, 'files.completeUploadExternal', { files: uploaded, channel_id: channel, initial_comment: comment });
  }

  /** The App Home tab: views.publish of the page (native charts are for messages only; Home gets them as text). */
  async publishHome(tenant: string, user: string, message: Message): Promise<void> {
    const view = { type: 'home', callback_id: 'shiftlead_home', blocks: renderMessage(message, { surface: 'home' }).blocks.slice(0, 100) };
    await this.call(tenant, 'views.publish', { user_id: user, view });
  }

  async openForm(tenant: string, trigger: string, form: Form, metadata: ModalMetadata = {}): Promise<void> {
    const state: ModalMetadata = { ...metadata, ...(form.state !== undefined ? { s: form.state } : {}) };
    await this.call(tenant, 'views.open', { trigger_id: trigger, view: formView(form, JSON.stringify(state)) });
  }
}

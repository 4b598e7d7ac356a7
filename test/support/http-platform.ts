/**
 * A `ChatPlatform` that delivers over HTTP to a `Recorder`, translating its answers into the
 * outbox's error family the way the real adapters do: 429 + Retry-After, 404, 5xx.
 */
import type { Form, Message, PlatformKind } from '../../src/chat/message.js';
import { ConversationNotFoundError, RateLimitedError, TransientChatError } from '../../src/chat/errors.js';
import type { ChatPlatform, MessageRef, PacingRules } from '../../src/chat/platform.js';

export class HttpTestPlatform implements ChatPlatform {
  /** With `links`, a post's link is a call of its own (POST /link), as on Slack; it gives up after `linkTimeoutMs`. */
  readonly link?: (tenant: string, ref: MessageRef) => Promise<string | undefined>;

  constructor(
    private readonly baseUrl: string,
    readonly pacing: PacingRules = { conversation: [], tenant: [] },
    readonly kind: PlatformKind = 'slack',
    options: { links?: boolean; linkTimeoutMs?: number } = {},
  ) {
    if (options.links) {
      this.link = async (tenant, ref) => {
        const res = await fetch(`${this.baseUrl}/link`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ tenant, conversation: ref.conversation, id: ref.id, pid: process.pid }),
          signal: AbortSignal.timeout(options.linkTimeoutMs ?? 5_000),
        });
        return res.ok ? `https://chat.example/${ref.conversation}/${ref.id}` : undefined;
      };
    }
  }

  private async call(op: string, body: Record<string, unknown>): Promise<MessageRef> {
    let res: Response;
    try {
      res = await fetch(`${this.baseUrl}/${op}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ...body, pid: process.pid }) });
    } catch (error) {
      throw new TransientChatError('network error', { cause: error });
    }
    if (res.status === 429) throw new RateLimitedError(Number(res.headers.get('retry-after') ?? '1') * 1000, 'conversation');
    if (res.status === 404) throw new ConversationNotFoundError('channel_not_found');
    if (res.status >= 500) throw new TransientChatError(`HTTP ${res.status}`);
    const json = (await res.json()) as { id?: string };
    return { conversation: String(body['conversation'] ?? body['user'] ?? ''), id: json.id ?? `${Date.now()}` };
  }

  post(tenant: string, conversation: string, message: Message, thread?: MessageRef): Promise<MessageRef> {
    return this.call('post', { tenant, conversation, message, thread: thread?.id });
  }

  async update(tenant: string, ref: MessageRef, message: Message): Promise<void> {
    await this.call('update', { tenant, conversation: ref.conversation, id: ref.id, message });
  }

  dm(tenant: string, user: string, message: Message): Promise<MessageRef> {
    return this.call('dm', { tenant, user, message });
  }

  async whisper(tenant: string, conversation: string, user: string, message: Message): Promise<void> {
    await this.call('whisper', { tenant, conversation, user, message });
  }

  async openForm(_tenant: string, _trigger: string, _form: Form): Promise<void> {}
}

/**
 * Teams as a `ChatPlatform`: proactive messages through the Bot Connector, from stored
 * conversation references. A post to a channel starts a new thread; replies go into it; updates
 * edit the card for everyone (`updateActivity`).
 */
import type { CloudAdapter, ConversationParameters, ConversationReference, TurnContext } from 'botbuilder';
import { BlockedError, ConversationNotFoundError, RejectedError } from '../../chat/errors.js';
import { link, type Form, type Message } from '../../chat/message.js';
import type { ChatPlatform, MessageRef, OutgoingFile } from '../../chat/platform.js';
import type { RedisExportStore } from '../../store/exports.js';
import { TEAMS_PACING } from '../rate-limits.js';
import { cardActivity } from './cards.js';
import { translateTeamsError } from './errors.js';
import { baseConversation, type TeamsReferences } from './references.js';

/** The part of botframework-connector's ConnectorClient used here. */
interface ConversationsClient {
  conversations: { createConversation(parameters: ConversationParameters): Promise<{ id?: string; activityId?: string }> };
}

const CHANNEL = /^19:[^;]+@thread\.(tacv2|skype)$/;
const FILE_CONSENT = 'application/vnd.microsoft.teams.card.file.consent';

/**
 * One send per outbox attempt: removes the connector client's own retry policy (it re-sends after
 * a 5xx or a timeout, when the message may already be in Teams — a twin nobody counts). The outbox
 * retries instead, knowing the earlier attempt's outcome is unknown, and counts it. (botbuilder
 * ignores `noRetryPolicy` and `retryOptions`, so it is taken out of the client's pipeline.)
 */
function sendOnce(ctx: TurnContext): void {
  const connector = ctx.turnState.get(ctx.adapter.ConnectorClientKey) as { client?: { pipeline?: { removePolicy(options: { name: string }): unknown } } } | undefined;
  connector?.client?.pipeline?.removePolicy({ name: 'defaultRetryPolicy' });
}

/** The Microsoft 365 tenant id inside a Shiftlead tenant id. */
export function microsoftTenant(tenant: string): string {
  return tenant.replace(/^teams-/, '');
}

export class TeamsPlatform implements ChatPlatform {
  readonly kind = 'teams' as const;
  readonly pacing = TEAMS_PACING;

  constructor(
    private readonly adapter: CloudAdapter,
    private readonly appId: string,
    readonly references: TeamsReferences,
    /** Export files, and this server's public address for download links (else file consent cards). */
    private readonly files?: { store: RedisExportStore; publicUrl?: string | undefined },
  ) {}

  private async serviceUrl(tenant: string, scope?: string): Promise<string> {
    const stored = scope ? await this.references.get(tenant, scope) : undefined;
    const url = stored?.ref.serviceUrl ?? (await this.references.serviceUrl(tenant));
    if (!url) throw new ConversationNotFoundError(`Shiftlead has no conversation in ${tenant} yet: add the app to the team or chat first`);
    return url;
  }

  /** Fails fast for a reference a 403 or 404 marked dead. */
  private async alive(tenant: string, scope: string): Promise<void> {
    const stored = await this.references.get(tenant, scope);
    if (stored?.dead) throw new BlockedError(`${scope} is unreachable (${stored.dead.code} at ${stored.dead.at}); waiting for Teams to show it again`);
  }

  /** Runs a connector call; a 403/404 marks `scope` dead before the error goes back to the outbox. */
  private async guarded<T>(tenant: string, scope: string | undefined, what: string, work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      const translated = translateTeamsError(error, what);
      if (scope && (translated.code === 'blocked' || translated.code === 'conversation_not_found')) {
        await this.references.markDead(tenant, scope, translated.code).catch(() => undefined);
      }
      throw translated;
    }
  }

  private async botAccount(tenant: string): Promise<{ id: string; name: string }> {
    const known = await this.references.bot(tenant);
    return { id: known?.id ?? `28:${this.appId}`, name: known?.name ?? 'Shiftlead' };
  }

  private reference(tenant: string, conversation: string, serviceUrl: string, type: string): Partial<ConversationReference> {
    const tenantId = microsoftTenant(tenant);
    return { channelId: 'msteams', serviceUrl, conversation: { id: conversation, tenantId, conversationType: type, isGroup: type !== 'personal', name: '' } };
  }

  private async send(tenant: string, ref: Partial<ConversationReference>, message: Message): Promise<string> {
    let id = '';
    await this.adapter.continueConversationAsync(this.appId, ref, async (ctx: TurnContext) => {
      sendOnce(ctx);
      id = (await ctx.sendActivity(cardActivity(message)))?.id ?? '';
    });
    return id;
  }

  async post(tenant: string, conversation: string, message: Message, thread?: MessageRef): Promise<MessageRef> {
    const base = baseConversation(thread?.conversation ?? conversation);
    const scope = `conv:${base}`;
    await this.alive(tenant, scope);
    const serviceUrl = await this.serviceUrl(tenant, scope);
    if (thread) {
      // A channel thread's conversation id ends in ";messageid=<first message>".
      const threadId = thread.conversation.includes(';messageid=') ? thread.conversation : `${base};messageid=${thread.threadRoot ?? thread.id}`;
      const id = await this.guarded(tenant, scope, 'reply', () => this.send(tenant, this.reference(tenant, threadId, serviceUrl, 'channel'), message));
      return { conversation: threadId, id, threadRoot: threadId.split(';messageid=')[1] ?? thread.id };
    }
    if (CHANNEL.test(conversation)) {
      const tenantId = microsoftTenant(tenant);
      const bot = await this.botAccount(tenant);
      const params: ConversationParameters = { isGroup: true, channelData: { channel: { id: conversation }, tenant: { id: tenantId } }, activity: cardActivity(message) as never, tenantId, bot, members: [] };
      const created = await this.guarded(tenant, scope, 'post to channel', () => this.createConversation(tenant, serviceUrl, conversation, params));
      // Teams answers "<channel>;messageid=<id>" and the activity id; the first message's id names its thread.
      const id = created.activityId ?? created.id.split(';messageid=')[1] ?? created.id;
      const link = `https://teams.microsoft.com/l/message/${encodeURIComponent(conversation)}/${encodeURIComponent(id)}?tenantId=${tenantId}&parentMessageId=${encodeURIComponent(id)}`;
      return { conversation: created.id.includes(';messageid=') ? created.id : `${conversation};messageid=${id}`, id, link };
    }
    const stored = await this.references.get(tenant, scope);
    const ref = stored?.ref ?? this.reference(tenant, conversation, serviceUrl, 'groupChat');
    const id = await this.guarded(tenant, scope, 'post', () => this.send(tenant, ref, message));
    return { conversation, id };
  }

  /**
   * Starts a conversation (a new channel thread) through the Bot Connector and returns its id and
   * the first activity's id. (botbuilder's createConversationAsync hands the logic only the
   * conversation id, so the connector client of a proactive turn makes the call itself.)
   */
  private async createConversation(tenant: string, serviceUrl: string, channel: string, params: ConversationParameters): Promise<{ id: string; activityId?: string }> {
    let result: { id?: string; activityId?: string } = {};
    await this.adapter.continueConversationAsync(this.appId, this.reference(tenant, channel, serviceUrl, 'channel'), async (ctx: TurnContext) => {
      const client = ctx.turnState.get<ConversationsClient>(ctx.adapter.ConnectorClientKey);
      sendOnce(ctx);
      result = await client.conversations.createConversation(params);
    });
    if (!result.id) throw new RejectedError('the Bot Connector created a conversation without an id');
    return { id: result.id, ...(result.activityId ? { activityId: result.activityId } : {}) };
  }

  async update(tenant: string, ref: MessageRef, message: Message): Promise<void> {
    const scope = `conv:${baseConversation(ref.conversation)}`;
    await this.alive(tenant, scope);
    const serviceUrl = await this.serviceUrl(tenant, scope);
    const type = CHANNEL.test(baseConversation(ref.conversation)) ? 'channel' : 'groupChat';
    await this.guarded(tenant, scope, 'update', () =>
      this.adapter.continueConversationAsync(this.appId, this.reference(tenant, ref.conversation, serviceUrl, type), async (ctx: TurnContext) => {
        await ctx.updateActivity({ ...cardActivity(message), id: ref.id, conversation: { id: ref.conversation, isGroup: true, name: '', conversationType: type } });
      }),
    );
  }

  async dm(tenant: string, user: string, message: Message): Promise<MessageRef> {
    return this.dmActivity(tenant, user, cardActivity(message));
  }

  /** Sends an activity in the 1:1 chat with a user, starting the chat when there is none yet. */
  private async dmActivity(tenant: string, user: string, activity: Record<string, unknown>): Promise<MessageRef> {
    const scope = `user:${user.toLowerCase()}`;
    await this.alive(tenant, scope);
    const stored = await this.references.get(tenant, scope);
    if (stored?.ref.conversation) {
      const ref = stored.ref;
      let id = '';
      await this.guarded(tenant, scope, 'DM', () =>
        this.adapter.continueConversationAsync(this.appId, ref, async (ctx: TurnContext) => {
          sendOnce(ctx);
          id = (await ctx.sendActivity(activity))?.id ?? '';
        }),
      );
      return { conversation: ref.conversation?.id ?? '', id };
    }
    const member = await this.references.member(tenant, user);
    if (!member) throw new BlockedError(`Shiftlead cannot reach ${user} on Teams yet: they need to install the app or message it once`);
    const serviceUrl = await this.serviceUrl(tenant);
    const tenantId = microsoftTenant(tenant);
    const bot = await this.botAccount(tenant);
    let conversation = '';
    let id = '';
    await this.guarded(tenant, scope, 'create 1:1 chat', () =>
      this.adapter.createConversationAsync(
        this.appId,
        'msteams',
        serviceUrl,
        undefined as unknown as string,
        { isGroup: false, bot, members: [{ id: member.id, name: member.name ?? '' }], tenantId, channelData: { tenant: { id: tenantId } } },
        async (ctx) => {
          sendOnce(ctx);
          conversation = ctx.activity.conversation.id;
          id = (await ctx.sendActivity(activity))?.id ?? '';
        },
      ),
    );
    await this.references.save(tenant, { [scope]: this.reference(tenant, conversation, serviceUrl, 'personal') }, {}, undefined);
    return { conversation, id };
  }

  /**
   * Files for a user: with PUBLIC_URL, signed download links (valid a day) in a DM; otherwise a
   * file consent card per file in the 1:1 chat (Teams' bot file API works there only): accepting
   * it makes the bot upload the file to the person's OneDrive (ShiftleadTeamsBot).
   */
  async sendFile(tenant: string, user: string, files: readonly OutgoingFile[], comment: string): Promise<void> {
    if (!this.files) throw new RejectedError('this Teams setup has no file store');
    const { store, publicUrl } = this.files;
    const id = await store.save(files);
    if (publicUrl) {
      const links = await Promise.all(files.map(async (f) => link(f.title, await store.link(publicUrl, id, f.name))));
      await this.dm(tenant, user, { text: comment, blocks: [{ type: 'section', text: comment }, { type: 'section', text: links.map((l) => `📎 ${l}`).join('\n') }, { type: 'context', text: 'The links work for 24 hours, for you only: do not forward them.' }] });
      return;
    }
    for (const file of files) {
      const context = { exportId: id, name: file.name };
      await this.dmActivity(tenant, user, {
        type: 'message',
        summary: comment,
        attachments: [{ contentType: FILE_CONSENT, name: file.name, content: { description: `${file.title} (Shiftlead export)`, sizeInBytes: Buffer.byteLength(file.content, 'utf8'), acceptContext: context, declineContext: context } }],
      });
    }
  }

  /** Teams has no ephemeral messages for bots in channels: a private word is a DM. */
  async whisper(tenant: string, _conversation: string, user: string, message: Message): Promise<void> {
    await this.dm(tenant, user, message);
  }

  async openForm(_tenant: string, _trigger: string, _form: Form): Promise<void> {
    // Teams opens dialogs only in answer to an invoke (task/fetch); the bot returns the form there.
    throw new RejectedError('Teams opens forms from invoke responses, not proactively');
  }
}


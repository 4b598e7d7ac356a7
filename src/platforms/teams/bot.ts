/**
 * The Teams bot: @mention commands, the "Escalate" message extension and its dialog, card buttons
 * (Universal Actions), and conversation references from every activity. Invokes answer within
 * Teams' 5 s: handlers only parse, call one interaction and render its answer.
 */
import {
  ActivityTypes,
  CardFactory,
  TeamsActivityHandler,
  TeamsInfo,
  TurnContext,
  type AdaptiveCardInvokeResponse,
  type AdaptiveCardInvokeValue,
  type ConversationReference,
  type FileConsentCardResponse,
  type MessagingExtensionAction,
  type MessagingExtensionActionResponse,
  type TaskModuleRequest,
  type TaskModuleResponse,
} from 'botbuilder';
import { Form, type FormValues, type Message } from '../../chat/message.js';
import { isStoreDown, STORE_DOWN } from '../../core/escalations/service.js';
import { DuplicateRequestError, UnknownInteractionError, type Actor, type Answer, type Interactions, type SourceMessage } from '../../core/interactions.js';
import type { Logger } from '../../log.js';
import type { RedisExportStore } from '../../store/exports.js';
import { ADAPTIVE_CARD, CARD_VERSION, cardActivity, formCard, renderCard } from './cards.js';
import { htmlToText } from './html-text.js';
import { baseConversation, type Member, type TeamsReferences } from './references.js';
import { teamsTenant, teamsTenantId } from './tenant.js';

const say = (text: string): Message => ({ text, blocks: [{ type: 'section', text }] });

/** How long a turn may wait for Teams to say who a new user is (invokes must answer within 5 s). */
const EMAIL_LOOKUP_MS = 1_500;

/** Our keys inside a dialog's submitted data (the rest are the form's inputs). */
const FORM_KEY = 'shiftleadForm';

function values(data: unknown): FormValues {
  const out: FormValues = {};
  for (const [key, value] of Object.entries((data ?? {}) as Record<string, unknown>)) {
    if (key === FORM_KEY || key === 'msteams' || key === 'value' || key === 'verb') continue;
    if (typeof value === 'string' && value.trim() !== '') out[key] = value;
  }
  return out;
}

function dialog(form: Form, card = formCard(form)): TaskModuleResponse {
  return { task: { type: 'continue', value: { title: form.title, height: 'large', width: 'medium', card: CardFactory.adaptiveCard(withForm(card, form)) } } };
}

/** Carries the form definition in the submit action, so a resubmission can re-render it. */
function withForm(card: ReturnType<typeof formCard>, form: Form) {
  const [submit] = card.actions ?? [];
  if (submit) submit['data'] = { ...(submit['data'] as object), [FORM_KEY]: form };
  return card;
}

export interface TeamsBotDeps {
  interactions: Interactions;
  references: TeamsReferences;
  /** Export files waiting for the person to accept them (file consent). */
  exports?: RedisExportStore;
  log: Logger;
  /** Told the tenant of every activity (the organization's Microsoft 365 tenant). */
  onTenant?: (tenant: string) => void;
  /** Sends a person a direct message (a private answer to something done in a channel or group chat). */
  privately?: (tenant: string, user: string, message: Message) => Promise<unknown>;
}

export class ShiftleadTeamsBot extends TeamsActivityHandler {
  constructor(private readonly deps: TeamsBotDeps) {
    super();
    this.onMessage(async (ctx, next) => {
      await this.message(ctx);
      await next();
    });
    this.onMembersAdded(async (ctx, next) => {
      const bot = ctx.activity.recipient?.id;
      const personal = ctx.activity.conversation?.conversationType === 'personal';
      if (personal && ctx.activity.membersAdded?.some((m) => m.id === bot)) await this.reply(ctx, welcome());
      await next();
    });
    this.onInstallationUpdateRemove(async (ctx, next) => {
      const tenant = teamsTenant(teamsTenantId(ctx.activity));
      await this.deps.references.markDead(tenant, `conv:${baseConversation(ctx.activity.conversation.id)}`, 'uninstalled');
      if (ctx.activity.conversation.conversationType === 'personal' && ctx.activity.from?.aadObjectId) {
        await this.deps.references.markDead(tenant, `user:${ctx.activity.from.aadObjectId.toLowerCase()}`, 'uninstalled');
      }
      await next();
    });
  }

  /** Every activity refreshes the references Shiftlead needs to write here later. */
  protected override async onTurnActivity(ctx: TurnContext): Promise<void> {
    await this.remember(ctx).catch((error: unknown) => this.deps.log.warn({ err: error }, 'could not store a Teams conversation reference'));
    await super.onTurnActivity(ctx);
  }

  private async remember(ctx: TurnContext): Promise<void> {
    const a = ctx.activity;
    if (a.type === ActivityTypes.InstallationUpdate && (a.action === 'remove' || a.action === 'remove-upgrade')) return;
    const tenantId = teamsTenantId(a);
    if (!tenantId || !a.conversation?.id) return;
    const tenant = teamsTenant(tenantId);
    this.deps.onTenant?.(tenant);
    const ref = TurnContext.getConversationReference(a);
    const base = baseConversation(a.conversation.id);
    const entries: Record<string, Partial<ConversationReference>> = { [`conv:${base}`]: { ...ref, conversation: { ...ref.conversation, id: base } as ConversationReference['conversation'] } };
    const channelData = (a.channelData ?? {}) as { channel?: { id?: string }; team?: { id?: string } };
    if (channelData.channel?.id) entries[`conv:${channelData.channel.id}`] = { ...ref, conversation: { ...ref.conversation, id: channelData.channel.id, conversationType: 'channel' } as ConversationReference['conversation'] };
    if (channelData.team?.id) entries[`team:${channelData.team.id}`] = { ...ref, conversation: { ...ref.conversation, id: channelData.team.id, conversationType: 'channel' } as ConversationReference['conversation'] };
    const aad = a.from?.aadObjectId?.toLowerCase();
    if (a.conversation.conversationType === 'personal' && aad) entries[`user:${aad}`] = ref;
    const members: Record<string, Member> = {};
    if (aad && a.from?.id) members[aad] = { id: a.from.id, ...(a.from.name ? { name: a.from.name } : {}) };
    for (const m of a.membersAdded ?? []) if (m.aadObjectId && m.id) members[m.aadObjectId] = { id: m.id, ...(m.name ? { name: m.name } : {}) };
    const bot = a.recipient?.id ? { id: a.recipient.id, ...(a.recipient.name ? { name: a.recipient.name } : {}) } : undefined;
    await this.deps.references.save(tenant, entries, members, a.serviceUrl, bot);
  }

  /** Who is acting: their Entra object id, and their email so that the roster can match them by it. */
  private async actor(ctx: TurnContext): Promise<Actor> {
    const a = ctx.activity;
    const tenant = teamsTenant(teamsTenantId(a));
    const email = a.from?.aadObjectId ? await this.email(ctx, tenant, a.from.aadObjectId) : undefined;
    return {
      platform: 'teams',
      tenant,
      user: (a.from?.aadObjectId ?? a.from?.id ?? 'unknown').toLowerCase(),
      ...(a.conversation?.id ? { conversation: baseConversation(a.conversation.id) } : {}),
      ...(email ? { email } : {}),
      // Teams re-sends an activity it got no answer for under the same id: it runs once.
      ...(a.id ? { request: `teams-${a.id}` } : {}),
    };
  }

  /** The user's email, asked of Teams once (GET …/members/{id}) and remembered; never holds up a turn for long. */
  private async email(ctx: TurnContext, tenant: string, aad: string): Promise<string | undefined> {
    try {
      const known = await this.deps.references.email(tenant, aad);
      if (known !== undefined) return known || undefined;
      const timeout = new Promise<undefined>((done) => setTimeout(() => done(undefined), EMAIL_LOOKUP_MS).unref());
      const member = await Promise.race([TeamsInfo.getMember(ctx, ctx.activity.from.id), timeout]);
      if (!member) return undefined;
      const email = (member.email ?? member.userPrincipalName ?? '').trim().toLowerCase();
      await this.deps.references.saveEmail(tenant, aad, email.includes('@') ? email : '');
      return email.includes('@') ? email : undefined;
    } catch (error) {
      this.deps.log.debug({ err: error }, 'could not look up a Teams user’s email');
      return undefined;
    }
  }

  private async reply(ctx: TurnContext, message: Message): Promise<void> {
    await ctx.sendActivity(cardActivity(message, refreshFor(ctx)));
  }

  /**
   * An interaction's answer is for the person only (`Answer.reply`): in the 1:1 chat it is a
   * reply; in a channel or group chat Teams has no ephemeral message, so it goes by DM — never
   * into the channel, where a vote confirmation or pulse results would be read by everyone.
   */
  private async answerPrivately(ctx: TurnContext, actor: Actor, message: Message): Promise<void> {
    if (ctx.activity.conversation?.conversationType === 'personal' || !this.deps.privately) return this.reply(ctx, message);
    await this.deps.privately(actor.tenant, actor.user, message).catch((error: unknown) => this.deps.log.warn({ err: error, tenant: actor.tenant }, 'could not send a private answer on Teams'));
  }

  /** Runs an interaction; a storage outage or an unknown name becomes a clear answer. */
  private async attempt(work: () => Promise<Answer>): Promise<Answer> {
    try {
      return await work();
    } catch (error) {
      // A repeat of an activity that ran: the first one answered.
      if (error instanceof DuplicateRequestError) return {};
      if (isStoreDown(error)) return { reply: say(STORE_DOWN) };
      if (error instanceof UnknownInteractionError) return { reply: say(`Shiftlead can't do that here (${error.message}).`) };
      this.deps.log.error({ err: error }, 'Teams interaction failed');
      return { reply: say('Something went wrong in Shiftlead; nothing was changed. Please try again.') };
    }
  }

  private async message(ctx: TurnContext): Promise<void> {
    const a = ctx.activity;
    const submitted = a.value as { verb?: string; value?: string } | undefined;
    if (submitted?.verb) {
      // An Action.Submit fallback from a client without Universal Actions.
      const actor = await this.actor(ctx);
      const answer = await this.attempt(() => this.deps.interactions.action(actor, submitted.verb as string, submitted.value ?? '', values(submitted)));
      if (answer.reply) await this.answerPrivately(ctx, actor, answer.reply);
      return;
    }
    // Other people mentioned stay in the text as `@Name` (e.g. kudos @Ben Okafor …); the bot's own mention goes.
    const botMentions = new Set((a.entities ?? []).filter((e) => e.type === 'mention' && (e['mentioned'] as { id?: string } | undefined)?.id === a.recipient?.id).map((e) => String(e['text'] ?? '')));
    const text = (TurnContext.removeRecipientMention(a) ?? a.text ?? '')
      .replace(/<at>([^<]*)<\/at>/g, (tag: string, name: string) => (botMentions.has(tag) || !name.trim() ? '' : `@${name.trim()}`))
      .replace(/&nbsp;/g, ' ')
      .trim();
    const [word = '', ...rest] = text.split(/\s+/);
    const name = word.replace(/^\//, '').toLowerCase();
    if (!name || name === 'help' || name === '?') return this.reply(ctx, help(this.deps.interactions));
    if (!this.deps.interactions.hasCommand(name)) {
      return this.reply(ctx, say(`I don't know "${word}". Try **escalate** followed by a summary, **escalations**, or **help**.`));
    }
    const actor = await this.actor(ctx);
    const answer = await this.attempt(() => this.deps.interactions.command(actor, name, rest.join(' ')));
    if (answer.form) await ctx.sendActivity(openFormPrompt(answer.form));
    if (answer.reply) await this.answerPrivately(ctx, actor, answer.reply);
  }

  private async submit(ctx: TurnContext, data: Record<string, unknown> | undefined): Promise<TaskModuleResponse | undefined> {
    const parsed = Form.safeParse(data?.[FORM_KEY]);
    if (!parsed.success) return { task: { type: 'message', value: 'This form is out of date; start again.' } };
    const form = parsed.data;
    const submitted = values(data);
    let result;
    try {
      result = await this.deps.interactions.submit(await this.actor(ctx), form.id, submitted, form.state);
    } catch (error) {
      if (error instanceof DuplicateRequestError) return undefined;
      if (!isStoreDown(error)) this.deps.log.error({ err: error }, 'Teams form submission failed');
      result = { ok: false as const, errors: { _form: isStoreDown(error) ? STORE_DOWN : 'Something went wrong in Shiftlead; nothing was saved. Please try again.' } };
    }
    if (!result.ok) return dialog(form, formCard(form, submitted, result.errors));
    if (result.reply) return { task: { type: 'message', value: result.reply.text } };
    return undefined;
  }

  protected override async handleTeamsTaskModuleFetch(_ctx: TurnContext, request: TaskModuleRequest): Promise<TaskModuleResponse> {
    const data = (request.data ?? {}) as Record<string, unknown>;
    const parsed = Form.safeParse(data[FORM_KEY]);
    if (!parsed.success) return { task: { type: 'message', value: 'This button is out of date; ask again.' } };
    return dialog(parsed.data);
  }

  protected override async handleTeamsTaskModuleSubmit(ctx: TurnContext, request: TaskModuleRequest): Promise<TaskModuleResponse> {
    return (await this.submit(ctx, request.data as Record<string, unknown> | undefined)) ?? ({} as TaskModuleResponse);
  }

  protected override async handleTeamsMessagingExtensionFetchTask(ctx: TurnContext, action: MessagingExtensionAction): Promise<MessagingExtensionActionResponse> {
    if (action.commandId !== 'escalate') return { task: { type: 'message', value: `Unknown command "${action.commandId}".` } };
    const payload = action.messagePayload;
    const a = ctx.activity;
    const source: SourceMessage | undefined = payload?.id
      ? {
          conversation: baseConversation(a.conversation.id),
          id: payload.id,
          text: htmlToText(payload.body?.content ?? ''),
          ...(payload.from?.user?.id ? { author: payload.from.user.id } : {}),
          ...(payload.linkToMessage ? { link: payload.linkToMessage } : {}),
        }
      : undefined;
    const actor = await this.actor(ctx);
    const answer = await this.attempt(() => this.deps.interactions.command(actor, 'escalate', '', source));
    if (answer.form) return dialog(answer.form);
    return { task: { type: 'message', value: answer.reply?.text ?? 'Nothing to do.' } };
  }

  protected override async handleTeamsMessagingExtensionSubmitAction(ctx: TurnContext, action: MessagingExtensionAction): Promise<MessagingExtensionActionResponse> {
    return (await this.submit(ctx, action.data as Record<string, unknown> | undefined)) ?? {};
  }

  /**
   * The person accepted an export's file consent card: upload the file to the OneDrive location
   * Teams gave (one PUT with Content-Range; the URL is pre-authorised), then show it as a file card.
   */
  protected override async handleTeamsFileConsentAccept(ctx: TurnContext, response: FileConsentCardResponse): Promise<void> {
    const context = (response.context ?? {}) as { exportId?: string; name?: string };
    const file = context.exportId && context.name ? await this.deps.exports?.file(context.exportId, context.name) : undefined;
    const upload = response.uploadInfo;
    if (!file || !upload?.uploadUrl) {
      await this.reply(ctx, say('That export is no longer kept (exports wait a day). Ask for a new one with **report export**.'));
      return;
    }
    const bytes = Buffer.from(file.content, 'utf8');
    const put = await fetch(upload.uploadUrl, { method: 'PUT', headers: { 'content-type': 'text/csv', 'content-range': `bytes 0-${bytes.length - 1}/${bytes.length}` }, body: bytes, signal: AbortSignal.timeout(4_000) });
    if (!put.ok) {
      this.deps.log.warn({ status: put.status }, 'uploading an export to OneDrive failed');
      await this.reply(ctx, say(`Teams did not take the file (${put.status}); ask for the export again.`));
      return;
    }
    await ctx.sendActivity({
      type: 'message',
      attachments: [{ contentType: 'application/vnd.microsoft.teams.card.file.info', contentUrl: upload.contentUrl, name: upload.name ?? file.name, content: { uniqueId: upload.uniqueId, fileType: upload.fileType ?? 'csv' } }],
    });
  }

  protected override async handleTeamsFileConsentDecline(ctx: TurnContext): Promise<void> {
    await this.reply(ctx, say('OK, the export was not saved. Ask again with **report export** whenever you like.'));
  }

  protected override async onAdaptiveCardInvoke(ctx: TurnContext, invoke: AdaptiveCardInvokeValue): Promise<AdaptiveCardInvokeResponse> {
    const { verb, data } = invoke.action;
    const payload = (data ?? {}) as Record<string, unknown>;
    const actor = await this.actor(ctx);
    const answer = await this.attempt(() => this.deps.interactions.action(actor, verb, String(payload['value'] ?? ''), values(payload)));
    // The clicker sees the new card at once (it says what changed); everyone else when the outbox edits the message.
    // An automatic refresh (the person opened the chat) is answered like a click: the fresh card, refresh and all.
    if (answer.update) return { statusCode: 200, type: ADAPTIVE_CARD, value: renderCard(answer.update, refreshFor(ctx)) as never };
    if (answer.reply) return { statusCode: 200, type: 'application/vnd.microsoft.activity.message', value: answer.reply.text as never };
    if (answer.form) return { statusCode: 200, type: 'application/vnd.microsoft.activity.message', value: `Fill in ${answer.form.title} on the card and submit it.` as never };
    return { statusCode: 200, type: 'application/vnd.microsoft.activity.message', value: 'Done.' as never };
  }
}

/** The user a card refreshes for: the one this turn answers (their MRI, `29:…`). */
function refreshFor(ctx: TurnContext): string[] {
  return ctx.activity.from?.id ? [ctx.activity.from.id] : [];
}

function help(interactions: Interactions): Message {
  const lines = interactions.usage().map((c) => `**${c.name}** ${c.usage}`);
  const text = ['Mention me with a command:', ...lines, '**help** this list', 'Or use **Escalate** from a message’s **…** menu.'].join('\n\n');
  return { text: 'Shiftlead commands', blocks: [{ type: 'header', text: 'Shiftlead' }, { type: 'section', text }] };
}

function welcome(): Message {
  const text = 'Hi, I’m Shiftlead. I record escalations and keep after them until someone acknowledges. Send **escalate** and a summary to raise one, **escalations** to see what is open, **home** for your page at a glance, **help** for more.';
  return { text, blocks: [{ type: 'section', text }] };
}

/** Teams opens a dialog only from a card button (task/fetch): the answer to "escalate …". */
function openFormPrompt(form: Form) {
  const summary = form.fields.find((f) => f.id === 'summary')?.initial;
  const text = summary ? `${form.title}: ${summary}` : `${form.title}: fill in the form.`;
  const card = {
    type: 'AdaptiveCard',
    $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
    version: CARD_VERSION,
    body: [{ type: 'TextBlock', text, wrap: true }],
    actions: [{ type: 'Action.Submit', title: 'Open the form', data: { msteams: { type: 'task/fetch' }, [FORM_KEY]: form } }],
  };
  return { type: 'message', summary: text, attachments: [CardFactory.adaptiveCard(card)] };
}

/**
 * The port every chat platform implements. Features never see a platform type: they produce
 * neutral messages and forms, and the outbox hands them to a `ChatPlatform` for delivery.
 */
import type { Form, Message, PlatformKind } from './message.js';

/** Where a delivered message lives, as the platform needs it to reply to or update it. */
export interface MessageRef {
  /** The conversation (channel, chat) the message is in. */
  conversation: string;
  /** The platform's id for the message (Slack `ts`, Teams activity id). */
  id: string;
  /** A link people can open, when the platform has one. */
  link?: string;
  /** When the message is itself a reply: the id of its thread's first message. */
  threadRoot?: string;
}

/** One token bucket: `capacity` tokens, refilled at `perSecond`. */
export interface Bucket {
  capacity: number;
  perSecond: number;
}

/** A platform's pacing: every bucket of a scope must have a token before a send. */
export interface PacingRules {
  /** Per conversation (channel, chat, thread). */
  conversation: Bucket[];
  /** Per tenant (workspace, Microsoft 365 tenant). */
  tenant: Bucket[];
}

/** Where tagged messages are looked for: a conversation, a thread in it, or the bot's DM with a user. */
export type TaggedPlace = { conversation: string; thread?: string } | { user: string };

/** What a look for tagged messages saw: delivery key → where that message is; `complete` when it saw
 * every message since the time asked (a key it did not see was not posted). */
export interface TaggedMessages {
  found: Map<string, MessageRef>;
  complete: boolean;
}

export interface ChatPlatform {
  /** Which platform this is. */
  readonly kind: PlatformKind;
  /** How fast the outbox may send, from the platform's documented limits. */
  readonly pacing: PacingRules;
  /** Posts a message to a conversation, or as a reply in the thread of `thread` when given
   * (its `threadRoot` when it is a reply itself). `tag`: the delivery's idempotency key, carried
   * by the message where the platform can (Slack message metadata), for `findTagged`. */
  post(tenant: string, conversation: string, message: Message, thread?: MessageRef, tag?: string): Promise<MessageRef>;
  /**
   * The bot's messages tagged since `since` in a place, for retries whose earlier attempt has an
   * unknown outcome: a message found is adopted instead of posted again. Left out where the
   * platform cannot read its history (Teams). One call; the caller coalesces and bounds the wait.
   */
  findTagged?(tenant: string, where: TaggedPlace, since: Date): Promise<TaggedMessages>;
  /**
   * The link people open for a message `post` delivered, when the platform needs a call of its own
   * for it (Slack's chat.getPermalink); left out where `post` returns it. Asked only after the
   * delivery is recorded as sent, so a failure or crash here never posts the message again.
   */
  link?(tenant: string, ref: MessageRef): Promise<string | undefined>;
  /** Replaces a message this bot posted earlier. */
  update(tenant: string, ref: MessageRef, message: Message): Promise<void>;
  /** Sends a direct message to a user (the platform's user id). */
  dm(tenant: string, user: string, message: Message, tag?: string): Promise<MessageRef>;
  /** Shows a message to one user only, in a conversation (ephemeral where the platform has it). */
  whisper(tenant: string, conversation: string, user: string, message: Message): Promise<void>;
  /** Opens a form for a user in answer to an interaction (`trigger` is the platform's handle). */
  openForm(tenant: string, trigger: string, form: Form): Promise<void>;
  /** Sends files privately to a user (their DM, a download, a file on disk); left out where a platform has none. */
  sendFile?(tenant: string, user: string, files: readonly OutgoingFile[], comment: string): Promise<void>;
  /** Shows a user their own at-a-glance page (Slack's App Home); left out where a platform has none. */
  publishHome?(tenant: string, user: string, message: Message): Promise<void>;
}

/** A file for a person: an export's CSV. */
export interface OutgoingFile {
  name: string;
  title: string;
  content: string;
}

/** Finds the platform for a kind; the outbox delivers through it. */
export type PlatformDirectory = (kind: PlatformKind) => ChatPlatform | undefined;

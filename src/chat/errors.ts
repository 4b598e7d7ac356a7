/**
 * The small family of delivery errors the platforms translate their own failures into. The outbox
 * decides on these alone: wait (rate limited), retry (transient) or record and stop (permanent).
 * The platform's own error stays available as `cause`.
 */
export type ChatErrorCode =
  | 'rate_limited'
  | 'transient'
  | 'not_in_channel'
  | 'conversation_not_found'
  | 'blocked'
  | 'unauthorized'
  | 'rejected';

export abstract class ChatError extends Error {
  abstract readonly code: ChatErrorCode;
  /** True when retrying the same request can never succeed. */
  abstract readonly permanent: boolean;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** The platform asked us to slow down. Not a failure: wait `retryAfterMs`, then try again. */
export class RateLimitedError extends ChatError {
  readonly code = 'rate_limited';
  readonly permanent = false;
  constructor(
    readonly retryAfterMs: number,
    /** Whether the limit is on this conversation only or on the whole workspace / tenant. */
    readonly scope: 'conversation' | 'tenant',
    options?: { cause?: unknown },
  ) {
    super(`rate limited for ${retryAfterMs} ms (${scope})`, options);
  }
}

/** A network error, timeout or 5xx: retry with backoff. */
export class TransientChatError extends ChatError {
  readonly code = 'transient';
  readonly permanent = false;
}

abstract class PermanentChatError extends ChatError {
  readonly permanent = true;
}

/** The bot is not a member of the conversation it tried to write to. */
export class NotInChannelError extends PermanentChatError {
  readonly code = 'not_in_channel';
}

/** The conversation (channel, chat, message) does not exist or was archived. */
export class ConversationNotFoundError extends PermanentChatError {
  readonly code = 'conversation_not_found';
}

/** The user blocked the bot, or the bot was removed or uninstalled. */
export class BlockedError extends PermanentChatError {
  readonly code = 'blocked';
}

/** The bot's credentials were revoked or are invalid for this tenant. */
export class UnauthorizedError extends PermanentChatError {
  readonly code = 'unauthorized';
}

/** The platform refused the request itself (a malformed payload): retrying would not help. */
export class RejectedError extends PermanentChatError {
  readonly code = 'rejected';
}

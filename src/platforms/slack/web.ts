/**
 * Slack Web API clients, and Slack's errors translated into the outbox's small error family.
 * Clients never retry or wait on their own: the outbox owns pacing, 429s and backoff.
 */
import { LogLevel, type Logger as SlackLogger } from '@slack/logger';
import { ErrorCode, WebClient, type WebAPICallResult } from '@slack/web-api';
import { ConversationNotFoundError, BlockedError, NotInChannelError, RateLimitedError, RejectedError, TransientChatError, UnauthorizedError, type ChatError } from '../../chat/errors.js';
import type { Logger } from '../../log.js';

export const DEFAULT_SLACK_API_URL = 'https://slack.com/api/';

const NOT_FOUND = new Set(['channel_not_found', 'is_archived', 'message_not_found', 'thread_not_found', 'cant_update_message', 'edit_window_closed']);
const UNAUTHORIZED = new Set(['invalid_auth', 'not_authed', 'account_inactive', 'token_revoked', 'token_expired', 'no_permission', 'missing_scope', 'team_access_not_granted', 'ekm_access_denied', 'org_login_required']);
const BLOCKED = new Set(['user_not_found', 'user_disabled', 'cannot_dm_bot', 'user_not_in_channel', 'messages_tab_disabled']);
const TRANSIENT = new Set(['internal_error', 'fatal_error', 'service_unavailable', 'request_timeout', 'team_added_to_org']);
/** Payload problems worth one more try as plain text (see SlackPlatform). */
export const BLOCK_PROBLEMS = new Set(['invalid_blocks', 'invalid_blocks_format', 'msg_blocks_too_long', 'msg_too_long']);

interface SlackErrorShape {
  code?: string;
  retryAfter?: number;
  statusCode?: number;
  data?: { error?: string };
}

/** The Slack error code of a failed call (`channel_not_found`), if it has one. */
export function slackErrorCode(error: unknown): string | undefined {
  return (error as SlackErrorShape | undefined)?.data?.error;
}

/** Translates a Web API failure; `method` tells a per-channel limit from a per-workspace one. */
export function translateSlackError(error: unknown, method: string): ChatError {
  const e = (error ?? {}) as SlackErrorShape;
  const options = { cause: error };
  if (e.code === ErrorCode.RateLimitedError) {
    const scope = method === 'chat.postMessage' ? 'conversation' : 'tenant';
    return new RateLimitedError(Math.max(1, e.retryAfter ?? 1) * 1000, scope, options);
  }
  if (e.code === ErrorCode.RequestError) return new TransientChatError(`${method}: network error`, options);
  if (e.code === ErrorCode.HTTPError) {
    const status = e.statusCode ?? 0;
    return status >= 500 || status === 408 ? new TransientChatError(`${method}: HTTP ${status}`, options) : new RejectedError(`${method}: HTTP ${status}`, options);
  }
  if (e.code === ErrorCode.PlatformError) {
    const code = e.data?.error ?? 'unknown_error';
    const message = `${method}: ${code}`;
    if (code === 'ratelimited') return new RateLimitedError(1000, 'tenant', options);
    if (code === 'not_in_channel') return new NotInChannelError(message, options);
    if (NOT_FOUND.has(code)) return new ConversationNotFoundError(message, options);
    if (UNAUTHORIZED.has(code)) return new UnauthorizedError(message, options);
    if (BLOCKED.has(code)) return new BlockedError(message, options);
    if (TRANSIENT.has(code)) return new TransientChatError(message, options);
    return new RejectedError(message, options);
  }
  return new TransientChatError(`${method}: ${error instanceof Error ? error.message : String(error)}`, options);
}

/** The Slack SDKs' logger interface over pino (SDK debug and info chatter goes to debug). */
export function slackLogger(log: Logger, component: string): SlackLogger {
  const child = log.child({ component });
  const join = (m: unknown[]) => m.map((x) => (x instanceof Error ? x.message : typeof x === 'string' ? x : JSON.stringify(x))).join(' ');
  return {
    debug: (...m: unknown[]) => child.debug(join(m)),
    info: (...m: unknown[]) => child.debug(join(m)),
    warn: (...m: unknown[]) => child.warn(join(m)),
    error: (...m: unknown[]) => child.error(join(m)),
    setLevel: () => undefined,
    getLevel: () => LogLevel.INFO,
    setName: () => undefined,
  };
}

/** Makes Web API clients on the configured API URL (GovSlack, a test server), one per token. */
export class SlackClients {
  private readonly clients = new Map<string, WebClient>();

  constructor(
    readonly apiUrl: string,
    private readonly log: Logger,
  ) {}

  client(token: string | undefined): WebClient {
    const key = token ?? '';
    let client = this.clients.get(key);
    if (!client) {
      client = new WebClient(token, {
        slackApiUrl: this.apiUrl,
        rejectRateLimitedCalls: true,
        retryConfig: { retries: 0 },
        timeout: 10_000,
        logger: slackLogger(this.log, 'slack-web'),
      });
      this.clients.set(key, client);
    }
    return client;
  }

  /** Calls a method, translating failures into the chat error family. */
  async call<T extends object = Record<string, unknown>>(token: string | undefined, method: string, args: Record<string, unknown>): Promise<T & WebAPICallResult> {
    try {
      return (await this.client(token).apiCall(method, args)) as T & WebAPICallResult;
    } catch (error) {
      throw translateSlackError(error, method);
    }
  }
}

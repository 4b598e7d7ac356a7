/** Bot Connector failures translated into the outbox's error family (reference/teams.md §6). */
import { BlockedError, ConversationNotFoundError, RateLimitedError, RejectedError, TransientChatError, UnauthorizedError, type ChatError } from '../../chat/errors.js';

interface RestErrorShape {
  statusCode?: number;
  code?: string;
  message?: string;
  response?: { headers?: { get?: (name: string) => string | undefined } | Record<string, string> };
}

function retryAfterMs(error: RestErrorShape): number {
  const headers = error.response?.headers;
  const raw = typeof headers?.get === 'function' ? headers.get('retry-after') : (headers as Record<string, string> | undefined)?.['retry-after'];
  const seconds = Number(raw);
  return Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : 1000;
}

export function translateTeamsError(error: unknown, what: string): ChatError {
  if (error instanceof Error && 'permanent' in error) return error as ChatError;
  const e = (error ?? {}) as RestErrorShape;
  const status = e.statusCode;
  const detail = `${what}: ${status ?? ''} ${e.code ?? ''} ${e.message ?? String(error)}`.trim();
  const options = { cause: error };
  // Sends reach here on their first 429 (the connector client's own retry is off for them, see
  // sendOnce in teams-platform.ts): the outbox waits out Retry-After for the whole conversation.
  if (status === 429) return new RateLimitedError(retryAfterMs(e), 'conversation', options);
  if (status === 403) return new BlockedError(detail, options);
  if (status === 404) return new ConversationNotFoundError(detail, options);
  if (status === 401) return new UnauthorizedError(detail, options);
  // Teams asks for 412 (concurrent operations), 502 and 504 to be retried with backoff.
  if (status === undefined || status === 412 || status === 408 || status >= 500) return new TransientChatError(detail, options);
  return new RejectedError(detail, options);
}

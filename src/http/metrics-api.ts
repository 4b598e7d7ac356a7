/**
 * `POST /api/metrics`: metric values from other systems. Bearer tokens from SHIFTLEAD_API_TOKENS,
 * compared in constant time; at most 1,000 items and 1 MB; all or nothing, with every problem by
 * item index and field. 401 without a valid token, 413 when too large, 400 for malformed JSON or
 * bad items, 503 when Redis is down, 200 `{"written": n}`.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { isStoreDown } from '../core/escalations/service.js';
import type { MetricsIngest } from '../core/metrics/ingest.js';
import type { Logger } from '../log.js';
import { BodyTooLargeError, readBody, sendJson, type HttpServer } from './server.js';

export const INGEST_MAX_BYTES = 1_000_000;
export const INGEST_MAX_ITEMS = 1_000;

const digest = (text: string) => createHash('sha256').update(text).digest();

/** True when the request's bearer token is one of `tokens`; every token is compared, in constant time. */
export function bearerMatches(req: IncomingMessage, tokens: readonly string[]): boolean {
  const header = req.headers.authorization ?? '';
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
  if (!m) return false;
  // Hashing first gives equal lengths, so timingSafeEqual never leaks a token's length.
  const given = digest(m[1] as string);
  let match = false;
  for (const token of tokens) match = timingSafeEqual(given, digest(token)) || match;
  return match;
}

export function mountMetricsApi(http: HttpServer, deps: { tokens: readonly string[]; ingest: MetricsIngest; log: Logger }): void {
  const { tokens, ingest, log } = deps;
  http.route('POST', '/api/metrics', async (req, res) => {
    if (tokens.length === 0) return sendJson(res, 401, { error: 'unauthorized', detail: 'the ingest API is off: set SHIFTLEAD_API_TOKENS to enable it' });
    if (!bearerMatches(req, tokens)) {
      log.warn('refused a metrics request without a valid bearer token');
      res.setHeader('www-authenticate', 'Bearer realm="shiftlead"');
      return sendJson(res, 401, { error: 'unauthorized', detail: 'send Authorization: Bearer <one of SHIFTLEAD_API_TOKENS>' });
    }
    const tooLarge = { error: 'too_large', detail: `the body is over ${INGEST_MAX_BYTES.toLocaleString('en-US')} bytes; send at most ${INGEST_MAX_ITEMS.toLocaleString('en-US')} items per request` };
    if (Number(req.headers['content-length'] ?? 0) > INGEST_MAX_BYTES) return sendJson(res, 413, tooLarge);
    let body: unknown;
    try {
      body = JSON.parse((await readBody(req, INGEST_MAX_BYTES)).toString('utf8'));
    } catch (error) {
      if (error instanceof BodyTooLargeError) return sendJson(res, 413, tooLarge);
      return sendJson(res, 400, { error: 'invalid_json', detail: `the body is not JSON: ${error instanceof Error ? error.message : String(error)}` });
    }
    const items = (body as { metrics?: unknown } | null)?.metrics;
    if (!body || typeof body !== 'object' || Array.isArray(body) || !Array.isArray(items)) {
      return sendJson(res, 400, { error: 'invalid_request', detail: 'expected {"metrics": [{"metric": "csat", "date": "2026-11-23", "value": 4.6}, …]}' });
    }
    if (items.length === 0) return sendJson(res, 400, { error: 'invalid_request', detail: '"metrics" is empty: send 1 to 1,000 items' });
    if (items.length > INGEST_MAX_ITEMS) return sendJson(res, 413, { error: 'too_many_items', detail: `${items.length.toLocaleString('en-US')} items; send at most ${INGEST_MAX_ITEMS.toLocaleString('en-US')} per request` });
    try {
      const result = await ingest.accept(items, 'api');
      if (!result.ok) return sendJson(res, 400, { error: 'invalid_metrics', detail: 'nothing was written: fix these items and send the batch again', problems: result.problems });
      sendJson(res, 200, { written: result.written });
    } catch (error) {
      if (!isStoreDown(error)) throw error;
      sendJson(res, 503, { error: 'unavailable', detail: 'Shiftlead cannot reach its database; nothing was written. Try again in a minute.' });
    }
  });
}

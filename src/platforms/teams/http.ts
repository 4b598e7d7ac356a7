/**
 * `/api/messages`: Activity JSON in, through CloudAdapter (Bot Framework auth; anonymous only when
 * MicrosoftAppId is empty, and then only for activities from local tools). A body that isn't an
 * Activity gets 400 and never reaches botbuilder, whose `process` rejects (and would crash the
 * process) on a body without a `type`.
 */
import type { ServerResponse } from 'node:http';
import type { CloudAdapter, Response as BotResponse } from 'botbuilder';
import { z } from 'zod';
import { BodyTooLargeError, readBody, sendJson, type HttpServer } from '../../http/server.js';
import type { Logger } from '../../log.js';
import type { ShiftleadTeamsBot } from './bot.js';

const BODY_LIMIT = 1_000_000;

/** The least an activity must have for botbuilder to handle it safely. */
const ActivityShape = z.looseObject({
  type: z.string().min(1),
  serviceUrl: z.string().min(1),
  conversation: z.looseObject({ id: z.string().min(1) }),
});

/** botbuilder's Response on a plain Node response. */
function toBotResponse(res: ServerResponse): BotResponse {
  const out: BotResponse = {
    socket: res.socket,
    status(code: number) {
      res.statusCode = code;
      return out;
    },
    header(name: string, value: unknown) {
      res.setHeader(name, String(value));
      return out;
    },
    send(body?: unknown) {
      if (body === undefined) return out;
      if (typeof body === 'string' || Buffer.isBuffer(body)) res.write(body);
      else {
        if (!res.headersSent) res.setHeader('content-type', 'application/json; charset=utf-8');
        res.write(JSON.stringify(body));
      }
      return out;
    },
    end() {
      res.end();
      return out;
    },
  };
  return out;
}

/** Loopback hosts: where local tools (the Agents Playground, a test's fake connector) listen. */
function isLoopback(serviceUrl: string): boolean {
  try {
    return ['localhost', '127.0.0.1', '[::1]'].includes(new URL(serviceUrl).hostname);
  } catch {
    return false;
  }
}

export function mountTeams(http: HttpServer, deps: { adapter: CloudAdapter; bot: ShiftleadTeamsBot; log: Logger; anonymous: boolean }): void {
  http.route('POST', '/api/messages', async (req, res) => {
    let body: unknown;
    try {
      body = JSON.parse((await readBody(req, BODY_LIMIT)).toString('utf8'));
    } catch (error) {
      if (error instanceof BodyTooLargeError) throw error;
      return sendJson(res, 400, { error: 'invalid_json' });
    }
    const activity = ActivityShape.safeParse(body);
    if (!activity.success) {
      return sendJson(res, 400, { error: 'not_an_activity', detail: 'expected a Bot Framework Activity with a type, a serviceUrl and a conversation' });
    }
    // Without MicrosoftAppId nothing is authenticated: only local tools may talk to the bot, so that
    // an open endpoint can never be used to make Shiftlead send requests to other hosts.
    if (deps.anonymous && !isLoopback(activity.data.serviceUrl)) {
      return sendJson(res, 401, { error: 'unauthorized', detail: 'MicrosoftAppId is not set: only local tools (a loopback serviceUrl) are accepted' });
    }
    try {
      await deps.adapter.process({ body: activity.data, headers: req.headers, method: 'POST' }, toBotResponse(res), (ctx) => deps.bot.run(ctx));
    } catch (error) {
      deps.log.warn({ err: error }, 'Teams activity could not be processed');
      if (!res.headersSent) sendJson(res, 400, { error: 'bad_activity' });
      else if (!res.writableEnded) res.end();
    }
  });
}

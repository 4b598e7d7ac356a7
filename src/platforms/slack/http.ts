/**
 * Slack on the shared HTTP server. `/slack/events` takes commands, interactivity and events on one
 * URL: JSON event callbacks are verified and queued here (a 500 when they can't be queued makes
 * Slack retry), form bodies go to Bolt. OAuth installs use `/slack/install` and
 * `/slack/oauth_redirect`.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { isValidSlackRequest, type HTTPReceiver } from '@slack/bolt';
import { InstallProvider } from '@slack/oauth';
import type { Env } from '../../config/env.js';
import { readBody, sendJson, type HttpServer } from '../../http/server.js';
import type { Logger } from '../../log.js';
import type { SlackEventIntake } from './events.js';
import type { RedisInstallationStore } from './installation-store.js';
import { BOT_SCOPES } from './scopes.js';
import { slackLogger } from './web.js';

const BODY_LIMIT = 1_000_000;

function header(req: IncomingMessage, name: string): string {
  const value = req.headers[name];
  return Array.isArray(value) ? (value[0] ?? '') : (value ?? '');
}

export function mountSlack(http: HttpServer, deps: { env: Env; receiver: HTTPReceiver; events: SlackEventIntake; log: Logger }): void {
  const { env, receiver, events, log } = deps;

  async function eventCallback(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const raw = (await readBody(req, BODY_LIMIT)).toString('utf8');
    const valid = isValidSlackRequest({
      signingSecret: env.SLACK_SIGNING_SECRET ?? '',
      body: raw,
      headers: { 'x-slack-signature': header(req, 'x-slack-signature'), 'x-slack-request-timestamp': Number(header(req, 'x-slack-request-timestamp')) },
    });
    if (!valid) {
      log.warn('rejected a Slack request with a missing, stale or forged signature');
      return sendJson(res, 401, { error: 'invalid_signature' });
    }
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(raw) as Record<string, unknown>;
    } catch {
      return sendJson(res, 400, { error: 'invalid_json' });
    }
    if (body['type'] === 'url_verification') return sendJson(res, 200, { challenge: body['challenge'] });
    if (body['type'] !== 'event_callback') return sendJson(res, 200, { ok: true });
    try {
      await events.accept(body);
      sendJson(res, 200, { ok: true });
    } catch (error) {
      log.error({ err: error }, 'could not queue a Slack event; Slack will retry it');
      sendJson(res, 500, { error: 'try_again' });
    }
  }

  http.mount('/slack', async (req, res) => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    const json = header(req, 'content-type').includes('application/json');
    if (path === '/slack/events' && req.method !== 'POST') {
      // Slack only ever POSTs here; say so, as every other exact route does.
      res.setHeader('allow', 'POST');
      return sendJson(res, 405, { error: 'method_not_allowed' });
    }
    if (path === '/slack/events' && json) return eventCallback(req, res);
    try {
      receiver.requestListener(req, res);
    } catch {
      // Bolt throws for paths it doesn't serve.
      sendJson(res, 404, { error: 'not_found' });
    }
  });
}

/** "Add to Slack": the install page and the OAuth redirect, storing installations in Redis. */
export function addSlackOAuthRoutes(http: HttpServer, deps: { env: Env; store: RedisInstallationStore; log: Logger }): void {
  const { env, store } = deps;
  if (!env.SLACK_CLIENT_ID || !env.SLACK_CLIENT_SECRET || !env.SLACK_STATE_SECRET) return;
  const apiOrigin = env.SLACK_API_URL ? new URL(env.SLACK_API_URL).origin : undefined;
  const installer = new InstallProvider({
    clientId: env.SLACK_CLIENT_ID,
    clientSecret: env.SLACK_CLIENT_SECRET,
    stateSecret: env.SLACK_STATE_SECRET,
    installationStore: store,
    logger: slackLogger(deps.log, 'slack-oauth'),
    ...(apiOrigin ? { authorizationUrl: `${apiOrigin}/oauth/v2/authorize`, clientOptions: { slackApiUrl: env.SLACK_API_URL } } : {}),
  });
  const options = { scopes: [...BOT_SCOPES] };
  http.route('GET', '/slack/install', (req, res) => installer.handleInstallPath(req, res, {}, options));
  http.route('GET', '/slack/oauth_redirect', (req, res) =>
    installer.handleCallback(req, res, {
      success: (installation, _options, _req, response) => {
        deps.log.info({ team: installation.team?.id, enterprise: installation.enterprise?.id }, 'Slack app installed');
        response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
        response.end('<!doctype html><title>Shiftlead installed</title><h1>Shiftlead is installed.</h1><p>Go back to Slack and type <code>/escalate</code> in any channel.</p>');
      },
      failure: (error, _options, _req, response) => {
        deps.log.warn({ err: error }, 'Slack install failed');
        response.writeHead(400, { 'content-type': 'text/html; charset=utf-8' });
        response.end('<!doctype html><title>Install failed</title><h1>Shiftlead could not be installed.</h1><p>Please start again from the install page.</p>');
      },
    }, options),
  );
}

/** manifests/slack.yaml is valid against Slack's published manifest schema and matches the code. */
import { existsSync, readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { BOT_EVENTS, BOT_SCOPES, SHORTCUTS, SLASH_COMMANDS } from '../../src/platforms/slack/scopes.js';
import { startTestApp } from '../support/app.js';
import { ROOT } from '../support/processes.js';

// Slack's schema (slackapi/manifest-schema) is not published on npm; this machine keeps a copy
// beside the project. SLACK_MANIFEST_SCHEMA points elsewhere.
const SCHEMA_PATHS = [process.env['SLACK_MANIFEST_SCHEMA'], `${ROOT}../shared/schemas/slack-app-manifest.schema.v1.json`, '/work/shared/schemas/slack-app-manifest.schema.v1.json'];

type Manifest = {
  features: { slash_commands: Array<{ command: string; url: string }>; shortcuts: Array<{ callback_id: string }> };
  oauth_config: { scopes: { bot: string[] } };
  settings: { event_subscriptions: { bot_events: string[]; request_url: string }; interactivity: { request_url: string }; socket_mode_enabled: boolean };
};

const manifest = parse(readFileSync(`${ROOT}manifests/slack.yaml`, 'utf8')) as Manifest;

describe('Slack app manifest', () => {
  it('is valid against Slack’s manifest schema', () => {
    const path = SCHEMA_PATHS.find((p) => p && existsSync(p));
    expect(path, `Slack's manifest schema was not found; set SLACK_MANIFEST_SCHEMA (tried ${SCHEMA_PATHS.filter(Boolean).join(', ')})`).toBeDefined();
    const ajv = new Ajv({ strict: false, allErrors: true });
    addFormats.default(ajv);
    const validate = ajv.compile(JSON.parse(readFileSync(path as string, 'utf8')) as object);
    const valid = validate(manifest);
    expect(validate.errors ?? []).toEqual([]);
    expect(valid).toBe(true);
  });

  it('the schema check finds a broken manifest', () => {
    const path = SCHEMA_PATHS.find((p) => p && existsSync(p)) as string;
    const ajv = new Ajv({ strict: false });
    addFormats.default(ajv);
    const validate = ajv.compile(JSON.parse(readFileSync(path, 'utf8')) as object);
    expect(validate({ ...manifest, display_information: { name: 'x'.repeat(36) } })).toBe(false);
  });

  it('asks for exactly the scopes, events, commands and shortcuts the code uses, all on one URL', () => {
    expect([...manifest.oauth_config.scopes.bot].sort()).toEqual([...BOT_SCOPES].sort());
    expect([...manifest.settings.event_subscriptions.bot_events].sort()).toEqual([...BOT_EVENTS].sort());
    expect(manifest.features.slash_commands.map((c) => c.command)).toEqual([...SLASH_COMMANDS]);
    expect(manifest.features.shortcuts.map((s) => s.callback_id).sort()).toEqual(Object.values(SHORTCUTS).sort());
    const urls = new Set([...manifest.features.slash_commands.map((c) => c.url), manifest.settings.event_subscriptions.request_url, manifest.settings.interactivity.request_url]);
    expect([...urls]).toEqual(['https://shiftlead.example.com/slack/events']);
    expect(manifest.settings.socket_mode_enabled).toBe(false);
  });

  it('declares a slash command for every command a feature registers', async () => {
    const app = await startTestApp();
    try {
      const registered = app.interactions.usage().map((c) => `/${c.name}`);
      expect(registered.filter((c) => !(SLASH_COMMANDS as readonly string[]).includes(c))).toEqual([]);
    } finally {
      await app.close();
    }
  });
});

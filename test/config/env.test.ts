import { describe, expect, it } from 'vitest';
import { envProblems } from '../support/configs.js';
import { parseEnv, platformsConfigured } from '../../src/config/env.js';

describe('environment', () => {
  it('starts with nothing set: console mode, defaults filled in', () => {
    const env = parseEnv({});
    expect(env).toMatchObject({ PORT: 3000, SHIFTLEAD_ROLE: 'all', SHIFTLEAD_PREFIX: 'sl' });
    expect(env.REDIS_URL).toBeUndefined();
    expect(platformsConfigured(env)).toEqual({ slack: false, teams: false });
    expect(Object.isFrozen(env)).toBe(true);
  });

  it('treats empty variables as unset, as in a copied .env.example', () => {
    const env = parseEnv({ PORT: '', SHIFTLEAD_ROLE: ' ', REDIS_URL: '', SLACK_BOT_TOKEN: '', MicrosoftAppId: '', LOG_LEVEL: '' });
    expect(env).toMatchObject({ PORT: 3000, SHIFTLEAD_ROLE: 'all' });
    expect(platformsConfigured(env)).toEqual({ slack: false, teams: false });
    expect(parseEnv({ PORT: ' 8080 ', SHIFTLEAD_PREFIX: ' acme ' })).toMatchObject({ PORT: 8080, SHIFTLEAD_PREFIX: 'acme' });
  });

  it('lists every problem, one line each, naming the variable', () => {
    const lines = envProblems({
      PORT: 'eighty',
      REDIS_URL: 'localhost:6379',
      SHIFTLEAD_ROLE: 'everything',
      SLACK_BOT_TOKEN: 'xoxp-user-token',
      SLACK_API_URL: 'not a url',
      MicrosoftAppType: 'Single',
      SLACK_CLIENT_ID: '123.456',
    });
    expect(lines).toEqual(
      expect.arrayContaining([
        'PORT: must be a port number',
        'REDIS_URL: must be a redis:// or rediss:// URL, e.g. redis://127.0.0.1:6379',
        'SHIFTLEAD_ROLE: must be one of web, worker, all',
        'SLACK_BOT_TOKEN: must be a bot token (xoxb-…)',
        'SLACK_API_URL: must be a URL, e.g. https://slack.com/api/',
        'MicrosoftAppType: must be MultiTenant, SingleTenant or UserAssignedMSI',
        // Settings that need each other are checked in the same pass.
        'SLACK_CLIENT_SECRET: is required for OAuth installs (with SLACK_CLIENT_ID and SLACK_STATE_SECRET)',
      ]),
    );
    expect(lines.every((l) => !l.includes('\n'))).toBe(true);
  });

  it('checks settings that only make sense together', () => {
    expect(envProblems({ SLACK_BOT_TOKEN: 'xoxb-1-2-abc' })).toEqual(['SLACK_SIGNING_SECRET: is required to verify requests from Slack']);
    expect(envProblems({ SLACK_CLIENT_ID: '123.456', SLACK_SIGNING_SECRET: 's' })).toEqual([
      'SLACK_CLIENT_SECRET: is required for OAuth installs (with SLACK_CLIENT_ID and SLACK_STATE_SECRET)',
      'SLACK_STATE_SECRET: is required for OAuth installs (with SLACK_CLIENT_ID and SLACK_CLIENT_SECRET)',
    ]);
    expect(envProblems({ MicrosoftAppId: '00000000-0000-0000-0000-000000000001' })).toEqual(['MicrosoftAppPassword: is required with MicrosoftAppId']);
    expect(envProblems({ MicrosoftAppId: 'a', MicrosoftAppPassword: 'p', MicrosoftAppType: 'SingleTenant' })).toEqual([
      'MicrosoftAppTenantId: is required when MicrosoftAppType is SingleTenant',
    ]);
    expect(envProblems({ SLACK_APP_TOKEN: 'xapp-1-abc' })).toEqual(['SLACK_BOT_TOKEN: is required with SLACK_APP_TOKEN (Socket Mode) unless OAuth is used']);
  });

  it('never echoes a secret value in a problem', () => {
    const lines = envProblems({ SLACK_BOT_TOKEN: 'xoxp-secret-value-123', SLACK_SIGNING_SECRET: 'shh' });
    expect(lines.join('\n')).not.toContain('secret-value');
  });

  it('accepts a complete Slack and Teams setup', () => {
    const env = parseEnv({
      SLACK_BOT_TOKEN: 'xoxb-1-2-abc',
      SLACK_SIGNING_SECRET: 'abc',
      MicrosoftAppId: '00000000-0000-0000-0000-000000000001',
      MicrosoftAppPassword: 'pw',
      PORT: '8080',
    });
    expect(platformsConfigured(env)).toEqual({ slack: true, teams: true });
    expect(env.PORT).toBe(8080);
  });

  it('reads the ingest tokens and the Zendesk connector, and says what is missing', () => {
    const env = parseEnv({ SHIFTLEAD_API_TOKENS: ' tok-aaaaaaaaaaaaaaaa , tok-bbbbbbbbbbbbbbbb ', ZENDESK_SUBDOMAIN: 'acme', ZENDESK_EMAIL: 'admin@acme.example', ZENDESK_API_TOKEN: 'x' });
    expect(env.SHIFTLEAD_API_TOKENS).toEqual(['tok-aaaaaaaaaaaaaaaa', 'tok-bbbbbbbbbbbbbbbb']);
    expect(env.ZENDESK_REQUESTS_PER_MINUTE).toBe(10);
    expect(envProblems({ SHIFTLEAD_API_TOKENS: 'short', ZENDESK_EMAIL: 'admin@acme.example', PUBLIC_URL: 'ftp://x' })).toEqual([
      'SHIFTLEAD_API_TOKENS.0: each token must be 16-256 printable characters without spaces (e.g. from: openssl rand -hex 32)',
      'PUBLIC_URL: must be the public http(s) address of this server, e.g. https://shiftlead.example.com',
      'ZENDESK_SUBDOMAIN: is required for the Zendesk connector (with ZENDESK_EMAIL and ZENDESK_API_TOKEN)',
      'ZENDESK_API_TOKEN: is required for the Zendesk connector (Admin Center → Apps and integrations → Zendesk API)',
    ]);
  });
});

/**
 * The process environment, validated once at start. Every problem is reported (one line each)
 * before the process exits; the result is frozen and never holds more than the process needs.
 */
import { existsSync } from 'node:fs';
import { z } from 'zod';
import { parseDuration } from './duration.js';

/** Variables are trimmed first, and an empty one counts as unset (as in a copied .env.example). */
const optional = z.string().optional();

const ROLES = ['web', 'worker', 'all'] as const;

const Schema = z
  .object({
    REDIS_URL: z.string().regex(/^rediss?:\/\//, 'must be a redis:// or rediss:// URL, e.g. redis://127.0.0.1:6379').optional(),
    PORT: z.coerce
      .number({ message: 'must be a port number' })
      .int('must be a port number')
      .min(0, 'must be between 0 and 65535')
      .max(65535, 'must be between 0 and 65535')
      .default(3000),
    SHIFTLEAD_ROLE: z.enum(ROLES, { message: `must be one of ${ROLES.join(', ')}` }).default('all'),
    SHIFTLEAD_CONFIG: optional,
    SHIFTLEAD_PREFIX: z
      .string()
      .regex(/^[a-zA-Z0-9_-]{1,32}$/, 'must be 1-32 letters, digits, "-" or "_"')
      .default('sl'),
    SHIFTLEAD_CONSOLE: z.enum(['on', 'off', 'auto'], { message: 'must be on, off or auto' }).default('auto'),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], { message: 'must be a pino level (info, debug, …)' }).optional(),
    SLACK_SIGNING_SECRET: optional,
    SLACK_BOT_TOKEN: z.string().regex(/^xoxb-/, 'must be a bot token (xoxb-…)').optional(),
    SLACK_APP_TOKEN: z.string().regex(/^xapp-/, 'must be an app-level token (xapp-…)').optional(),
    SLACK_CLIENT_ID: optional,
    SLACK_CLIENT_SECRET: optional,
    SLACK_STATE_SECRET: optional,
    SLACK_API_URL: z.url({ message: 'must be a URL, e.g. https://slack.com/api/' }).optional(),
    MicrosoftAppId: optional,
    MicrosoftAppPassword: optional,
    MicrosoftAppType: z.enum(['MultiTenant', 'SingleTenant', 'UserAssignedMSI'], { message: 'must be MultiTenant, SingleTenant or UserAssignedMSI' }).optional(),
    MicrosoftAppTenantId: optional,
    METRICS_TOKEN: z.string().min(16, 'must be at least 16 characters (e.g. openssl rand -hex 32)').optional(),
    METRICS_PORT: z.coerce
      .number({ message: 'must be a port number' })
      .int('must be a port number')
      .min(0, 'must be between 0 and 65535')
      .max(65535, 'must be between 0 and 65535')
      .optional(),
    METRICS_HOST: z.string().regex(/^[A-Za-z0-9.:[\]-]+$/, 'must be an address to listen on, e.g. 127.0.0.1 or 0.0.0.0').optional(),
    SHIFTLEAD_API_TOKENS: z
      .string()
      .transform((text) => text.split(',').map((t) => t.trim()).filter(Boolean))
      .pipe(z.array(z.string().regex(/^[\x21-\x7e]{16,256}$/, 'each token must be 16-256 printable characters without spaces (e.g. from: openssl rand -hex 32)')).min(1, 'must list at least one token'))
      .optional(),
    PUBLIC_URL: z.url({ protocol: /^https?$/, message: 'must be the public http(s) address of this server, e.g. https://shiftlead.example.com' }).optional(),
    ZENDESK_SUBDOMAIN: z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/i, 'must be your Zendesk subdomain: acme for acme.zendesk.com').optional(),
    ZENDESK_EMAIL: z.email({ message: 'must be the email address of a Zendesk admin' }).optional(),
    ZENDESK_API_TOKEN: optional,
    ZENDESK_API_URL: z.url({ protocol: /^https?$/, message: 'must be a URL, e.g. https://acme.zendesk.com' }).optional(),
    ZENDESK_SYNC_EVERY: z
      .string()
      .transform((text, ctx) => {
        const ms = parseDuration(text);
        if (ms === undefined || ms < 1_000) {
          ctx.addIssue({ code: 'custom', message: 'must be a duration such as 5m or 90s' });
          return z.NEVER;
        }
        return ms;
      })
      .default(5 * 60_000),
    ZENDESK_REQUESTS_PER_MINUTE: z.coerce.number({ message: 'must be a number' }).int('must be a whole number').min(1, 'must be 1-600').max(600, 'must be 1-600').default(10),
  });

type Raw = Partial<Record<keyof z.infer<typeof Schema>, string>>;

/** The schema's variables, trimmed, without the empty ones. */
function present(source: NodeJS.ProcessEnv): Raw {
  const env: Raw = {};
  for (const key of Object.keys(Schema.shape) as Array<keyof Raw>) {
    const value = source[key]?.trim();
    if (value) env[key] = value;
  }
  return env;
}

/** Checks of settings that only make sense together; run on the raw values so that they are
 * reported alongside the per-variable problems, not after those are fixed. */
function crossProblems(env: Raw): string[] {
  const problems: string[] = [];
  const need = (when: boolean, key: keyof Raw, why: string) => {
    if (when && !env[key]) problems.push(`${key}: is required ${why}`);
  };
  const oauth = Boolean(env.SLACK_CLIENT_ID || env.SLACK_CLIENT_SECRET || env.SLACK_STATE_SECRET);
  need(oauth, 'SLACK_CLIENT_ID', 'for OAuth installs (with SLACK_CLIENT_SECRET and SLACK_STATE_SECRET)');
  need(oauth, 'SLACK_CLIENT_SECRET', 'for OAuth installs (with SLACK_CLIENT_ID and SLACK_STATE_SECRET)');
  need(oauth, 'SLACK_STATE_SECRET', 'for OAuth installs (with SLACK_CLIENT_ID and SLACK_CLIENT_SECRET)');
  if (oauth && env.SLACK_BOT_TOKEN) problems.push('SLACK_BOT_TOKEN: must be unset when OAuth (SLACK_CLIENT_ID) is used: tokens come from installs');
  const slack = Boolean(env.SLACK_BOT_TOKEN || oauth);
  need(slack && !env.SLACK_APP_TOKEN, 'SLACK_SIGNING_SECRET', 'to verify requests from Slack');
  need(Boolean(env.SLACK_APP_TOKEN) && !oauth, 'SLACK_BOT_TOKEN', 'with SLACK_APP_TOKEN (Socket Mode) unless OAuth is used');
  const type = env.MicrosoftAppType ?? 'MultiTenant';
  need(Boolean(env.MicrosoftAppId) && type !== 'UserAssignedMSI', 'MicrosoftAppPassword', 'with MicrosoftAppId');
  need(type === 'SingleTenant', 'MicrosoftAppTenantId', 'when MicrosoftAppType is SingleTenant');
  need(Boolean(env.MicrosoftAppPassword || env.MicrosoftAppTenantId), 'MicrosoftAppId', 'when other Microsoft app settings are set');
  if (type === 'UserAssignedMSI' && env.MicrosoftAppPassword) problems.push('MicrosoftAppPassword: must be empty when MicrosoftAppType is UserAssignedMSI');
  need(Boolean(env.METRICS_HOST), 'METRICS_PORT', 'with METRICS_HOST (the address the metrics port listens on)');
  const port = (value: string | undefined, fallback: number) => (value === undefined ? fallback : Number(value));
  if (env.METRICS_PORT !== undefined && port(env.METRICS_PORT, 0) !== 0 && port(env.METRICS_PORT, 0) === port(env.PORT, 3000)) {
    problems.push('METRICS_PORT: must differ from PORT (the metrics port is a separate, private port)');
  }
  const zendesk = Boolean(env.ZENDESK_SUBDOMAIN || env.ZENDESK_EMAIL || env.ZENDESK_API_TOKEN || env.ZENDESK_API_URL);
  need(zendesk && !env.ZENDESK_API_URL, 'ZENDESK_SUBDOMAIN', 'for the Zendesk connector (with ZENDESK_EMAIL and ZENDESK_API_TOKEN)');
  need(zendesk, 'ZENDESK_EMAIL', 'for the Zendesk connector (the email of the admin whose API token it uses)');
  need(zendesk, 'ZENDESK_API_TOKEN', 'for the Zendesk connector (Admin Center → Apps and integrations → Zendesk API)');
  return problems;
}

export type Env = Readonly<z.infer<typeof Schema>>;

export class EnvError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid environment:\n${problems.join('\n')}`);
    this.name = 'EnvError';
  }
}

/** Validates the environment; throws `EnvError` listing every problem, one line each. */
export function parseEnv(source: NodeJS.ProcessEnv): Env {
  const env = present(source);
  const result = Schema.safeParse(env);
  const problems = result.success ? [] : result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
  problems.push(...crossProblems(env).filter((p) => !problems.some((q) => q.split(':')[0] === p.split(':')[0])));
  if (!result.success || problems.length > 0) throw new EnvError(problems);
  return Object.freeze(result.data);
}

/** Which chat platforms have credentials. */
export function platformsConfigured(env: Env): { slack: boolean; teams: boolean } {
  return {
    slack: Boolean(env.SLACK_BOT_TOKEN || env.SLACK_CLIENT_ID),
    teams: Boolean(env.MicrosoftAppId),
  };
}

/**
 * Reads ./.env (see .env.example) into the environment; variables already set win.
 * SHIFTLEAD_ENV_FILE names another file, or none when empty.
 */
export function readEnvFile(): void {
  const file = process.env['SHIFTLEAD_ENV_FILE'] ?? '.env';
  if (file && existsSync(file)) process.loadEnvFile(file);
}

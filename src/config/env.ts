/**
 * The process environment, validated once at start. Every problem is reported (one line each)
 * before the process exits; the result is frozen and never holds more than the process needs.
 */
import { existsSync } from 'node:fs';
import { z } from 'zod';
import { parseDuration } from './duration.js';
import { parseHostPorts, type RedisTarget } from './redis-target.js';

/** Variables are trimmed first, and an empty one counts as unset (as in a copied .env.example). */
const optional = z.string().optional();

const ROLES = ['web', 'worker', 'all'] as const;

/** A `host:port,host:port` list (REDIS_CLUSTER_NODES, REDIS_SENTINELS). */
const hostPorts = (what: string) =>
  z
    .string()
    .transform((text, ctx) => {
      const nodes = parseHostPorts(text);
      if (!nodes) {
        ctx.addIssue({ code: 'custom', message: `must be host:port pairs separated by commas, each ${what}, e.g. 10.0.0.1:6379,10.0.0.2:6379` });
        return z.NEVER;
      }
      return nodes;
    })
    .optional();

const Schema = z
  .object({
    REDIS_URL: z.string().regex(/^rediss?:\/\//, 'must be a redis:// or rediss:// URL, e.g. redis://127.0.0.1:6379').optional(),
    REDIS_CLUSTER_NODES: hostPorts('a Redis Cluster node'),
    REDIS_SENTINELS: hostPorts('a Sentinel'),
    REDIS_SENTINEL_NAME: z.string().regex(/^[A-Za-z0-9._-]{1,64}$/, 'must be the name Sentinel monitors the primary under (sentinel monitor <name> …), e.g. mymaster').optional(),
    REDIS_USERNAME: z.string().regex(/^[\x21-\x7e]{1,128}$/, 'must be an ACL user name without spaces').optional(),
    REDIS_PASSWORD: optional,
    REDIS_SENTINEL_PASSWORD: optional,
    REDIS_TLS: z.enum(['1', '0', 'true', 'false', 'on', 'off', 'yes', 'no'], { message: 'must be 1 or 0' }).transform((v) => ['1', 'true', 'on', 'yes'].includes(v)).optional(),
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
  problems.push(...redisProblems(env));
  const zendesk = Boolean(env.ZENDESK_SUBDOMAIN || env.ZENDESK_EMAIL || env.ZENDESK_API_TOKEN || env.ZENDESK_API_URL);
  need(zendesk && !env.ZENDESK_API_URL, 'ZENDESK_SUBDOMAIN', 'for the Zendesk connector (with ZENDESK_EMAIL and ZENDESK_API_TOKEN)');
  need(zendesk, 'ZENDESK_EMAIL', 'for the Zendesk connector (the email of the admin whose API token it uses)');
  need(zendesk, 'ZENDESK_API_TOKEN', 'for the Zendesk connector (Admin Center → Apps and integrations → Zendesk API)');
  return problems;
}

/** Which Redis settings go together (one of REDIS_URL, REDIS_CLUSTER_NODES, REDIS_SENTINELS). */
function redisProblems(env: Raw): string[] {
  const problems: string[] = [];
  const truthy = (v: string | undefined) => v !== undefined && ['1', 'true', 'on', 'yes'].includes(v);
  const many = env.REDIS_CLUSTER_NODES ? 'REDIS_CLUSTER_NODES' : env.REDIS_SENTINELS ? 'REDIS_SENTINELS' : undefined;
  if (env.REDIS_CLUSTER_NODES && env.REDIS_SENTINELS) problems.push('REDIS_SENTINELS: must be unset when REDIS_CLUSTER_NODES is set (a Redis Cluster or a Sentinel-managed primary, not both)');
  if (many && env.REDIS_URL) problems.push(`REDIS_URL: must be unset when ${many} is set (give the password in REDIS_PASSWORD and turn TLS on with REDIS_TLS=1)`);
  if (env.REDIS_SENTINELS && !env.REDIS_SENTINEL_NAME) problems.push('REDIS_SENTINEL_NAME: is required with REDIS_SENTINELS (the name Sentinel monitors the primary under, e.g. mymaster)');
  if (env.REDIS_SENTINEL_NAME && !env.REDIS_SENTINELS) problems.push('REDIS_SENTINELS: is required with REDIS_SENTINEL_NAME (host:port of each Sentinel)');
  if (env.REDIS_SENTINEL_PASSWORD && !env.REDIS_SENTINELS) problems.push('REDIS_SENTINEL_PASSWORD: is only used with REDIS_SENTINELS');
  if (!many && !env.REDIS_URL) {
    if (env.REDIS_PASSWORD) problems.push('REDIS_PASSWORD: is used with REDIS_URL, REDIS_CLUSTER_NODES or REDIS_SENTINELS; set one of them');
    if (env.REDIS_USERNAME) problems.push('REDIS_USERNAME: is used with REDIS_URL, REDIS_CLUSTER_NODES or REDIS_SENTINELS; set one of them');
    if (truthy(env.REDIS_TLS)) problems.push('REDIS_TLS: is used with REDIS_CLUSTER_NODES or REDIS_SENTINELS; for one server use a rediss:// REDIS_URL');
  }
  if (!many && env.REDIS_URL) {
    const url = URL.canParse(env.REDIS_URL) ? new URL(env.REDIS_URL) : undefined;
    if (env.REDIS_PASSWORD && url?.password) problems.push('REDIS_PASSWORD: must be unset when REDIS_URL carries a password (one or the other)');
    if (env.REDIS_USERNAME && url?.username) problems.push('REDIS_USERNAME: must be unset when REDIS_URL carries a user name (one or the other)');
    if (truthy(env.REDIS_TLS) && url?.protocol === 'redis:') problems.push('REDIS_TLS: for one server, TLS is chosen by the URL: use rediss:// in REDIS_URL');
  }
  return problems;
}

export type Env = Readonly<z.infer<typeof Schema>>;

/**
 * The Redis the environment names, or undefined when it names none (then Shiftlead uses
 * redis://127.0.0.1:6379 or starts a private server: src/store/local-redis.ts).
 */
export function redisTarget(env: Env): RedisTarget | undefined {
  const auth = {
    ...(env.REDIS_USERNAME ? { username: env.REDIS_USERNAME } : {}),
    ...(env.REDIS_PASSWORD ? { password: env.REDIS_PASSWORD } : {}),
    tls: env.REDIS_TLS === true,
  };
  if (env.REDIS_CLUSTER_NODES) return { kind: 'cluster', nodes: env.REDIS_CLUSTER_NODES, ...auth };
  if (env.REDIS_SENTINELS && env.REDIS_SENTINEL_NAME) {
    return { kind: 'sentinel', sentinels: env.REDIS_SENTINELS, name: env.REDIS_SENTINEL_NAME, ...auth, ...(env.REDIS_SENTINEL_PASSWORD ? { sentinelPassword: env.REDIS_SENTINEL_PASSWORD } : {}) };
  }
  if (!env.REDIS_URL) return undefined;
  if (!env.REDIS_PASSWORD && !env.REDIS_USERNAME) return { kind: 'single', url: env.REDIS_URL };
  const url = new URL(env.REDIS_URL);
  if (env.REDIS_USERNAME) url.username = encodeURIComponent(env.REDIS_USERNAME);
  if (env.REDIS_PASSWORD) url.password = encodeURIComponent(env.REDIS_PASSWORD);
  return { kind: 'single', url: url.toString() };
}

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

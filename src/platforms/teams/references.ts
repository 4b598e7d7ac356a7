/**
 * Teams conversation references in Redis, one hash per tenant. Every inbound activity refreshes
 * them (a user's 1:1 chat, a channel, a team, the tenant's serviceUrl); a 403 or 404 marks one
 * dead, so that proactive sends stop at once instead of retrying into a wall.
 *
 *   user:<aad object id>    the 1:1 chat with that user
 *   member:<aad object id>  the user's Teams account ({ id: "29:…", name })
 *   conv:<conversation id>  a channel, group chat or chat (without ";messageid=")
 *   team:<team id>          the team (its General channel)
 *   email:<aad object id>   the user's email from Teams' roster ("" when Teams gave none)
 *   svc                     the tenant's newest serviceUrl
 *   bot                     the bot's own account ({ id: "28:…", name })
 */
import type { RedisClient } from '../../store/redis.js';
import type { ConversationReference } from 'botbuilder';
import { tenantKeys } from '../../store/keys.js';

export interface StoredReference {
  ref: Partial<ConversationReference>;
  updatedAt: string;
  dead?: { code: string; at: string };
}

export interface Member {
  id: string;
  name?: string;
}

/** A channel or chat id without the thread part. */
export function baseConversation(id: string): string {
  return id.split(';messageid=')[0] ?? id;
}

export class TeamsReferences {
  constructor(
    private readonly redis: RedisClient,
    private readonly prefix: string,
  ) {}

  private key(tenant: string): string {
    return tenantKeys(this.prefix, tenant).teamsRefs;
  }

  /** Stores references (live again if they were dead) and the tenant's serviceUrl. */
  async save(tenant: string, entries: Record<string, Partial<ConversationReference>>, members: Record<string, Member>, serviceUrl: string | undefined, bot?: Member): Promise<void> {
    const at = new Date().toISOString();
    const fields: string[] = [];
    for (const [scope, ref] of Object.entries(entries)) fields.push(scope, JSON.stringify({ ref, updatedAt: at } satisfies StoredReference));
    for (const [aad, member] of Object.entries(members)) fields.push(`member:${aad.toLowerCase()}`, JSON.stringify(member));
    if (serviceUrl) fields.push('svc', serviceUrl);
    if (bot?.id) fields.push('bot', JSON.stringify(bot));
    if (fields.length > 0) await this.redis.hset(this.key(tenant), ...fields);
  }

  async get(tenant: string, scope: string): Promise<StoredReference | undefined> {
    const json = await this.redis.hget(this.key(tenant), scope);
    return json ? (JSON.parse(json) as StoredReference) : undefined;
  }

  async member(tenant: string, aad: string): Promise<Member | undefined> {
    const json = await this.redis.hget(this.key(tenant), `member:${aad.toLowerCase()}`);
    return json ? (JSON.parse(json) as Member) : undefined;
  }

  /** The bot's account in this tenant, as Teams last addressed it. */
  async bot(tenant: string): Promise<Member | undefined> {
    const json = await this.redis.hget(this.key(tenant), 'bot');
    return json ? (JSON.parse(json) as Member) : undefined;
  }

  /** The user's email as Teams gave it: a string ("" for none), or undefined when never asked. */
  async email(tenant: string, aad: string): Promise<string | undefined> {
    return (await this.redis.hget(this.key(tenant), `email:${aad.toLowerCase()}`)) ?? undefined;
  }

  async saveEmail(tenant: string, aad: string, email: string): Promise<void> {
    await this.redis.hset(this.key(tenant), `email:${aad.toLowerCase()}`, email);
  }

  async serviceUrl(tenant: string): Promise<string | undefined> {
    return (await this.redis.hget(this.key(tenant), 'svc')) ?? undefined;
  }

  /** Marks a reference dead (blocked, uninstalled, gone); sends to it fail fast until it is refreshed. */
  async markDead(tenant: string, scope: string, code: string): Promise<void> {
    const current = (await this.get(tenant, scope)) ?? { ref: {}, updatedAt: new Date().toISOString() };
    await this.redis.hset(this.key(tenant), scope, JSON.stringify({ ...current, dead: { code, at: new Date().toISOString() } }));
  }
}

/**
 * Where the organization's people and channels are, on the platforms this process serves. The
 * team configuration describes one organization; on each platform it lives in one tenant (a Slack
 * workspace, a Microsoft 365 tenant, the console), learned from the platform (the Slack token's
 * workspace, the tenant Teams activities come from). Scheduled messages go there.
 */
import type { PlatformKind } from '../chat/message.js';
import type { Person } from '../config/team-config-schema.js';
import type { Settings } from './settings.js';

/** Which tenant the organization uses on each platform (the port; Redis and the platforms fill it). */
export interface TenantDirectory {
  /** The organization's tenant on a platform, when Shiftlead has seen one. */
  tenant(platform: PlatformKind): Promise<string | undefined>;
}

/** Somebody or somewhere Shiftlead can write to. */
export interface Address {
  platform: PlatformKind;
  tenant: string;
}

export interface PersonAddress extends Address {
  /** The person's user id on that platform. */
  user: string;
}

export interface ChannelAddress extends Address {
  conversation: string;
}

export type Channels = Partial<Record<PlatformKind, string>>;

export class Reach {
  constructor(
    private readonly deps: {
      settings: Settings;
      tenants: TenantDirectory;
      /** The platforms this process delivers to, most preferred first. */
      platforms: () => PlatformKind[];
    },
  ) {}

  /** The person's id on a platform (the roster id is their console id). */
  static userOn(person: Person, platform: PlatformKind): string | undefined {
    return platform === 'console' ? person.id : platform === 'slack' ? person.slack : person.teams;
  }

  /** Where to DM a person: the first platform where they have an id and the organization a tenant. */
  async person(person: Person): Promise<PersonAddress | undefined> {
    for (const platform of this.deps.platforms()) {
      const user = Reach.userOn(person, platform);
      if (!user) continue;
      const tenant = await this.deps.tenants.tenant(platform);
      if (tenant) return { platform, tenant, user };
    }
    return undefined;
  }

  /** The channels of a set (a department's, a briefing's) on every platform that can be reached. */
  async channels(channels: Channels): Promise<ChannelAddress[]> {
    const out: ChannelAddress[] = [];
    for (const platform of this.deps.platforms()) {
      const conversation = channels[platform];
      if (!conversation) continue;
      const tenant = await this.deps.tenants.tenant(platform);
      if (tenant) out.push({ platform, tenant, conversation });
    }
    return out;
  }

  /** The roster person by id. */
  byId(id: string): Person | undefined {
    return this.deps.settings.roster.byId(id);
  }
}

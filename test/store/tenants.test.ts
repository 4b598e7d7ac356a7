/** Which tenant the organization uses per platform, and where its people and channels are reached. */
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PLATFORM_KINDS, type PlatformKind } from '../../src/chat/message.js';
import { Reach } from '../../src/core/reach.js';
import { Settings } from '../../src/core/settings.js';
import { RedisTenantDirectory } from '../../src/store/tenants.js';
import { exampleConfig } from '../support/app.js';
import { deletePrefix, newRedis, uniquePrefix } from '../support/redis.js';

describe('tenant directory and reach', () => {
  let redis: Redis;
  const prefix = uniquePrefix();
  beforeAll(() => {
    redis = newRedis();
  });
  afterAll(async () => {
    await deletePrefix(redis, prefix);
    redis.disconnect();
  });

  it('the newest tenant seen on a platform is the organization’s; the console’s is fixed', async () => {
    let now = 1_000;
    const directory = new RedisTenantDirectory(redis, prefix, { console: 'console-local' }, () => now);
    expect(await directory.tenant('slack')).toBeUndefined();
    await directory.seen('slack', 'slack-T0OLD');
    now += 11 * 60_000;
    await directory.seen('slack', 'slack-T0NEW');
    expect(await directory.tenant('slack')).toBe('slack-T0NEW');
    expect(await directory.tenant('console')).toBe('console-local');
  });

  it('DMs go to the first platform where the person has an id and the organization a tenant; channels to every such platform', async () => {
    const settings = new Settings(exampleConfig());
    const p = uniquePrefix();
    const directory = new RedisTenantDirectory(redis, p);
    let active: PlatformKind[] = [...PLATFORM_KINDS];
    const reach = new Reach({ settings, tenants: directory, platforms: () => active });
    const ben = settings.roster.byId('ben');
    const dev = settings.roster.byId('dev');
    if (!ben || !dev) throw new Error('example roster changed');
    expect(await reach.person(ben)).toBeUndefined();
    await directory.seen('teams', 'teams-b28f');
    expect(await reach.person(ben)).toEqual({ platform: 'teams', tenant: 'teams-b28f', user: ben.teams });
    await directory.seen('slack', 'slack-T0TEST');
    expect(await reach.person(ben)).toEqual({ platform: 'slack', tenant: 'slack-T0TEST', user: 'U0BENOKAF' });
    // Dev has neither a Slack nor a Teams id.
    expect(await reach.person(dev)).toBeUndefined();
    active = ['teams'];
    expect(await reach.channels({ slack: 'C0SUPPORT', teams: '19:support@thread.tacv2' })).toEqual([{ platform: 'teams', tenant: 'teams-b28f', conversation: '19:support@thread.tacv2' }]);
    await deletePrefix(redis, p);
  });
});

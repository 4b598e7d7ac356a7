import { describe, expect, it } from 'vitest';
import { envProblems } from '../support/configs.js';
import { parseEnv, redisTarget } from '../../src/config/env.js';
import { describeTarget } from '../../src/config/redis-target.js';

describe('Redis settings', () => {
  it('names no Redis when nothing is set (the local default or a private server)', () => {
    expect(redisTarget(parseEnv({}))).toBeUndefined();
  });

  it('reads one server from REDIS_URL, TLS from rediss:// and a password from the URL or REDIS_PASSWORD', () => {
    expect(redisTarget(parseEnv({ REDIS_URL: 'rediss://:s3cret@cache.example.com:6380' }))).toEqual({ kind: 'single', url: 'rediss://:s3cret@cache.example.com:6380' });
    expect(redisTarget(parseEnv({ REDIS_URL: 'redis://10.0.0.5:6379/2', REDIS_PASSWORD: 'p@ss word', REDIS_USERNAME: 'shiftlead' }))).toEqual({
      kind: 'single',
      url: 'redis://shiftlead:p%40ss%20word@10.0.0.5:6379/2',
    });
  });

  it('reads a Redis Cluster from REDIS_CLUSTER_NODES, with REDIS_PASSWORD and REDIS_TLS', () => {
    const env = parseEnv({ REDIS_CLUSTER_NODES: ' 10.0.0.1:7000, redis-2.internal:7001,[::1]:7002 ', REDIS_PASSWORD: 'pw', REDIS_TLS: '1' });
    const target = redisTarget(env);
    expect(target).toEqual({
      kind: 'cluster',
      nodes: [
        { host: '10.0.0.1', port: 7000 },
        { host: 'redis-2.internal', port: 7001 },
        { host: '::1', port: 7002 },
      ],
      password: 'pw',
      tls: true,
    });
    expect(describeTarget(target as NonNullable<typeof target>)).toBe('Redis Cluster 10.0.0.1:7000,redis-2.internal:7001,[::1]:7002 (TLS)');
  });

  it('reads a Sentinel-managed primary from REDIS_SENTINELS and REDIS_SENTINEL_NAME', () => {
    expect(redisTarget(parseEnv({ REDIS_SENTINELS: 's1:26379,s2:26379', REDIS_SENTINEL_NAME: 'mymaster', REDIS_SENTINEL_PASSWORD: 'sp', REDIS_TLS: '0' }))).toEqual({
      kind: 'sentinel',
      sentinels: [
        { host: 's1', port: 26379 },
        { host: 's2', port: 26379 },
      ],
      name: 'mymaster',
      sentinelPassword: 'sp',
      tls: false,
    });
  });

  it('refuses malformed lists and values, naming the variable', () => {
    expect(envProblems({ REDIS_CLUSTER_NODES: '10.0.0.1' })).toEqual([
      'REDIS_CLUSTER_NODES: must be host:port pairs separated by commas, each a Redis Cluster node, e.g. 10.0.0.1:6379,10.0.0.2:6379',
    ]);
    expect(envProblems({ REDIS_SENTINELS: 's1:99999', REDIS_SENTINEL_NAME: 'm' })).toEqual([
      'REDIS_SENTINELS: must be host:port pairs separated by commas, each a Sentinel, e.g. 10.0.0.1:6379,10.0.0.2:6379',
    ]);
    expect(envProblems({ REDIS_CLUSTER_NODES: 'a:1', REDIS_TLS: 'maybe' })).toEqual(['REDIS_TLS: must be 1 or 0']);
  });

  it('refuses combinations that cannot both hold, one line each', () => {
    expect(envProblems({ REDIS_CLUSTER_NODES: 'a:7000', REDIS_SENTINELS: 's:26379', REDIS_SENTINEL_NAME: 'm' })).toEqual([
      'REDIS_SENTINELS: must be unset when REDIS_CLUSTER_NODES is set (a Redis Cluster or a Sentinel-managed primary, not both)',
    ]);
    expect(envProblems({ REDIS_CLUSTER_NODES: 'a:7000', REDIS_URL: 'redis://a:7000' })).toEqual([
      'REDIS_URL: must be unset when REDIS_CLUSTER_NODES is set (give the password in REDIS_PASSWORD and turn TLS on with REDIS_TLS=1)',
    ]);
    expect(envProblems({ REDIS_SENTINELS: 's:26379' })).toEqual(['REDIS_SENTINEL_NAME: is required with REDIS_SENTINELS (the name Sentinel monitors the primary under, e.g. mymaster)']);
    expect(envProblems({ REDIS_SENTINEL_NAME: 'mymaster' })).toEqual(['REDIS_SENTINELS: is required with REDIS_SENTINEL_NAME (host:port of each Sentinel)']);
    expect(envProblems({ REDIS_URL: 'redis://:a@h:6379', REDIS_PASSWORD: 'b' })).toEqual(['REDIS_PASSWORD: must be unset when REDIS_URL carries a password (one or the other)']);
    expect(envProblems({ REDIS_URL: 'redis://h:6379', REDIS_TLS: '1' })).toEqual(['REDIS_TLS: for one server, TLS is chosen by the URL: use rediss:// in REDIS_URL']);
    expect(envProblems({ REDIS_PASSWORD: 'b' })).toEqual(['REDIS_PASSWORD: is used with REDIS_URL, REDIS_CLUSTER_NODES or REDIS_SENTINELS; set one of them']);
    expect(envProblems({ REDIS_URL: 'redis://h:6379', REDIS_SENTINEL_PASSWORD: 'x' })).toEqual(['REDIS_SENTINEL_PASSWORD: is only used with REDIS_SENTINELS']);
  });
});

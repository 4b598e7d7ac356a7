/**
 * Shiftlead on a real 3-primary Redis Cluster (started here from redis-server): one escalation
 * from /escalate to resolved, through the HTTP boundary, with an SLA reminder fired by a timer and
 * every message delivered by the outbox to a stand-in Slack.
 */
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reachRedis } from '../../src/store/local-redis.js';
import { RedisPollStore } from '../../src/store/polls.js';
import { connectRedis, isCluster } from '../../src/store/redis.js';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { TEAM } from '../../src/core/metrics/model.js';
import { RedisMetricStore } from '../../src/store/metrics.js';
import { eventually, startTestApp } from '../support/app.js';
import { exited, Output, ROOT, runTs } from '../support/processes.js';
import { askReadyz } from '../support/readyz.js';
import { startPrivateCluster, redisServerInstalled, type PrivateCluster } from '../support/redis-topologies.js';
import { startSlackHarness, type SlackHarness } from '../support/slack-app.js';
import { nextView, press, raise, stored, submit, text, threadLines, USERS } from '../support/slack-flows.js';

const EXAMPLE = join(ROOT, 'shiftlead.example.yaml');

describe.skipIf(!redisServerInstalled)('on a 3-primary Redis Cluster', () => {
  let cluster: PrivateCluster;
  beforeAll(async () => {
    cluster = await startPrivateCluster(3);
  }, 60_000);
  afterAll(async () => {
    await cluster?.stop();
  });

  it('raises, reminds on the SLA, acknowledges and resolves an escalation, every message delivered once', async () => {
    let h: SlackHarness | undefined;
    try {
      h = await startSlackHarness({ app: { redisTarget: cluster.target } });
      expect(isCluster(h.app.redis)).toBe(true);
      const card = await raise(h, { severity: 'P1' });
      // P1 must be acknowledged in 2 s here: the SLA timer fires and reminds in the card's thread.
      await h.slack.waitFor(() => threadLines(h as SlackHarness, card).some((t) => t.includes('(reminder 1)')), 20_000, 'the first SLA reminder');

      await press(h, USERS.ben, 'escalation.acknowledge', card);
      await h.slack.waitFor(() => threadLines(h as SlackHarness, card).some((t) => t.includes('acknowledged ESC-1')), 15_000, 'the acknowledgement line');

      const opened = h.slack.of('views.open').length;
      await press(h, USERS.ben, 'escalation.resolve', card);
      const view = await nextView(h, opened);
      const res = await submit(h, USERS.ben, view, { note: text('Reset the SSO link.') });
      expect(res.text).toBe('');
      await h.slack.waitFor(() => threadLines(h as SlackHarness, card).some((t) => t.includes('resolved ESC-1')), 15_000, 'the resolution line');

      const record = await stored(h);
      expect(record?.status).toBe('resolved');
      expect(record?.history.map((e) => e.type)).toEqual(expect.arrayContaining(['created', 'acknowledged', 'resolved']));
      // One card, one line per event in its thread.
      expect(h.slack.of('chat.postMessage').filter((c) => c.args['channel'] === card.channel && c.args['thread_ts'] === undefined)).toHaveLength(1);
      expect(threadLines(h, card).filter((t) => t.includes('acknowledged ESC-1'))).toHaveLength(1);
      expect(threadLines(h, card).filter((t) => t.includes('resolved ESC-1'))).toHaveLength(1);

      // The keys really are spread over the primaries: the tenant's on one, the queues over several.
      const perNode = await Promise.all(cluster.nodes.map(async ({ host, port }) => {
        const node = new Redis({ host, port });
        try {
          return await node.dbsize();
        } finally {
          node.disconnect();
        }
      }));
      expect(perNode.filter((n) => n > 0).length).toBeGreaterThanOrEqual(2);
      expect(h.payloadProblems()).toEqual([]);
    } finally {
      await h?.close();
    }
  });

  it('is ready only through a cluster client: one node given as REDIS_URL is refused at start, and its /readyz says MOVED', async () => {
    await expect(startTestApp({ redisUrl: cluster.nodeUrl })).rejects.toThrow(/is a Redis Cluster node.*REDIS_CLUSTER_NODES/);

    // A PING to that node answers PONG, but the store's writes to other nodes' slots fail: not ready.
    const single = await connectRedis(cluster.nodeUrl, 'store');
    const client = await connectRedis(cluster.target, 'store');
    try {
      expect(await single.ping()).toBe('PONG');
      expect(await askReadyz(single, 'readyprobe')).toEqual({ status: 503, body: { status: 'redis_write_refused', reason: 'MOVED' } });
      expect(await askReadyz(client, 'readyprobe')).toEqual({ status: 200, body: { status: 'ready' } });
    } finally {
      single.disconnect();
      client.disconnect();
    }
  });

  it('starts from the environment as npm start does: REDIS_CLUSTER_NODES named in the log, /readyz 200; a cluster that is not there is one line', async () => {
    const nodes = cluster.nodes.map((n) => `${n.host}:${n.port}`).join(',');
    const child = await runTs('src/main.ts', { REDIS_CLUSTER_NODES: nodes, SHIFTLEAD_CONFIG: EXAMPLE, SHIFTLEAD_CONSOLE: 'off', SHIFTLEAD_PREFIX: 'clusterstart', PORT: '0' });
    const output = new Output(child);
    try {
      await output.waitFor('Shiftlead is running');
      expect(output.out).toContain(`Redis: Redis Cluster ${nodes} (not started by Shiftlead)`);
      const port = Number(/"port":(\d+)[^\n]*Shiftlead is running/.exec(output.out)?.[1]);
      expect((await fetch(`http://127.0.0.1:${port}/readyz`)).status).toBe(200);
    } finally {
      child.kill('SIGTERM');
      await exited(child);
    }
    // Nothing there: main.ts prints this one line and exits 1.
    await expect(reachRedis({ kind: 'cluster', nodes: [{ host: '127.0.0.1', port: 1 }], tls: false })).rejects.toThrow(
      'Nothing answers at Redis Cluster 127.0.0.1:1 (REDIS_CLUSTER_NODES): start it there, or fix REDIS_CLUSTER_NODES.',
    );
  }, 90_000);

  it('runs the command-line tools on it: metrics:import writes through REDIS_CLUSTER_NODES', async () => {
    const result = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/metrics-import.ts', 'examples/metrics.csv'], {
      cwd: ROOT,
      env: { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '', SHIFTLEAD_ENV_FILE: '', REDIS_CLUSTER_NODES: cluster.nodes.map((n) => `${n.host}:${n.port}`).join(','), SHIFTLEAD_PREFIX: 'clustercsv', SHIFTLEAD_CONFIG: 'shiftlead.example.yaml' },
      encoding: 'utf8',
    });
    expect(result.stderr).toBe('');
    expect(result.stdout).toBe('Imported 6 values from examples/metrics.csv (a value sent again replaces the one before).\n');
    const redis = await connectRedis(cluster.target, 'store');
    try {
      const points = await new RedisMetricStore(redis, 'clustercsv').read([TEAM, 'support'], ['2026-11-23']);
      expect(points).toHaveLength(6);
    } finally {
      redis.disconnect();
    }
  }, 60_000);

  it('creates a poll: the tenant list and the poll sit in different slots, written apart', async () => {
    const redis = await connectRedis(cluster.target, 'store');
    try {
      const polls = new RedisPollStore(redis, 'clusterpoll');
      const poll = await polls.create({
        tenant: 'slack-T0TEST',
        platform: 'slack',
        kind: 'choice',
        question: 'Lunch?',
        options: ['pizza', 'sushi'],
        anonymous: false,
        creator: { platform: 'slack', user: USERS.ana, name: 'Ana' },
        conversation: 'C0SUPPORT',
        createdAt: new Date().toISOString(),
        closesAt: new Date(Date.now() + 3_600_000).toISOString(),
      });
      expect(await polls.tenants()).toEqual(['slack-T0TEST']);
      expect((await polls.get('slack-T0TEST', poll.id))?.status).toBe('open');
    } finally {
      redis.disconnect();
    }
  });
  // Last: it takes a primary away for good.
  it('is not ready once a primary is lost (no replica holds its slots): /readyz 503', async () => {
    const client = await connectRedis(cluster.target, 'store');
    try {
      expect(await askReadyz(client, 'lost')).toEqual({ status: 200, body: { status: 'ready' } });
      await cluster.killNode((cluster.nodes[2] as { port: number }).port);
      let answer: { status: number; body: unknown } = { status: 0, body: undefined };
      await eventually(async () => (answer = await askReadyz(client, 'lost')).status === 503, 20_000, '/readyz 503');
      expect([{ status: 'redis_unavailable' }, { status: 'redis_write_refused', reason: 'CLUSTERDOWN' }]).toContainEqual(answer.body);
    } finally {
      client.disconnect();
    }
  });
});

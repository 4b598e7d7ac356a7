/**
 * Redis over TLS, as npm start does it (src/main.ts as a process): one server through a rediss://
 * REDIS_URL, and a Redis Cluster through REDIS_CLUSTER_NODES with REDIS_TLS=1. The servers'
 * certificates are signed by a CA made here, given to Node with NODE_EXTRA_CA_CERTS.
 */
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectRedis } from '../../src/store/redis.js';
import { exited, Output, ROOT, runTs } from '../support/processes.js';
import { makeTestCerts, redisServerInstalled, startPrivateCluster, startTlsRedis, type TestCerts } from '../support/redis-topologies.js';

const EXAMPLE = join(ROOT, 'shiftlead.example.yaml');
const opensslInstalled = spawnSync('openssl', ['version']).status === 0;

/** Starts main.ts with `env`, waits until it runs, asks /readyz, stops it; what it logged and /readyz's status. */
async function startShiftlead(env: Record<string, string>): Promise<{ out: string; ready: number }> {
  const child = await runTs('src/main.ts', { SHIFTLEAD_CONFIG: EXAMPLE, SHIFTLEAD_CONSOLE: 'off', SHIFTLEAD_PREFIX: 'tls', PORT: '0', ...env });
  const output = new Output(child);
  try {
    await output.waitFor('Shiftlead is running');
    const port = Number(/"port":(\d+)[^\n]*Shiftlead is running/.exec(output.out)?.[1]);
    return { out: output.out, ready: (await fetch(`http://127.0.0.1:${port}/readyz`)).status };
  } finally {
    child.kill('SIGTERM');
    await exited(child);
  }
}

describe.skipIf(!redisServerInstalled || !opensslInstalled)('Redis over TLS', { timeout: 90_000 }, () => {
  let dir: string;
  let certs: TestCerts;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'shiftlead-certs-'));
    certs = makeTestCerts(dir);
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('one server through rediss://: runs and is ready; a certificate Node cannot verify is refused', async () => {
    const server = await startTlsRedis(certs);
    try {
      const run = await startShiftlead({ REDIS_URL: `rediss://127.0.0.1:${server.port}`, NODE_EXTRA_CA_CERTS: certs.ca });
      expect(run.out).toContain(`Redis: rediss://127.0.0.1:${server.port} (REDIS_URL; not started by Shiftlead)`);
      expect(run.ready).toBe(200);
      // This test process does not trust the test CA: the connection fails instead of going on unverified.
      const errors: string[] = [];
      await expect(connectRedis(`rediss://127.0.0.1:${server.port}`, 'store', { onError: (e) => errors.push(e.message) })).rejects.toThrow();
      expect(errors.join('\n')).toMatch(/self[- ]signed|unable to verify|certificate/i);
    } finally {
      await server.stop();
    }
  });

  it('a Redis Cluster with REDIS_TLS=1: runs and is ready', async () => {
    const cluster = await startPrivateCluster(3, certs);
    try {
      const nodes = cluster.nodes.map((n) => `${n.host}:${n.port}`).join(',');
      const run = await startShiftlead({ REDIS_CLUSTER_NODES: nodes, REDIS_TLS: '1', NODE_EXTRA_CA_CERTS: certs.ca });
      expect(run.out).toContain(`Redis: Redis Cluster ${nodes} (TLS) (not started by Shiftlead)`);
      expect(run.ready).toBe(200);
    } finally {
      await cluster.stop();
    }
  });
});

/**
 * Real Redis topologies for tests, started from `redis-server` on free loopback ports in a temp
 * directory: a 3-primary Redis Cluster, and a primary + replica watched by three Sentinels.
 * Every process is stopped and the directory removed by `stop()`.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import type { HostPort, RedisTarget } from '../../src/config/redis-target.js';
import { freePort } from '../../src/store/local-redis.js';
import { redisAnswers } from '../../src/store/redis.js';

/** Whether redis-server and redis-cli are installed (the README and .ci/run make sure they are). */
export const redisServerInstalled = spawnSync('redis-server', ['--version']).status === 0 && spawnSync('redis-cli', ['--version']).status === 0;

const HOST = '127.0.0.1';

async function until(check: () => Promise<boolean>, what: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check().catch(() => false))) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** A port whose cluster bus port (port + 10000) is free too. */
async function clusterPort(): Promise<number> {
  for (;;) {
    const port = await freePort();
    if (port + 10_000 <= 65_535 && (await portFree(port + 10_000))) return port;
  }
}

async function portFree(port: number): Promise<boolean> {
  const { createServer } = await import('node:net');
  return new Promise((done) => {
    const server = createServer();
    server.once('error', () => done(false));
    server.listen(port, HOST, () => server.close(() => done(true)));
  });
}

class Processes {
  readonly byPort = new Map<number, ChildProcess>();

  start(port: number, args: string[]): ChildProcess {
    const child = spawn('redis-server', args, { stdio: 'ignore' });
    this.byPort.set(port, child);
    return child;
  }

  async kill(port: number, signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    const child = this.byPort.get(port);
    if (!child) return;
    this.byPort.delete(port);
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((done) => child.once('exit', done));
    child.kill(signal);
    await exited;
  }

  async stopAll(): Promise<void> {
    await Promise.all([...this.byPort.keys()].map((port) => this.kill(port, 'SIGKILL')));
  }
}

const SERVER_ARGS = ['--bind', HOST, '--save', '', '--appendonly', 'no', '--maxmemory-policy', 'noeviction', '--loglevel', 'warning', '--daemonize', 'no'];

export interface PrivateCluster {
  nodes: HostPort[];
  target: Extract<RedisTarget, { kind: 'cluster' }>;
  /** A URL of one primary, as a single-node client would be given. */
  nodeUrl: string;
  /** SIGKILLs one primary (there are no replicas: its slots are lost until it is back). */
  killNode(port: number): Promise<void>;
  stop(): Promise<void>;
}

/** Files of a test certificate authority and a certificate for 127.0.0.1 / localhost it signed. */
export interface TestCerts {
  ca: string;
  cert: string;
  key: string;
}

/** Makes a CA and a server certificate for 127.0.0.1 and localhost with openssl, in `dir`. */
export function makeTestCerts(dir: string): TestCerts {
  const files = { ca: join(dir, 'ca.pem'), caKey: join(dir, 'ca-key.pem'), cert: join(dir, 'server.pem'), key: join(dir, 'server-key.pem'), csr: join(dir, 'server.csr'), ext: join(dir, 'san.ext') };
  const openssl = (...args: string[]) => {
    const run = spawnSync('openssl', args, { encoding: 'utf8' });
    if (run.status !== 0) throw new Error(`openssl ${args[0]} failed: ${run.stderr}`);
  };
  openssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', '/CN=Shiftlead test CA', '-keyout', files.caKey, '-out', files.ca);
  openssl('req', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=localhost', '-keyout', files.key, '-out', files.csr);
  writeFileSync(files.ext, 'subjectAltName=IP:127.0.0.1,DNS:localhost\n');
  openssl('x509', '-req', '-in', files.csr, '-CA', files.ca, '-CAkey', files.caKey, '-CAcreateserial', '-days', '2', '-extfile', files.ext, '-out', files.cert);
  return { ca: files.ca, cert: files.cert, key: files.key };
}

/** redis-server arguments that serve TLS only, on `port`. */
export function tlsArgs(port: number, certs: TestCerts): string[] {
  return ['--port', '0', '--tls-port', String(port), '--tls-cert-file', certs.cert, '--tls-key-file', certs.key, '--tls-ca-cert-file', certs.ca, '--tls-auth-clients', 'no'];
}

/** Starts `primaries` cluster-enabled servers (TLS only with `certs`) and joins them with `redis-cli --cluster create`. */
export async function startPrivateCluster(primaries = 3, certs?: TestCerts): Promise<PrivateCluster> {
  const dir = await mkdtemp(join(tmpdir(), 'shiftlead-cluster-'));
  const processes = new Processes();
  const stop = async () => {
    await processes.stopAll();
    await rm(dir, { recursive: true, force: true });
  };
  const tlsOptions = certs ? { tls: { ca: readFileSync(certs.ca) } } : {};
  const node = (port: number) => new Redis({ host: HOST, port, lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, connectTimeout: 1_000, ...tlsOptions });
  try {
    const ports: number[] = [];
    for (let i = 0; i < primaries; i += 1) {
      const port = await clusterPort();
      ports.push(port);
      const listen = certs ? [...tlsArgs(port, certs), '--tls-cluster', 'yes'] : ['--port', String(port)];
      processes.start(port, [...listen, '--cluster-enabled', 'yes', '--cluster-config-file', join(dir, `nodes-${port}.conf`), '--cluster-node-timeout', '5000', '--dir', dir, ...SERVER_ARGS]);
    }
    const ask = async <T>(port: number, fn: (n: Redis) => Promise<T>) => {
      const client = node(port);
      client.on('error', () => undefined);
      try {
        await client.connect();
        return await fn(client);
      } finally {
        client.disconnect();
      }
    };
    for (const port of ports) await until(async () => (await ask(port, (n) => n.ping())) === 'PONG', `cluster node ${port} answers`);
    const tlsCli = certs ? ['--tls', '--cacert', certs.ca] : [];
    const create = spawnSync('redis-cli', [...tlsCli, '--cluster', 'create', ...ports.map((p) => `${HOST}:${p}`), '--cluster-replicas', '0', '--cluster-yes'], { encoding: 'utf8', timeout: 20_000 });
    if (create.status !== 0) throw new Error(`redis-cli --cluster create failed: ${create.stdout}${create.stderr}`);
    // Every node must have heard of every slot before clients are pointed at it.
    for (const port of ports) await until(async () => /cluster_state:ok/.test(await ask(port, (n) => n.cluster('INFO'))), `cluster node ${port} reports cluster_state:ok`);
    const nodes = ports.map((port) => ({ host: HOST, port }));
    return {
      nodes,
      target: { kind: 'cluster', nodes, tls: Boolean(certs) },
      nodeUrl: `${certs ? 'rediss' : 'redis'}://${HOST}:${ports[0]}`,
      killNode: (port) => processes.kill(port, 'SIGKILL'),
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

export interface PrivateSentinel {
  target: Extract<RedisTarget, { kind: 'sentinel' }>;
  /** The port of the current primary, as the Sentinels say. */
  primaryPort(): Promise<number>;
  /** Waits until every live replica has every write the primary has (so a crash loses nothing). */
  replicasCaughtUp(): Promise<void>;
  /** SIGKILLs the current primary and waits until the Sentinels have promoted a replica. */
  killPrimary(): Promise<Failover>;
  /** A planned switch (SENTINEL FAILOVER): the primary, alive, is to become a replica of another (Sentinel demotes it a few seconds after the switch). */
  switchPrimary(): Promise<Failover>;
  /** The names of the client connections a server has (CLIENT LIST). */
  clientNames(port: number): Promise<string[]>;
  stop(): Promise<void>;
}

export interface Failover {
  from: number;
  to: number;
  /** From the kill or the command until every Sentinel names the new primary and it says role:master. */
  ms: number;
}

const NAME = 'shiftlead-primary';

/** A primary, two replicas and three Sentinels (quorum 2) watching them. */
export async function startPrivateSentinel(): Promise<PrivateSentinel> {
  const dir = await mkdtemp(join(tmpdir(), 'shiftlead-sentinel-'));
  const processes = new Processes();
  const stop = async () => {
    await processes.stopAll();
    await rm(dir, { recursive: true, force: true });
  };
  try {
    const primary = await freePort();
    const replicas = [await freePort(), await freePort()];
    processes.start(primary, ['--port', String(primary), '--dir', dir, '--dbfilename', `dump-${primary}.rdb`, ...SERVER_ARGS]);
    for (const replica of replicas) processes.start(replica, ['--port', String(replica), '--replicaof', HOST, String(primary), '--dir', dir, '--dbfilename', `dump-${replica}.rdb`, ...SERVER_ARGS]);
    await until(() => redisAnswers(`redis://${HOST}:${primary}`, 300), 'the primary answers');
    for (const replica of replicas) await until(async () => /master_link_status:up/.test(await info(replica, 'replication')), 'the replicas are in sync');
    const sentinels: number[] = [];
    for (let i = 0; i < 3; i += 1) {
      const port = await freePort();
      sentinels.push(port);
      const file = join(dir, `sentinel-${port}.conf`);
      await writeFile(
        file,
        [
          `port ${port}`,
          `bind ${HOST}`,
          `dir ${dir}`,
          `sentinel monitor ${NAME} ${HOST} ${primary} 2`,
          `sentinel down-after-milliseconds ${NAME} 1000`,
          `sentinel failover-timeout ${NAME} 4000`,
          `sentinel parallel-syncs ${NAME} 2`,
          '',
        ].join('\n'),
      );
      processes.start(port, [file, '--sentinel', '--loglevel', 'warning']);
    }
    // Each Sentinel must know the replicas (and the others) before it can promote one.
    for (const port of sentinels) {
      await until(async () => {
        const known = (await sentinelCall(port, 'REPLICAS', NAME)) as unknown[];
        const peers = (await sentinelCall(port, 'SENTINELS', NAME)) as unknown[];
        return known.length === replicas.length && peers.length === 2;
      }, `sentinel ${port} knows the replicas and its peers`);
    }
    const servers = [primary, ...replicas];
    const primaryPort = async () => Number(((await sentinelCall(sentinels[0] as number, 'GET-MASTER-ADDR-BY-NAME', NAME)) as string[])[1]);
    /** Waits until every Sentinel names a primary other than `from` and that server says role:master. */
    const promoted = async (from: number, started: number): Promise<Failover> => {
      let to = from;
      await until(async () => {
        const answers = await Promise.all(sentinels.map(async (s) => Number(((await sentinelCall(s, 'GET-MASTER-ADDR-BY-NAME', NAME)) as string[])[1])));
        to = answers[0] as number;
        return to !== from && answers.every((a) => a === to) && /role:master/.test(await info(to, 'replication'));
      }, 'the Sentinels promoted a replica', 30_000);
      return { from, to, ms: Date.now() - started };
    };
    const replicasCaughtUp = async () => {
      const from = await primaryPort();
      for (const to of servers.filter((p) => p !== from && processes.byPort.has(p))) {
        await until(async () => {
          const offset = /master_repl_offset:(\d+)/.exec(await info(from, 'replication'))?.[1];
          const mine = await info(to, 'replication');
          return offset !== undefined && mine.includes(`master_port:${from}`) && /master_link_status:up/.test(mine) && /slave_repl_offset:(\d+)/.exec(mine)?.[1] === offset;
        }, `replica ${to} caught up with ${from}`);
      }
    };
    return {
      target: { kind: 'sentinel', sentinels: sentinels.map((port) => ({ host: HOST, port })), name: NAME, tls: false },
      primaryPort,
      replicasCaughtUp,
      async killPrimary() {
        const from = await primaryPort();
        const started = Date.now();
        await processes.kill(from, 'SIGKILL');
        return promoted(from, started);
      },
      async switchPrimary() {
        await replicasCaughtUp();
        const from = await primaryPort();
        const started = Date.now();
        await sentinelCall(sentinels[0] as number, 'FAILOVER', NAME);
        return promoted(from, started);
      },
      clientNames: async (port) => [...(await withNode(port, (n) => n.client('LIST') as Promise<string>)).matchAll(/ name=(\S*)/g)].map((m) => m[1] as string),
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

async function withNode<T>(port: number, fn: (node: Redis) => Promise<T>): Promise<T> {
  const node = new Redis({ host: HOST, port, lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, connectTimeout: 1_000 });
  node.on('error', () => undefined);
  try {
    await node.connect();
    return await fn(node);
  } finally {
    node.disconnect();
  }
}

const info = (port: number, section: string) => withNode(port, (node) => node.info(section));
const sentinelCall = (port: number, ...args: string[]) => withNode(port, (node) => node.call('SENTINEL', ...args));

/** One redis-server that speaks TLS only (certificate for 127.0.0.1 signed by `certs.ca`). */
export async function startTlsRedis(certs: TestCerts): Promise<{ port: number; stop: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'shiftlead-tls-'));
  const processes = new Processes();
  const port = await freePort();
  processes.start(port, [...tlsArgs(port, certs), '--dir', dir, ...SERVER_ARGS]);
  const stop = async () => {
    await processes.stopAll();
    await rm(dir, { recursive: true, force: true });
  };
  try {
    await until(async () => {
      const node = new Redis({ host: HOST, port, lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, tls: { ca: readFileSync(certs.ca) } });
      node.on('error', () => undefined);
      try {
        await node.connect();
        return (await node.ping()) === 'PONG';
      } finally {
        node.disconnect();
      }
    }, 'the TLS server answers');
  } catch (error) {
    await stop();
    throw error;
  }
  return { port, stop };
}

/**
 * Which Redis Shiftlead talks to, as the environment describes it: one server (REDIS_URL), a
 * Redis Cluster (REDIS_CLUSTER_NODES) or a primary managed by Sentinel (REDIS_SENTINELS and
 * REDIS_SENTINEL_NAME). Connections are made from it in one place: src/store/redis.ts.
 */

export interface HostPort {
  host: string;
  port: number;
}

/** Credentials and TLS shared by the cluster's nodes, or by the Sentinel-managed primary and its replicas. */
export interface RedisAuth {
  username?: string;
  password?: string;
  /** TLS to every node (REDIS_TLS=1). */
  tls: boolean;
}

export type RedisTarget =
  | { kind: 'single'; url: string }
  | ({ kind: 'cluster'; nodes: HostPort[] } & RedisAuth)
  | ({ kind: 'sentinel'; sentinels: HostPort[]; name: string; sentinelPassword?: string } & RedisAuth);

/** A target given as a URL is one server. */
export function toTarget(target: RedisTarget | string): RedisTarget {
  return typeof target === 'string' ? { kind: 'single', url: target } : target;
}

/** Parses `host:port,host:port,[::1]:port`; returns undefined when an entry is not one. */
export function parseHostPorts(text: string): HostPort[] | undefined {
  const entries = text.split(',').map((e) => e.trim()).filter(Boolean);
  if (entries.length === 0) return undefined;
  const out: HostPort[] = [];
  for (const entry of entries) {
    const match = /^(?:\[([0-9a-fA-F:.]+)\]|([A-Za-z0-9.-]+)):(\d{1,5})$/.exec(entry);
    const port = Number(match?.[3]);
    const host = match?.[1] ?? match?.[2];
    if (!host || !Number.isInteger(port) || port < 1 || port > 65535) return undefined;
    out.push({ host, port });
  }
  return out;
}

/** One line naming the target for logs and messages (never a password). */
export function describeTarget(target: RedisTarget | string): string {
  const t = toTarget(target);
  const list = (nodes: HostPort[]) => nodes.map((n) => (n.host.includes(':') ? `[${n.host}]:${n.port}` : `${n.host}:${n.port}`)).join(',');
  switch (t.kind) {
    case 'single':
      return t.url.replace(/\/\/([^:@/]*):[^@/]*@/, '//$1:***@');
    case 'cluster':
      return `Redis Cluster ${list(t.nodes)}${t.tls ? ' (TLS)' : ''}`;
    case 'sentinel':
      return `Sentinel-managed primary "${t.name}" via ${list(t.sentinels)}${t.tls ? ' (TLS)' : ''}`;
  }
}

/** /metrics is never open to the world: a bearer token on the public port, or a private port. */
import { networkInterfaces } from 'node:os';
import { connect } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { parseEnv } from '../../src/config/env.js';
import { freePort } from '../../src/store/local-redis.js';
import { startTestApp } from '../support/app.js';

const TOKEN = 'metrics-token-0123456789abcdef';

/** An address of this machine other than loopback, if it has one. */
function externalAddress(): string | undefined {
  return Object.values(networkInterfaces())
    .flat()
    .find((a) => a && a.family === 'IPv4' && !a.internal)?.address;
}

function connects(host: string, port: number): Promise<boolean> {
  return new Promise((done) => {
    const socket = connect({ host, port }, () => {
      socket.destroy();
      done(true);
    });
    socket.once('error', () => done(false));
  });
}

describe('/metrics', () => {
  const cleanups: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const fn of cleanups.splice(0).reverse()) await fn();
  });

  async function app(env: Record<string, string>) {
    const running = await startTestApp({ env: parseEnv(env) });
    cleanups.push(running.close);
    return { ...running, base: `http://127.0.0.1:${running.port}` };
  }

  it('is not served on the public port when neither METRICS_TOKEN nor METRICS_PORT is set', async () => {
    const { base } = await app({});
    expect((await fetch(`${base}/metrics`)).status).toBe(404);
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
  });

  it('with METRICS_TOKEN, answers only requests bearing it', async () => {
    const { base } = await app({ METRICS_TOKEN: TOKEN });
    const anonymous = await fetch(`${base}/metrics`);
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('www-authenticate')).toMatch(/^Bearer /);
    expect((await fetch(`${base}/metrics`, { headers: { authorization: 'Bearer not-the-token-at-all' } })).status).toBe(401);
    expect((await fetch(`${base}/metrics`, { headers: { authorization: TOKEN } })).status).toBe(401);
    const ok = await fetch(`${base}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(ok.status).toBe(200);
    expect(await ok.text()).toContain('shiftlead_http_request_duration_seconds');
  });

  it('with METRICS_PORT, serves it there on loopback only, and not on the public port', async () => {
    const port = await freePort();
    const { base } = await app({ METRICS_PORT: String(port) });
    expect((await fetch(`${base}/metrics`)).status).toBe(404);
    const ok = await fetch(`http://127.0.0.1:${port}/metrics`);
    expect(ok.status).toBe(200);
    expect(await ok.text()).toContain('shiftlead_queue_depth');
    expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(404);
    const external = externalAddress();
    if (external) expect(await connects(external, port)).toBe(false);
  });
});

/**
 * Self-hosting files, tested as far as this machine can (no container runtime here): the Compose
 * file's Redis settings pass Shiftlead's own start-up checks on a real redis-server, the image's
 * health check answers from a running Shiftlead, and the Dockerfile and the systemd unit run the
 * tested production command as an unprivileged user, with time to shut down gracefully.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { SHUTDOWN_GRACE_MS } from '../../src/app.js';
import { parseDuration } from '../../src/config/duration.js';
import { freePort } from '../../src/store/local-redis.js';
import { inspectRedis, judgeRedis } from '../../src/store/redis-checks.js';
import { redisAnswers } from '../../src/store/redis.js';
import { startTestApp } from '../support/app.js';
import { exited, ROOT, run } from '../support/processes.js';

interface Compose {
  services: Record<string, { command?: string[]; environment?: Record<string, string>; depends_on?: Record<string, { condition: string }>; stop_grace_period?: string; build?: string; volumes?: string[] }>;
}

/** Dockerfile instructions of the final stage, as [instruction, argument] pairs. */
async function finalStage(): Promise<Array<[string, string]>> {
  const text = (await readFile(join(ROOT, 'Dockerfile'), 'utf8')).replace(/\\\n\s*/g, ' ');
  const lines = text.split('\n').filter((l) => l.trim() && !l.trim().startsWith('#'));
  const last = lines.map((l) => l.trim().toUpperCase().startsWith('FROM ')).lastIndexOf(true);
  return lines.slice(last).map((l) => {
    const [word = '', ...rest] = l.trim().split(/\s+/);
    return [word.toUpperCase(), rest.join(' ')];
  });
}

describe('self-hosting: Docker, Compose and systemd', () => {
  const cleanups: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const fn of cleanups.splice(0).reverse()) await fn();
  });

  it('the Compose file’s Redis, started with its own arguments, passes Shiftlead’s start-up checks', async () => {
    const compose = parse(await readFile(join(ROOT, 'docker-compose.yml'), 'utf8')) as Compose;
    const redisService = compose.services['redis'];
    const command = redisService?.command ?? [];
    expect(command[0]).toBe('redis-server');
    const port = await freePort();
    const dir = await mkdtemp(join(tmpdir(), 'shiftlead-compose-redis-'));
    const server = spawn('redis-server', [...command.slice(1), '--port', String(port), '--bind', '127.0.0.1', '--dir', dir], { stdio: 'ignore' });
    cleanups.push(async () => {
      server.kill('SIGTERM');
      await exited(server);
      await rm(dir, { recursive: true, force: true });
    });
    const url = `redis://127.0.0.1:${port}`;
    for (let i = 0; i < 100 && !(await redisAnswers(url, 200)); i += 1) await new Promise((r) => setTimeout(r, 50));
    const redis = new Redis(url);
    const health = await inspectRedis(redis);
    redis.disconnect();
    expect(health).toMatchObject({ evictionPolicy: 'noeviction', aof: true });
    // No error stops Shiftlead, and no warning is logged (persistence is on).
    expect(judgeRedis(health)).toEqual({ errors: [], warnings: [] });

    const app = compose.services['shiftlead'];
    expect(app?.build).toBe('.');
    expect(app?.environment?.['REDIS_URL']).toBe('redis://redis:6379');
    expect(app?.depends_on?.['redis']).toEqual({ condition: 'service_healthy' });
    expect(app?.volumes).toContain(`./shiftlead.yaml:${app?.environment?.['SHIFTLEAD_CONFIG']}:ro`);
    expect(parseDuration(app?.stop_grace_period ?? '')).toBeGreaterThan(SHUTDOWN_GRACE_MS);
  });

  it('the image runs the production command as a non-root user, and its health check answers from /healthz', async () => {
    const stage = await finalStage();
    const users = stage.filter(([i]) => i === 'USER').map(([, u]) => u);
    expect(users.at(-1)).toBeDefined();
    expect(['root', '0']).not.toContain(users.at(-1));
    expect(JSON.parse(stage.find(([i]) => i === 'CMD')?.[1] ?? 'null')).toEqual(['node', 'dist/main.js']);
    const build = (await readFile(join(ROOT, 'Dockerfile'), 'utf8')).split('\n').find((l) => l.startsWith('RUN ') && l.includes('npm run build'));
    expect(build).toMatch(/^RUN npm run build /);

    const check = stage.find(([i]) => i === 'HEALTHCHECK')?.[1] ?? '';
    const argv = JSON.parse(check.slice(check.indexOf('CMD ') + 4)) as string[];
    expect(argv[0]).toBe('node');
    const app = await startTestApp();
    cleanups.push(app.close);
    const healthy = run(process.execPath, argv.slice(1), { PORT: String(app.port) });
    expect(await exited(healthy)).toBe(0);
    const nothing = run(process.execPath, argv.slice(1), { PORT: String(await freePort()) });
    expect(await exited(nothing)).toBe(1);
  });

  it('the systemd unit runs node dist/main.js as its own user and waits longer than the shutdown grace', async () => {
    const unit = await readFile(join(ROOT, 'deploy/shiftlead.service'), 'utf8');
    const settings = new Map(unit.split('\n').filter((l) => /^[A-Za-z]+=/.test(l)).map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
    expect(settings.get('ExecStart')).toMatch(/\/node dist\/main\.js$/);
    expect(settings.get('User')).toBeDefined();
    expect(settings.get('User')).not.toBe('root');
    expect(settings.get('KillSignal') ?? 'SIGTERM').toBe('SIGTERM');
    expect(Number(settings.get('TimeoutStopSec')) * 1000).toBeGreaterThan(SHUTDOWN_GRACE_MS);
  });
});

/** A private redis-server for tests that stop or break Redis (outages, persistence). */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import { ensureRedis, type LocalRedis } from '../../src/store/local-redis.js';
import { redisAnswers } from '../../src/store/redis.js';

export async function startPrivateRedis(persistence = false): Promise<LocalRedis & { dataDir: string; cleanup: () => Promise<void> }> {
  const dataDir = await mkdtemp(join(tmpdir(), 'shiftlead-private-redis-'));
  // Probe a port nothing listens on, so that a fresh server is started.
  const redis = await ensureRedis({ dataDir, persistence, probeUrl: 'redis://127.0.0.1:1' });
  return {
    ...redis,
    dataDir,
    cleanup: async () => {
      await redis.stop?.();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** Starts redis-server again on the same port and data directory (AOF is replayed). */
export async function restartRedis(url: string, dataDir: string): Promise<() => Promise<void>> {
  const port = new URL(url).port;
  const child = spawn('redis-server', ['--port', port, '--bind', '127.0.0.1', '--dir', dataDir, '--appendonly', 'yes', '--save', '', '--maxmemory-policy', 'noeviction'], { stdio: 'ignore' });
  for (let i = 0; i < 100 && !(await redisAnswers(url, 200)); i += 1) await new Promise((r) => setTimeout(r, 50));
  return async () => {
    child.kill('SIGTERM');
    await new Promise((done) => child.once('exit', done));
  };
}

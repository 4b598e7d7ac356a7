/** The core stays pure: no chat SDK, no queue library, no Redis client under src/core; src imports nothing outside src. */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const FORBIDDEN = [/^@slack\//, /^botbuilder/, /^botframework/, /^bullmq$/, /^ioredis$/, /^adaptivecards/, /^@microsoft\//];

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : []));
}

function imports(file: string): string[] {
  const source = readFileSync(file, 'utf8');
  return [...source.matchAll(/(?:import|export)[\s\S]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)|require\(\s*['"]([^'"]+)['"]\s*\)/g)].map((m) => m[1] ?? m[2] ?? m[3] ?? '');
}

describe('architecture boundaries', () => {
  const root = new URL('../src/', import.meta.url).pathname;

  it('keeps chat SDKs, BullMQ and ioredis out of src/core', () => {
    const offenders = files(join(root, 'core')).flatMap((f) => imports(f).filter((i) => FORBIDDEN.some((p) => p.test(i))).map((i) => `${f}: ${i}`));
    expect(offenders).toEqual([]);
  });

  it('keeps the core from importing platforms, the store or the job runner', () => {
    const offenders = files(join(root, 'core')).flatMap((f) =>
      imports(f)
        .filter((i) => /\/(platforms|store|jobs|http)\//.test(i))
        .map((i) => `${f}: ${i}`),
    );
    expect(offenders).toEqual([]);
  });

  it('keeps botbuilder inside src/platforms/teams', () => {
    const offenders = files(root)
      .filter((f) => !f.includes('/platforms/teams/'))
      .flatMap((f) => imports(f).filter((i) => /^(botbuilder|botframework)/.test(i)).map((i) => `${f}: ${i}`));
    expect(offenders).toEqual([]);
  });

  it('keeps src self-contained, so that npm run build (rootDir src) compiles what production runs', () => {
    const offenders = files(root).flatMap((f) =>
      imports(f)
        .filter((i) => i.startsWith('.') && !join(f, '..', i).startsWith(root))
        .map((i) => `${f}: ${i}`),
    );
    expect(offenders).toEqual([]);
  });

  it('the check itself finds a forbidden import', () => {
    expect(imports(new URL('../src/store/redis.ts', import.meta.url).pathname)).toContain('ioredis');
  });
});

/** `npm run metrics:import -- file.csv`, run as a user would, against real Redis: all or nothing, problems by line and column. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { TEAM } from '../../src/core/metrics/model.js';
import { RedisMetricStore } from '../../src/store/metrics.js';
import { ROOT } from '../support/processes.js';
import { deletePrefix, newRedis, redisUrl, uniquePrefix } from '../support/redis.js';

describe('CSV import', () => {
  const dir = mkdtempSync(join(tmpdir(), 'shiftlead-csv-'));
  let redis: Redis;
  let prefix: string;

  beforeAll(() => {
    redis = newRedis();
  });
  afterAll(() => {
    redis.disconnect();
    rmSync(dir, { recursive: true, force: true });
  });
  beforeEach(() => {
    prefix = uniquePrefix();
  });
  afterEach(async () => {
    await deletePrefix(redis, prefix);
  });

  function run(file: string, ...extra: string[]) {
    const result = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/metrics-import.ts', file, ...extra], {
      cwd: ROOT,
      env: { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '', SHIFTLEAD_ENV_FILE: '', REDIS_URL: redisUrl(), SHIFTLEAD_PREFIX: prefix, SHIFTLEAD_CONFIG: 'shiftlead.example.yaml' },
      encoding: 'utf8',
    });
    return { status: result.status, out: result.stdout, err: result.stderr };
  }
  const write = (name: string, text: string) => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  };
  const stored = async () => (await new RedisMetricStore(redis, prefix).read([TEAM, 'support', 'billing'], ['2026-11-22', '2026-11-23'])).map((p) => [p.date, p.metric, p.department, p.source, p.value, p.count ?? null]).sort();

  it('imports the example file, and a second import replaces the values it repeats', async () => {
    const first = run('examples/metrics.csv');
    expect(first.err).toBe('');
    expect(first).toMatchObject({ status: 0, out: 'Imported 6 values from examples/metrics.csv (a value sent again replaces the one before).\n' });
    expect(await stored()).toEqual([
      ['2026-11-23', 'backlog', TEAM, 'helpdesk', 19, null],
      ['2026-11-23', 'chatsHandled', 'support', 'helpdesk', 143, null],
      ['2026-11-23', 'csat', 'support', 'survey', 4.6, 212],
      ['2026-11-23', 'firstResponseMinutes', 'support', 'helpdesk', 27, null],
      ['2026-11-23', 'nps', TEAM, 'survey', 41, 88],
      ['2026-11-23', 'resolutionRate', TEAM, 'helpdesk', 0.92, 310],
    ]);
    const again = write('again.csv', 'metric,date,value\r\nbacklog,2026-11-23,22\r\nbacklog,2026-11-22,25\r\n');
    expect(run(again, '--source', 'helpdesk')).toMatchObject({ status: 0, out: expect.stringContaining('Imported 2 values') });
    const after = await stored();
    expect(after).toContainEqual(['2026-11-23', 'backlog', TEAM, 'helpdesk', 22, null]);
    expect(after).toContainEqual(['2026-11-22', 'backlog', TEAM, 'helpdesk', 25, null]);
    expect(after).toHaveLength(7);
  });

  it('lists every problem with its line and column, and imports nothing', async () => {
    const bad = write(
      'bad.csv',
      ['date,metric,value,department', '2026-11-23,csat,4.6,support', '2026-11-23,csat,seven,support', '2026-11-31,nps,10,', '2026-11-23,backlog,-3,legal', '2026-11-23,nps,10', '"2026-11-23",Bad Name,1,'].join('\n'),
    );
    const result = run(bad);
    expect(result.status).toBe(1);
    expect(result.out).toBe('');
    expect(result.err.split('\n')).toEqual([
      `${bad}: nothing was imported; fix these lines:`,
      '  line 3, column 3 (value): must be a number (got "seven")',
      '  line 4, column 1 (date): is not a real date (got "2026-11-31")',
      '  line 5, column 3 (value): backlog must be a whole number from 0 to 100,000,000 (open tickets); got -3',
      '  line 5, column 4 (department): must be a department of the team configuration (support, billing), or left out for the whole team (got "legal")',
      '  line 6: 3 cells, but the header has 4 columns',
      '  line 7, column 2 (metric): must be a metric name: a lowercase letter, then up to 39 letters, digits or "_" (e.g. csat, firstResponseMinutes) (got "Bad Name")',
      '',
    ]);
    expect(await stored()).toEqual([]);
  });

  it('refuses a file without the columns it needs, an unknown column, an empty file and a broken quote', () => {
    expect(run(write('header.csv', 'day,metric,colour\n2026-11-23,csat,4\n')).err).toContain(
      [
        '  line 1: the header has no "date" column (it needs date, metric and value)',
        '  line 1: the header has no "value" column (it needs date, metric and value)',
        '  line 1, column 1 (day): unknown column; the columns are date, metric, value, count, department, source',
        '  line 1, column 3 (colour): unknown column; the columns are date, metric, value, count, department, source',
      ].join('\n'),
    );
    expect(run(write('empty.csv', '')).err).toContain('the file is empty: it needs a header row "date,metric,value" and one row per value');
    expect(run(write('quote.csv', 'date,metric,value\n"2026-11-23,csat,4\n')).err).toMatch(/line \d+: Quote Not Closed/);
    expect(run(join(dir, 'missing.csv')).err).toContain('cannot be read (ENOENT)');
  });
});

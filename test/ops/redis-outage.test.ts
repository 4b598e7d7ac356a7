/**
 * A Redis outage in the log: one line when it starts, one a minute while it lasts, one when Redis
 * is back — not a line per failed reconnect of every worker. A private redis-server is stopped
 * and started again under a running Shiftlead whose log lines are captured.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/log.js';
import { eventually, startTestApp } from '../support/app.js';
import { restartRedis, startPrivateRedis } from '../support/private-redis.js';

interface Line {
  level: string;
  msg: string;
  err?: { stack?: string };
}

describe('a Redis outage in the log', () => {
  const cleanups: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const fn of cleanups.splice(0).reverse()) await fn();
  });

  it('is told when it starts, once a minute while it lasts, and when Redis is back', async () => {
    const redis = await startPrivateRedis(true);
    cleanups.push(redis.cleanup);
    const lines: Line[] = [];
    const log = createLogger({ level: 'info', destination: { write: (line: string) => void lines.push(JSON.parse(line) as Line) } });
    // The clock the app reads: real time, plus whatever the test skips ahead.
    let skipped = 0;
    const app = await startTestApp({ redisUrl: redis.url, log, clock: { now: () => new Date(Date.now() + skipped) } });
    cleanups.push(app.close);
    const matching = (pattern: RegExp) => lines.filter((l) => pattern.test(l.msg));
    const from = lines.length;

    await redis.stop?.();
    await eventually(() => matching(/^Redis is unreachable/).length > 0, 20_000, 'the outage line');
    // Every worker and connection keeps failing to reconnect meanwhile (several times a second).
    await new Promise((r) => setTimeout(r, 3_000));
    expect(matching(/^Redis is unreachable/)).toHaveLength(1);
    expect(matching(/^Redis is still unreachable/)).toHaveLength(0);

    skipped += 61_000;
    await eventually(() => matching(/^Redis is still unreachable after 1m/).length > 0, 20_000, 'the once-a-minute line');

    cleanups.push(await restartRedis(redis.url, redis.dataDir));
    await eventually(() => matching(/^Redis is reachable again/).length > 0, 30_000, 'the recovery line');

    const during = lines.slice(from);
    expect(during.filter((l) => /Redis/.test(l.msg)).map((l) => l.msg.replace(/\(.*\)/, '(…)').replace(/after [\dms ]+/, 'after … '))).toEqual([
      'Redis is unreachable (…); Shiftlead keeps retrying and will say when it is back',
      'Redis is still unreachable after … (…); retrying',
      'Redis is reachable again, after … without it',
    ]);
    expect(during.filter((l) => l.msg === 'worker error' || l.err?.stack !== undefined)).toEqual([]);
  });
});

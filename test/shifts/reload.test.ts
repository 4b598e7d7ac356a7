/** SIGHUP re-reads the team configuration of a running Shiftlead (npm start, console mode). */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { EXAMPLE_YAML, withoutShifts } from '../support/configs.js';
import { ConsoleDriver } from '../support/console-driver.js';
import { exited } from '../support/processes.js';
import { deletePrefix, newRedis, redisUrl, uniquePrefix } from '../support/redis.js';

describe('reloading the configuration with SIGHUP', () => {
  let driver: ConsoleDriver | undefined;
  const prefix = uniquePrefix();
  afterEach(async () => {
    driver?.child.kill('SIGKILL');
    if (driver) await exited(driver.child);
    const redis = newRedis();
    await deletePrefix(redis, prefix);
    redis.disconnect();
  });

  it('applies a valid file, and keeps the configuration in force when the file is broken', async () => {
    const file = join(await mkdtemp(join(tmpdir(), 'shiftlead-hup-')), 'shiftlead.yaml');
    await writeFile(file, withoutShifts(EXAMPLE_YAML));
    driver = await ConsoleDriver.start({ REDIS_URL: redisUrl(), SHIFTLEAD_PREFIX: prefix, PORT: '0', SHIFTLEAD_CONFIG: file, LOG_LEVEL: 'info' });
    expect(await driver.type('/shift', 'On shift now')).toContain('nobody on shift right now');

    await writeFile(file, `${withoutShifts(EXAMPLE_YAML)}\nshifts:\n  - { id: always, name: Always, department: support, start: "00:00", end: "23:59", timezone: UTC, people: [ana] }\n`);
    driver.child.kill('SIGHUP');
    await expect.poll(() => driver?.err ?? '', { timeout: 15_000 }).toContain('SIGHUP: team configuration reloaded (4 people, 2 departments, 1 shifts)');
    expect(await driver.type('/shift', 'On shift now')).toContain('Ana Lima (Always');

    await writeFile(file, 'people: [\n');
    driver.child.kill('SIGHUP');
    await expect.poll(() => driver?.err ?? '', { timeout: 15_000 }).toContain('has problems; the configuration in force stays');
    // Still running, on the last good configuration.
    expect(await driver.type('/shift', 'On shift now')).toContain('Ana Lima (Always');
  }, 60_000);
});

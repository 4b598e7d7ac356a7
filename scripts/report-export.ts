/**
 * npm run report:export -- --from 2026-11-01 --to 2026-11-30 [--out dir]
 *
 * Writes the export /report export sends in chat: the escalations (one row each) and the daily
 * metrics of those local dates, as two CSV files, and prints their paths. Reads .env, REDIS_URL,
 * SHIFTLEAD_PREFIX and SHIFTLEAD_CONFIG like `npm start`. Defaults: the last 30 days.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { exportFiles, exportRangeProblem } from '../src/core/metrics/reports.js';
import { addDays, localDate } from '../src/core/schedule/local-time.js';
import { Settings } from '../src/core/settings.js';
import { RedisEscalationReader } from '../src/store/escalation-reader.js';
import { RedisMetricStore } from '../src/store/metrics.js';
import { openScriptContext } from './script-context.js';

const { values: args } = parseArgs({ options: { from: { type: 'string' }, to: { type: 'string' }, out: { type: 'string', default: 'exports' } } });
const context = await openScriptContext();
const today = localDate(new Date(), context.config.organization.timezone);
const from = args.from ?? addDays(today, -30);
const to = args.to ?? addDays(today, -1);
const problem = exportRangeProblem(from, to, today);
if (problem) {
  await context.close();
  process.stderr.write(`${problem}\nUsage: npm run report:export -- --from YYYY-MM-DD --to YYYY-MM-DD [--out dir]\n`);
  process.exit(1);
}
try {
  const files = await exportFiles({ settings: new Settings(context.config), store: new RedisMetricStore(context.redis, context.prefix), reader: new RedisEscalationReader(context.redis, context.prefix) }, from, to, new Date());
  const dir = resolve(args.out);
  await mkdir(dir, { recursive: true });
  for (const file of files) {
    const path = join(dir, file.name);
    await writeFile(path, file.content, 'utf8');
    process.stdout.write(`${path}\n`);
  }
} finally {
  await context.close();
}

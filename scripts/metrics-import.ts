/**
 * npm run metrics:import -- file.csv [--source name]
 *
 * Imports metric values from a CSV file (header `date,metric,value`, optionally `count`,
 * `department`, `source`) into Shiftlead's Redis: all or nothing, every problem printed with its
 * line and column. Reads .env, REDIS_URL, SHIFTLEAD_PREFIX and SHIFTLEAD_CONFIG like `npm start`.
 * Exit 0 when written, 1 when nothing was.
 */
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { csvProblems, readMetricsCsv } from '../src/core/metrics/csv.js';
import { MetricsIngest } from '../src/core/metrics/ingest.js';
import { SOURCE_NAME } from '../src/core/metrics/model.js';
import { Settings } from '../src/core/settings.js';
import { systemClock } from '../src/core/ports.js';
import { RedisMetricStore } from '../src/store/metrics.js';
import { openScriptContext } from './script-context.js';

const { values: args, positionals } = parseArgs({ options: { source: { type: 'string', default: 'csv' } }, allowPositionals: true });
const fail = (lines: string[]): never => {
  process.stderr.write(`${lines.join('\n')}\n`);
  process.exit(1);
};

const [file] = positionals;
if (!file || positionals.length > 1) fail(['Usage: npm run metrics:import -- file.csv [--source name]']);
if (!SOURCE_NAME.test(args.source) || args.source === 'shiftlead') fail([`--source: "${args.source}" is not a source name (lowercase letters, digits, "-" or "_"; not "shiftlead")`]);
let text = '';
try {
  text = await readFile(file as string, 'utf8');
} catch (error) {
  fail([`${file}: cannot be read (${(error as NodeJS.ErrnoException).code ?? String(error)})`]);
}

const csv = readMetricsCsv(text);
const refuse = (problems: string[]) => fail([`${file}: nothing was imported; fix these lines:`, ...problems.map((p) => `  ${p}`)]);
if (!csv.usable) refuse(csvProblems(csv, []));
const context = await openScriptContext();
const ingest = new MetricsIngest({ store: new RedisMetricStore(context.redis, context.prefix), settings: new Settings(context.config), clock: systemClock });
const { rows } = csv;
// Every row is checked even when some are malformed, so that one run lists every problem.
const checked = ingest.check(rows.map((r) => r.item), args.source, (i) => rows[i]?.line ?? i);
const problems = csvProblems(csv, checked.ok ? [] : checked.problems);
if (problems.length > 0 || !checked.ok) {
  await context.close();
  refuse(problems);
} else {
  const written = await ingest.write(checked.points).finally(() => context.close());
  process.stdout.write(`Imported ${written} value${written === 1 ? '' : 's'} from ${file} (a value sent again replaces the one before).\n`);
}

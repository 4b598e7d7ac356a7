/**
 * `npm run config:check [file]`: validates a team configuration offline, with the same messages as
 * at start-up and on reload (key path and line). Exit 0 when valid, 1 otherwise.
 */
import { loadTeamConfig, TeamConfigError } from '../src/config/team-config.js';

const file = process.argv[2] ?? process.env['SHIFTLEAD_CONFIG'] ?? 'shiftlead.yaml';

try {
  const config = await loadTeamConfig(file);
  process.stdout.write(`${file} is valid: ${config.people.length} people, ${config.departments.length} departments, ${config.shifts.length} shifts, ${config.briefings.length} briefings.\n`);
} catch (error) {
  if (!(error instanceof TeamConfigError)) throw error;
  process.stderr.write(`${file} has ${error.problems.length} problem${error.problems.length === 1 ? '' : 's'}:\n${error.problems.map((p) => `  ${p}`).join('\n')}\n`);
  process.exitCode = 1;
}

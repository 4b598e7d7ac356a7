/** Team configurations for tests: the example, or the example with deadlines in seconds. */
import { readFileSync } from 'node:fs';
import { parseDocument } from 'yaml';
import { EnvError, parseEnv } from '../../src/config/env.js';
import { parseTeamConfig } from '../../src/config/team-config.js';
import type { TeamConfig } from '../../src/config/team-config-schema.js';

export const EXAMPLE_YAML = readFileSync(new URL('../../shiftlead.example.yaml', import.meta.url), 'utf8');

/**
 * The example without its shifts: who is on duty then never depends on the time of day a test
 * runs at. Shift tests write their own shifts.
 */
export function withoutShifts(yaml: string): string {
  const doc = parseDocument(yaml);
  doc.delete('shifts');
  return doc.toString();
}

/** P1 must be acknowledged in `ackSeconds`; reminders every second; managers after two. */
export function fastSlaConfig(ackSeconds = 2, extra: (yaml: string) => string = (y) => y): TeamConfig {
  const yaml = EXAMPLE_YAML.replace('{ id: P1, label: Critical, acknowledgeWithin: 15m, resolveWithin: 4h }', `{ id: P1, label: Critical, acknowledgeWithin: ${ackSeconds}s, resolveWithin: 1h }`)
    .replace('      P1: { acknowledgeWithin: 10m, resolveWithin: 2h }', `      P1: { acknowledgeWithin: ${ackSeconds}s, resolveWithin: 1h }`)
    .replace('renotifyEvery: 10m', 'renotifyEvery: 1s')
    .replace('managerAfterMisses: 3', 'managerAfterMisses: 2')
    .replace('maxRenotifications: 12', 'maxRenotifications: 3');
  return parseTeamConfig(extra(withoutShifts(yaml)));
}

/** What the environment check says about `env`: one line per problem, [] when it is fine. */
export function envProblems(env: Record<string, string>): string[] {
  try {
    parseEnv(env);
  } catch (error) {
    if (error instanceof EnvError) return error.problems;
    throw error;
  }
  return [];
}

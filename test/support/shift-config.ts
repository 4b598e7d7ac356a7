/** Team configurations with a roster of shifts, for the shift tests. */
import { parseTeamConfig } from '../../src/config/team-config.js';
import type { TeamConfig } from '../../src/config/team-config-schema.js';
import { EXAMPLE_YAML, withoutShifts } from './configs.js';

/**
 * The example team with these shifts (Europe/Lisbon, which is UTC in winter):
 * - early, support, 06:00–14:00 Mon–Fri, weekly rotation ben → caro from 2027-03-01;
 * - late, support, 14:00–22:00 Mon–Fri, caro;
 * - night, billing, 21:30–05:30 every day, Asia/Kolkata, dev.
 */
export function shiftConfig(options: { reminders?: string; handoffs?: string; extra?: (yaml: string) => string } = {}): TeamConfig {
  const yaml = `${withoutShifts(EXAMPLE_YAML).replace(/\n(reminders|handoffs):[\s\S]*?(?=\n[a-z]|$)/g, '')}
shifts:
  - { id: early, name: Early, department: support, start: "06:00", end: "14:00", timezone: Europe/Lisbon, days: [mon, tue, wed, thu, fri], people: [ben, caro], rotation: weekly, rotationStart: 2027-03-01 }
  - { id: late, name: Late, department: support, start: "14:00", end: "22:00", timezone: Europe/Lisbon, days: [mon, tue, wed, thu, fri], people: [caro] }
  - { id: night, name: Night, department: billing, start: "21:30", end: "05:30", timezone: Asia/Kolkata, people: [dev] }
reminders: ${options.reminders ?? '{ beforeShift: 60m, eveningBefore: off }'}
handoffs: ${options.handoffs ?? '{ promptBefore: 30m, acknowledgeWithin: 15m }'}
`;
  return parseTeamConfig((options.extra ?? ((y) => y))(yaml));
}

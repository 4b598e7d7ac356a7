/**
 * When pulse rounds happen: every N weeks (counted from the pulse's `start` week), on `day` at
 * `at` in each person's own time zone. A round is named by its week's Monday; each person's ask
 * is one occurrence of the `pulse.ask` schedule kind (item `<pulse>.<person>`, their local date).
 */
import type { PulseConfig, TeamConfig } from '../../config/team-config-schema.js';
import { addDays, daysBetween, localDatesBetween, localInstant, parseClockTime, WEEKDAYS, weekdayOf } from '../schedule/local-time.js';
import type { Occurrence } from '../schedule/schedule.js';
import { audience } from './pulse-model.js';

export const PULSE_ASK = 'pulse.ask';
/** Rounds are counted from this week when a pulse names no `start`. */
const DEFAULT_START = '2024-01-01';

/** The Monday of a local date's week. */
export function mondayOf(date: string): string {
  return addDays(date, -WEEKDAYS.indexOf(weekdayOf(date)));
}

export function isRoundWeek(pulse: PulseConfig, monday: string): boolean {
  const weeks = Math.round(daysBetween(mondayOf(pulse.start ?? DEFAULT_START), monday) / 7);
  return weeks >= 0 && weeks % pulse.every === 0;
}

export function roundIdFor(pulse: PulseConfig, monday: string): string {
  return `${pulse.id}-${monday.replace(/-/g, '')}`;
}

/** When a person is asked in the round of the week of `monday`: `day` at `at`, their own time. */
export function askInstant(pulse: PulseConfig, zone: string, monday: string): Date {
  return localInstant(addDays(monday, WEEKDAYS.indexOf(pulse.day)), parseClockTime(pulse.at), zone).at;
}

/** A scheduled round closes `openFor` after the last person in it was asked. */
export function roundClosesAt(pulse: PulseConfig, config: TeamConfig, monday: string): Date {
  const asks = audience(pulse, config).map((p) => askInstant(pulse, p.timezone, monday).getTime());
  const last = asks.length > 0 ? Math.max(...asks) : askInstant(pulse, config.organization.timezone, monday).getTime();
  return new Date(last + pulse.openFor);
}

/** Every person's ask in [from, to), for every pulse. */
export function pulseOccurrences(config: TeamConfig, from: Date, to: Date): Occurrence[] {
  const out: Occurrence[] = [];
  for (const pulse of config.pulses) {
    for (const person of audience(pulse, config)) {
      for (const date of localDatesBetween(from, to, person.timezone)) {
        if (weekdayOf(date) !== pulse.day) continue;
        const monday = mondayOf(date);
        if (!isRoundWeek(pulse, monday)) continue;
        const at = askInstant(pulse, person.timezone, monday);
        if (at < from || at >= to) continue;
        out.push({ kind: PULSE_ASK, item: `${pulse.id}.${person.id}`, date, at, data: { pulse: pulse.id, round: roundIdFor(pulse, monday), person: person.id } });
      }
    }
  }
  return out;
}

/** Quiet hours are shared by every feature that DMs people (pulses, coaching): see src/core/schedule/quiet-hours.ts. */
export { quietUntil } from '../schedule/quiet-hours.js';

/** The team's quiet hours (`quietHours`), on each person's own clock: when no non-urgent DM is sent. */
import { addDays, localClock, localDate, localInstant, parseClockTime } from './local-time.js';

/** When quiet hours end for someone in `zone`, if `now` falls inside them (the team's quiet hours, their own clock). */
export function quietUntil(now: Date, zone: string, quiet: { start: string; end: string } | undefined): Date | undefined {
  if (!quiet) return undefined;
  const minutes = (t: string) => Number(t.slice(0, 2)) * 60 + Number(t.slice(3, 5));
  const [start, end, current] = [minutes(quiet.start), minutes(quiet.end), minutes(localClock(now, zone))];
  const inside = start <= end ? current >= start && current < end : current >= start || current < end;
  if (!inside) return undefined;
  const today = localDate(now, zone);
  // Past midnight (or quiet hours within one day) they end today; before midnight, tomorrow.
  const day = start > end && current >= start ? addDays(today, 1) : today;
  return localInstant(day, parseClockTime(quiet.end), zone).at;
}

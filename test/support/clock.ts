/** A clock that runs at real speed from a chosen moment: scheduled work then happens in seconds, not hours. */
import type { Clock } from '../../src/core/ports.js';

export interface MovableClock extends Clock {
  /** Makes `now()` be `at` (and run on from there). */
  set(at: Date): void;
}

export function clockAt(at: Date): MovableClock {
  let offset = at.getTime() - Date.now();
  return {
    now: () => new Date(Date.now() + offset),
    set: (to: Date) => void (offset = to.getTime() - Date.now()),
  };
}

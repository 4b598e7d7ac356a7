/** When a nudge arrives: the person's next working moment, from the rota, quiet hours and their own zone. */
import { describe, expect, it } from 'vitest';
import { nextWorkingMoment, whenItArrives } from '../../src/core/coaching/timing.js';
import { shiftConfig } from '../support/shift-config.js';

const config = shiftConfig();
const person = (id: string) => {
  const p = config.people.find((x) => x.id === id);
  if (!p) throw new Error(id);
  return p;
};
const at = (iso: string) => new Date(iso);

describe('the next working moment', () => {
  it('is now for someone on shift', () => {
    // Ben works Early (06:00–14:00 Lisbon) in the week of 2027-03-01; 10:00 in Lagos.
    expect(nextWorkingMoment(config, person('ben'), at('2027-03-01T09:00:00Z'))).toEqual({ at: at('2027-03-01T09:00:00Z'), reason: 'on-shift' });
  });

  it('is the start of the next shift for someone off shift, and the sender is told when in the person’s own time', () => {
    const now = at('2027-03-01T09:00:00Z');
    const m = nextWorkingMoment(config, person('caro'), now);
    expect(m).toMatchObject({ at: at('2027-03-01T14:00:00Z'), reason: 'off-shift' });
    expect(m.shift?.shift.id).toBe('late');
    expect(whenItArrives(m, person('caro'), now)).toBe('Carolina Díaz is off shift; this arrives at 09:00 Carolina Díaz’s time (America/Bogota), when their Late shift starts, in 5h');
  });

  it('waits for quiet hours to end when the shift starts inside them', () => {
    // Early starts at 06:00 UTC, 07:00 in Lagos: quiet until 08:00 there (07:00 UTC), still on shift.
    const m = nextWorkingMoment(config, person('ben'), at('2027-03-01T04:00:00Z'));
    expect(m).toMatchObject({ at: at('2027-03-01T07:00:00Z'), reason: 'quiet' });
    // The sender hears the real reason: Ben is off shift until then, and it starts in his quiet hours.
    expect(whenItArrives(m, person('ben'), at('2027-03-01T04:00:00Z'))).toBe('Ben Okafor is off shift; this arrives at 08:00 Ben Okafor’s time (Africa/Lagos), in their Early shift once their quiet hours end, in 3h');
  });

  it('for someone no shift lists: now, unless quiet hours — then when they end, across a DST change', () => {
    expect(nextWorkingMoment(config, person('ana'), at('2027-03-01T10:00:00Z'))).toEqual({ at: at('2027-03-01T10:00:00Z'), reason: 'no-shift' });
    // Lisbon moves to summer time at 01:00 on 28 March 2027: 08:00 that morning is 07:00 UTC.
    expect(nextWorkingMoment(config, person('ana'), at('2027-03-27T23:00:00Z'))).toEqual({ at: at('2027-03-28T07:00:00Z'), reason: 'quiet' });
  });

  it('a night shift entirely inside quiet hours gets it when the shift starts: quiet hours never hold it forever', () => {
    // Dev works 21:30–05:30 Kolkata (UTC+5:30), all inside 20:00–08:00 there. 21:30 IST = 16:00 UTC.
    expect(nextWorkingMoment(config, person('dev'), at('2027-03-01T10:00:00Z'))).toMatchObject({ at: at('2027-03-01T16:00:00Z'), reason: 'off-shift' });
  });

  it('follows cover and assignments (run-time overrides)', () => {
    // Caro was assigned Monday's Early: on shift at 12:00 UTC (07:00 in Bogotá, quiet until 08:00 there).
    const overrides = new Map([['early/2027-03-01', ['caro']]]);
    expect(nextWorkingMoment(config, person('caro'), at('2027-03-01T13:30:00Z'), overrides)).toEqual({ at: at('2027-03-01T13:30:00Z'), reason: 'on-shift' });
    expect(nextWorkingMoment(config, person('caro'), at('2027-03-01T12:00:00Z'), overrides)).toMatchObject({ at: at('2027-03-01T13:00:00Z'), reason: 'quiet' });
    expect(nextWorkingMoment(config, person('ben'), at('2027-03-01T09:00:00Z'), overrides)).toMatchObject({ at: at('2027-03-02T07:00:00Z'), reason: 'quiet' });
  });
});

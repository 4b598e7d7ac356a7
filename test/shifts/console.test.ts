/** Shifts in the console: the same flows typed at the REPL of a running app. */
import { describe, expect, it } from 'vitest';
import { clockAt } from '../support/clock.js';
import { consoleAppPerTest } from '../support/console-lines.js';
import { shiftConfig } from '../support/shift-config.js';

describe('shifts in the console', () => {
  const startApp = consoleAppPerTest();
  const start = async (at: string) => (await startApp({ config: shiftConfig(), clock: clockAt(new Date(at)) })).terminal;

  it('shows shifts, writes a handoff field by field, and the incoming person acknowledges it once', async () => {
    const t = await start('2027-03-01T13:40:00Z');
    const shown = await t.type('as ben /shift', 'Your next shifts');
    expect(shown).toContain('Frontline support**: Ben Okafor'.replace(/\*/g, ''));
    await t.type('as ben /handoff', 'Write handoff');
    await t.type('', 'Notes for the next shift'); // the department is prefilled: Enter keeps it
    await t.type('Printer queue cleared.', 'Watch-list');
    await t.type('Acme', 'Anything pending');
    const posted = await t.type('', 'sent to Carolina Díaz');
    expect(posted).toContain('Handoff HO-1 is posted in Frontline support');
    await t.printed(/DM to Carolina Díaz[\s\S]*Handoff HO-1/);
    const dm = /┌ DM to Carolina Díaz · (m\d+)\n/.exec(t.out)?.[1];
    expect(dm).toBeDefined();
    const ack = await t.type(`as caro press ${dm} 1`, 'Acknowledged by');
    expect(ack).toContain('Carolina Díaz');
    // The card is updated in place everywhere, Caro's DM too: its button is gone.
    await t.printed(new RegExp(`\\(updated\\) · ${dm}\\n[\\s\\S]*Acknowledged by`));
    expect(await t.type(`as caro press ${dm} 1`, 'has no buttons')).toContain(`Message ${dm} has no buttons.`);
  }, 30_000);

  it('prints the reminder DM before a shift', async () => {
    const t = await start('2027-03-01T04:59:58Z');
    await t.printed(/DM to Ben Okafor[\s\S]*starts at 07:00 your time/);
  }, 20_000);
});

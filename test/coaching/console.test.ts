/** Coaching in the console: the flows typed at the REPL of a running app, with its clock set to a chosen Monday. */
import { describe, expect, it } from 'vitest';
import { clockAt, type MovableClock } from '../support/clock.js';
import { consoleAppPerTest } from '../support/console-lines.js';
import { shiftConfig } from '../support/shift-config.js';
import { evaluateSignals, ratedEscalation, type Who } from './fixtures.js';

describe('coaching in the console', () => {
  const startApp = consoleAppPerTest();
  let app: Awaited<ReturnType<typeof startApp>>['app'];
  let clock: MovableClock;
  async function start(at: string) {
    clock = clockAt(new Date(at));
    const started = await startApp({ config: shiftConfig(), clock });
    app = started.app;
    return started.terminal;
  }
  const who = (personId: string, name: string): Who => ({ platform: 'console', tenant: 'console-local', user: personId, personId, name });

  it('a lead nudges someone on shift; they thank and reply; the sender hears both and lists it', async () => {
    // Monday 09:00 UTC: Ben works Early (06:00–14:00 Lisbon), 10:00 in Lagos.
    const t = await start('2027-03-01T09:00:00Z');
    expect(await t.type('as caro /nudge ben Nice work', 'Only leads and managers')).toContain('Only leads and managers can send nudges');
    const sent = await t.type('as ana /nudge ben Great handling of the Acme outage this morning.', 'on its way');
    expect(sent).toContain('Your note to Ben Okafor is on its way (they are on shift)');
    await t.printed(/DM to Ben Okafor[\s\S]*A note from Ana Lima \(manager\)[\s\S]*Great handling of the Acme outage/);
    const dm = t.latest('A note from Ana Lima');
    expect(dm.button('Thanks')).toBe(1);
    await t.type(`as ben press ${dm.message} ${dm.button('Thanks')}`, 'Thanks sent to Ana Lima');
    await t.printed(/DM to Ana Lima[\s\S]*Ben Okafor said thanks for your note/);
    // Reply opens a one-field form; the answer goes to Ana only.
    await t.type(`as ben press ${dm.message} Reply`, 'Your reply to Ana Lima');
    await t.type('Thank you, it was a team effort.', 'Your reply went to Ana Lima');
    await t.printed(/DM to Ana Lima[\s\S]*Ben Okafor replied[\s\S]*it was a team effort/);
    const list = await t.type('as ana /nudge list', 'Your nudges, last 30 days');
    expect(list).toContain('Ben Okafor');
    expect(list).toMatch(/acknowledged \(replied\)/);
  }, 30_000);

  it('a nudge to someone off shift is held until their shift starts, and the sender is told when', async () => {
    // 13:59:54 UTC: Caro (Bogotá, UTC−5) works Late from 14:00 Lisbon, 09:00 her time.
    const t = await start('2027-03-01T13:59:54Z');
    const held = await t.type('as ana /nudge caro Thanks for covering yesterday.', 'is held');
    expect(held).toMatch(/Carolina Díaz is off shift; this arrives at 09:00 Carolina Díaz’s time \(America\/Bogota\), when their Late shift starts, in \ds\./);
    expect(t.out).not.toMatch(/DM to Carolina Díaz/);
    await t.printed(/DM to Carolina Díaz[\s\S]*Thanks for covering yesterday/, 15_000);
  }, 30_000);

  it('suggested nudges can be turned off and on; bad input changes nothing', async () => {
    const t = await start('2027-03-01T09:00:00Z');
    expect(await t.type('as caro /nudges off', 'Done')).toContain('no nudges suggested from signals will reach you');
    expect(await t.type('as caro /nudges', 'are off for you')).toContain('/nudges on');
    expect(await t.type('as caro /nudges on', 'Done')).toContain('suggested nudges for you again');
    expect(await t.type('as ana /nudge nobody hello', 'No one called')).toContain('Nothing was sent');
    expect(await t.type('as ana /nudge caro', 'Write what the note says')).toContain('Nothing was sent');
    expect(await t.type(`as ana /nudge caro ${'x'.repeat(1001)}`, 'the most is 1,000')).toContain('1,001 characters');
    expect(await t.type('as ana /nudge list', 'no nudges')).toContain('You have sent no nudges in the last 30 days');
    // A full name, as a mention arrives, is the person; the text after it is kept as written.
    expect(await t.type('as ana /nudge @Ben Okafor Thanks   for the handoff.', 'on its way')).toContain('Your note to Ben Okafor');
    await t.printed(/DM to Ben Okafor[\s\S]*│ Thanks {3}for the/);
    // The same command again (a double Enter, a retried request): sent once.
    expect(await t.type('as ana /nudge ben Thanks   for the handoff.', 'a moment ago')).toContain('it goes once');
    await new Promise((r) => setTimeout(r, 500));
    expect(t.out.match(/DM to Ben Okafor/g)).toHaveLength(1);
  }, 30_000);

  it('a signal becomes a suggestion for the leads; Edit & send delivers the edited note; every copy then reads decided', async () => {
    const t = await start('2027-03-01T15:00:00Z');
    if (!app) throw new Error('no app');
    await ratedEscalation(app, who('ana', 'Ana Lima'), who('caro', 'Carolina Díaz'), 2);
    await evaluateSignals(app, clock.now());
    await t.printed(/DM to Ben Okafor[\s\S]*Suggested nudge for Carolina Díaz/);
    await t.printed(/DM to Ana Lima · m\d+\n[^┌]*Suggested nudge for Carolina Díaz/);
    const anas = /DM to Ana Lima · (m\d+)\n[^┌]*Suggested nudge for Carolina Díaz/.exec(t.out)?.[1] ?? '';
    const card = t.latest('Suggested nudge for Carolina Díaz');
    await t.type(`as ben press ${card.message} ${card.button('Edit')}`, 'The note');
    await t.type('Let’s look at ESC-1 together tomorrow.', 'on its way');
    await t.printed(/DM to Carolina Díaz[\s\S]*A note from Ben Okafor \(lead\)[\s\S]*look at ESC-1 together tomorrow/);
    // Every copy of the card says who decided, and has no buttons left.
    await t.printed(new RegExp(`\\(updated\\) · ${anas}\\n[^┌]*Sent to Carolina Díaz by Ben Okafor`));
    expect(await t.type(`as ana press ${anas} Dismiss`, 'has no buttons')).toContain(`Message ${anas} has no buttons.`);
  }, 30_000);

  it('a suggestion waits while every lead is in quiet hours, then goes to those who are not', async () => {
    // 21:30 UTC: 21:30 in Lisbon (Ana) and 22:30 in Lagos (Ben), both inside 20:00–08:00.
    const t = await start('2027-03-01T21:30:00Z');
    if (!app) throw new Error('no app');
    await ratedEscalation(app, who('ana', 'Ana Lima'), who('caro', 'Carolina Díaz'), 1);
    await evaluateSignals(app, clock.now());
    await new Promise((r) => setTimeout(r, 500));
    expect(t.out).not.toContain('Suggested nudge');
    // 07:30 UTC the next day: 08:30 in Lagos (Ben is out of quiet hours), still 07:30 in Lisbon.
    clock.set(new Date('2027-03-02T07:30:00Z'));
    await evaluateSignals(app, clock.now());
    await t.printed(/DM to Ben Okafor[\s\S]*Suggested nudge for Carolina Díaz/);
    expect(t.out).not.toMatch(/DM to Ana Lima[^┌]*Suggested nudge/);
  }, 30_000);
});

/**
 * Keeping after an escalation on Slack: notes (button and command), snoozing its reminders,
 * escalation levels (on duty → lead → manager, each after its own delay), and the requester and
 * owner told of what others did.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { RedisAuditLog } from '../../src/store/audit.js';
import { callProblems } from '../support/block-kit.js';
import { fastSlaConfig } from '../support/configs.js';
import { startSlackHarness, type SlackHarness } from '../support/slack-app.js';
import { choice, command, dms, nextView, press, raise, stored, submit, TENANT, text, threadLines, USERS, whispers } from '../support/slack-flows.js';

describe('Slack: notes, snoozes, escalation levels and follow-ups', () => {
  let h: SlackHarness;
  const start = async (options: Parameters<typeof startSlackHarness>[0] = {}) => (h = await startSlackHarness(options));
  afterEach(async () => {
    expect(callProblems(h.slack.calls)).toEqual([]);
    await h.close();
  });

  it('adds timestamped notes to the record and its thread, from the card and with /escalate note', async () => {
    await start();
    const card = await raise(h);
    const res = await command(h, USERS.caro, 'note ESC-1 Customer called back, still locked out', '/escalate');
    expect((res.json as { text: string }).text).toBe('Added your note to ESC-1; it is in its thread too.');
    expect(((await command(h, USERS.caro, 'note ESC-1', '/escalate')).json as { text: string }).text).toBe('Write the note after the id: /escalate note ESC-1 Customer called back');
    expect(((await command(h, USERS.caro, 'note ESC-9 hello', '/escalate')).json as { text: string }).text).toBe('There is no ESC-9 here.');

    await press(h, USERS.ben, 'escalation.note', card);
    const view = await nextView(h, 1);
    expect(view).toMatchObject({ callback_id: 'escalation.note', blocks: [{ block_id: 'text' }] });
    expect((await submit(h, USERS.ben, view, {})).json).toEqual({ response_action: 'errors', errors: { text: 'Write the note.' } });
    expect((await submit(h, USERS.ben, view, { text: text('Reset the SSO link') })).text).toBe('');

    const record = await stored(h);
    expect(record?.history.filter((e) => e.type === 'noted').map((e) => [e.actor.personId, e.note, typeof e.at])).toEqual([
      ['caro', 'Customer called back, still locked out', 'string'],
      ['ben', 'Reset the SSO link', 'string'],
    ]);
    await h.slack.waitFor(() => threadLines(h, card).filter((t) => t.includes('added a note')).length === 2);
    expect(threadLines(h, card).find((t) => t.includes('Customer called back'))).toMatch(new RegExp(`^📝 <@${USERS.caro}> added a note \\(<!date\\^\\d+\\^.*\\|.*>\\): Customer called back, still locked out$`));
  });

  it('snoozes the reminders for leads and managers, shows it on the card, audits it, and leaves the deadline as it was', async () => {
    await start();
    const card = await raise(h, { severity: 'P1' });
    await press(h, USERS.caro, 'escalation.snooze', card);
    await h.slack.waitFor(() => whispers(h, USERS.caro).some((t) => t === "Only leads and managers can snooze ESC-1's reminders."));
    expect(h.slack.of('views.open')).toHaveLength(1);

    await press(h, USERS.ben, 'escalation.snooze', card);
    const view = await nextView(h, 1);
    const options = (view['blocks'] as Array<{ element: { options: Array<{ value: string }> } }>)[0]?.element.options.map((o) => o.value);
    expect(options).toEqual(['30m', '1h', '2h', '4h', '8h', '1d']);
    const pressed = Date.now();
    expect((await submit(h, USERS.ben, view, { duration: choice('1h') })).text).toBe('');

    const record = await stored(h);
    const until = Date.parse(record?.snoozedUntil ?? '');
    expect(until - pressed).toBeGreaterThanOrEqual(3600_000);
    expect(record?.snoozedBy?.personId).toBe('ben');
    // The deadline the reports use is unchanged; only the reminder waits for the snooze to end.
    expect(record?.acknowledgeDueAt).toBe(new Date(Date.parse(record?.createdAt ?? '') + 2_000).toISOString());
    const timer = await h.app.queues.get('timers').getJob('sla-slack-T0TEST-ESC-1-c1-p2-ack-n1');
    expect(Math.abs((timer?.timestamp ?? 0) + (timer?.opts.delay ?? 0) - until)).toBeLessThan(100);
    expect(await h.app.queues.get('timers').getJob('sla-slack-T0TEST-ESC-1-c1-ack-n1')).toBeUndefined();

    await h.slack.waitFor((c) => c.some((x) => x.method === 'chat.update' && JSON.stringify(x.args['blocks']).includes('snoozed until')));
    await h.slack.waitFor(() => threadLines(h, card).some((t) => t.includes(`<@${USERS.ben}> snoozed ESC-1's reminders until`)));
    const audit = await new RedisAuditLog(h.app.redis, h.app.prefix).recent(TENANT, 10);
    expect(audit.at(-1)).toMatchObject({ type: 'escalation.snoozed', actor: 'ben', detail: `until ${record?.snoozedUntil}` });

    // Past the deadline it counts as breached, snoozed or not.
    await new Promise((r) => setTimeout(r, Math.max(0, Date.parse(record?.acknowledgeDueAt ?? '') - Date.now() + 100)));
    expect(((await command(h, USERS.ana, 'breached')).json as { text: string }).text).toBe('Escalations past a deadline: 1');
    expect(threadLines(h, card).filter((t) => t.includes('(reminder'))).toEqual([]);
  });

  it('tells each escalation level after its own delay: the people on duty in the thread, then the lead, then the manager, by DM', async () => {
    const levels = ['  levels:', '    - { notify: onDuty }', '    - { notify: leads, after: 1s }', '    - { notify: managers, after: 3s }', ''].join('\n');
    await start({ config: fastSlaConfig(2, (yaml) => yaml.replace(/ {2}managerAfterMisses: 2.*\n/, `${levels}`)) });
    const card = await raise(h, { severity: 'P1', user: USERS.caro, department: 'support' });
    await h.slack.waitFor(() => dms(h, USERS.ana).some((t) => t.includes('is still not acknowledged')), 20_000, 'the manager');
    expect(dms(h, USERS.ben).filter((t) => t.includes('is still not acknowledged'))).toHaveLength(1);
    expect(dms(h, USERS.ben)[0]).toMatch(/^📣 ESC-1 \(P1 · Critical, Frontline support\) is still not acknowledged, \d+s past its deadline: VIP cannot log in\. Nobody owns it\. <https:\/\/test\.slack\.com\/archives\/C0SUPPORT\/p\d+\|Open ESC-1>$/);
    const history = (await stored(h))?.history ?? [];
    const told = history.filter((e) => e.type === 'escalated').map((e) => [e.level, e.clock]);
    expect(told.sort()).toEqual([
      [2, 'acknowledge'],
      [3, 'acknowledge'],
    ]);
    // Each level was planned its own delay after the deadline.
    const due = Date.parse((await stored(h))?.acknowledgeDueAt ?? '');
    const planned = async (id: string) => {
      const job = await h.app.queues.get('timers').getJob(id);
      // BullMQ zeroes `delay` once the job is due; its options keep the delay it was added with.
      return (job?.timestamp ?? 0) + (job?.opts.delay ?? 0) - due;
    };
    expect(Math.abs((await planned('sla-slack-T0TEST-ESC-1-c1-ack-l2')) - 1_000)).toBeLessThan(100);
    expect(Math.abs((await planned('sla-slack-T0TEST-ESC-1-c1-ack-l3')) - 3_000)).toBeLessThan(100);
    expect(threadLines(h, card).find((t) => t.includes('(reminder 1)'))).toContain(`<@${USERS.ben}> <@${USERS.caro}> please take a look.`);
    await h.slack.waitFor(() => threadLines(h, card).some((t) => t.includes('told the managers (level 3)')));
    expect(threadLines(h, card).some((t) => t.includes('told the leads (level 2)'))).toBe(true);
  });

  it('tells the requester when others acknowledge, assign, resolve (with the note) and reopen; the owner when it is reopened; a reopen needs a reason', async () => {
    await start();
    const card = await raise(h, { user: USERS.ana });
    await press(h, USERS.ben, 'escalation.acknowledge', card);
    await h.slack.waitFor(() => dms(h, USERS.ana).some((t) => t.includes(`<@${USERS.ben}> acknowledged your escalation ESC-1`)));

    await press(h, USERS.ben, 'escalation.assign', card);
    const assign = await nextView(h, 1);
    await submit(h, USERS.ben, assign, { owner: { type: 'users_select', selected_user: USERS.caro } });
    await h.slack.waitFor(() => dms(h, USERS.ana).some((t) => t.includes(`<@${USERS.ben}> assigned your escalation ESC-1 to <@${USERS.caro}>`)));

    await press(h, USERS.caro, 'escalation.resolve', card);
    await submit(h, USERS.caro, await nextView(h, 2), { note: text('Reset the SSO link; the customer confirmed.') });
    await h.slack.waitFor(() => dms(h, USERS.ana).some((t) => t.includes(`<@${USERS.caro}> resolved your escalation ESC-1 (Globex). Resolution: Reset the SSO link; the customer confirmed.`)));

    await press(h, USERS.ben, 'escalation.reopen', card);
    const reopen = await nextView(h, 3);
    expect((await submit(h, USERS.ben, reopen, { reason: text('  ') })).json).toEqual({ response_action: 'errors', errors: { reason: 'Say why it is open again.' } });
    await submit(h, USERS.ben, reopen, { reason: text('Locked out again this morning') });
    await h.slack.waitFor(() => dms(h, USERS.caro).some((t) => t.includes(`<@${USERS.ben}> reopened ESC-1, which you own: Locked out again this morning`)));
    await h.slack.waitFor(() => dms(h, USERS.ana).some((t) => t.includes(`<@${USERS.ben}> reopened your escalation ESC-1: Locked out again this morning`)));

    // Nobody is told of what they did themselves.
    expect(dms(h, USERS.ben).filter((t) => !t.startsWith('👤'))).toEqual([]);
    // Four changes by others, four notices (besides the confirmation and the CSAT question).
    expect(dms(h, USERS.ana).filter((t) => t.includes('your escalation ESC-1'))).toHaveLength(4);
  });
});

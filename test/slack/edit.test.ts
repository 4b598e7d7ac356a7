/**
 * Changing an escalation after the fact on Slack: Edit… (prefilled; a severity or department
 * change re-plans the deadlines and moves the card), the form prefilled from where /escalate runs,
 * a reaction-made escalation completed through its requester's DM, and resolve notes too long for
 * the form answered on the form.
 */
import { describe, expect, it } from 'vitest';
import { CARD_KEY } from '../../src/core/escalations/card.js';
import { RedisAuditLog } from '../../src/store/audit.js';
import { deliveredRef } from '../support/app.js';
import { slackHarnessPerTest, type SlackHarness } from '../support/slack-app.js';
import { eventCallback, postSigned } from '../support/slack-requests.js';
import { choice, command, dms, nextView, press, raise, stored, submit, TENANT, text, threadLines, USERS, whispers } from '../support/slack-flows.js';

type Block = { block_id: string; element: { initial_value?: string; initial_option?: { value: string } } };
const block = (view: Record<string, unknown>, id: string) => (view['blocks'] as Block[]).find((b) => b.block_id === id);

describe('Slack: editing an escalation', () => {
  let h: SlackHarness;
  slackHarnessPerTest((harness) => (h = harness));

  it('opens a form prefilled with the record; a department and severity change re-plans the deadlines and moves the card, with a link in the old thread', async () => {
    const old = await raise(h, { severity: 'P3', department: 'support', customer: 'Globex' });
    const before = await stored(h);

    // Someone neither involved nor a lead or manager is refused before any form opens.
    await press(h, USERS.caro, 'escalation.edit', old);
    await h.slack.waitFor(() => whispers(h, USERS.caro).some((t) => t.includes('Only the requester, the owner, a lead or a manager can edit ESC-1.')));
    expect(h.slack.of('views.open')).toHaveLength(1);

    await press(h, USERS.ben, 'escalation.edit', old);
    const view = await nextView(h, 1);
    expect(view).toMatchObject({ callback_id: 'escalation.edit', title: { text: 'Edit ESC-1' } });
    expect(block(view, 'customer')?.element.initial_value).toBe('Globex');
    expect(block(view, 'summary')?.element.initial_value).toBe('VIP cannot log in');
    expect(block(view, 'severity')?.element.initial_option?.value).toBe('P3');
    expect(block(view, 'department')?.element.initial_option?.value).toBe('support');

    const res = await submit(h, USERS.ben, view, { customer: text('Globex Corp'), severity: choice('P2'), department: choice('billing'), summary: text('VIP cannot log in') });
    expect(res.text).toBe('');

    // The new card, in Billing's channel.
    const moved = await deliveredRef(h.app, TENANT, CARD_KEY('ESC-1', 1));
    expect(moved.conversation).toBe('C0BILLING');
    const record = await stored(h);
    expect(record).toMatchObject({ severity: 'P2', department: 'billing', customer: 'Globex Corp', channel: 'C0BILLING', moved: 1, plan: 2 });
    // P2: acknowledge within 30 minutes of its creation (P3 gave it two hours).
    expect(record?.acknowledgeDueAt).toBe(new Date(Date.parse(before?.createdAt ?? '') + 30 * 60_000).toISOString());
    expect(await h.app.queues.get('timers').getJob('sla-slack-T0TEST-ESC-1-c1-p2-ack-n1')).toBeDefined();
    expect(await h.app.queues.get('timers').getJob('sla-slack-T0TEST-ESC-1-c1-ack-n1')).toBeUndefined();

    // The old card says where it went, and the old thread has the edit with a link to the new card.
    await h.slack.waitFor((c) => c.some((x) => x.method === 'chat.update' && x.args['ts'] === old.ts && String(x.args['text']).includes('moved to Billing')));
    await h.slack.waitFor(() => threadLines(h, old).some((t) => t.includes('edited ESC-1')));
    const line = threadLines(h, old).find((t) => t.includes('edited ESC-1'));
    expect(line).toContain(`<@${USERS.ben}> edited ESC-1: customer Globex → Globex Corp; severity P3 → P2; department Frontline support → Billing. The card moved to Billing: <https://test.slack.com/archives/C0BILLING/p`);
    const audit = await new RedisAuditLog(h.app.redis, h.app.prefix).recent(TENANT, 10);
    expect(audit.at(-1)).toMatchObject({ type: 'escalation.edited', subject: 'ESC-1', actor: 'ben', detail: 'customer: Globex → Globex Corp; severity: P3 → P2; department: support → billing' });

    // The buttons now work on the new card.
    const card = { channel: moved.conversation, ts: moved.id };
    await press(h, USERS.caro, 'escalation.acknowledge', card);
    await h.slack.waitFor(() => threadLines(h, card).some((t) => t.includes('acknowledged ESC-1')));
    await h.slack.waitFor((c) => c.some((x) => x.method === 'chat.update' && x.args['ts'] === card.ts && JSON.stringify(x.args['blocks']).includes('Acknowledged')));
  });

  it('answers a resolve note over 3,000 characters on the form, which stays open, and changes nothing', async () => {
    const card = await raise(h);
    await press(h, USERS.ben, 'escalation.resolve', card);
    const view = await nextView(h, 1);
    const res = await submit(h, USERS.ben, view, { note: text('x'.repeat(3_001)) });
    expect(res.json).toEqual({ response_action: 'errors', errors: { note: 'That note is 3,001 characters; the most is 3,000. Shorten it and submit again.' } });
    expect((await stored(h))?.status).toBe('open');
    const ok = await submit(h, USERS.ben, view, { note: text('x'.repeat(3_000)) });
    expect(ok.text).toBe('');
    expect((await stored(h))?.resolution).toHaveLength(3_000);
  });

  it('prefills the form from where it is opened: the channel’s department, and the configured severity', async () => {
    await command(h, USERS.ana, 'Invoice doubled', '/escalate', 'C0BILLING');
    const inBilling = await nextView(h, 0);
    expect(block(inBilling, 'department')?.element.initial_option?.value).toBe('billing');
    expect(block(inBilling, 'severity')?.element.initial_option?.value).toBe('P3');
    await command(h, USERS.ana, 'Invoice doubled', '/escalate', 'C0GENERAL');
    const elsewhere = await nextView(h, 1);
    expect(block(elsewhere, 'department')?.element.initial_option).toBeUndefined();
    expect(block(elsewhere, 'severity')?.element.initial_option?.value).toBe('P3');
  });

  it('asks whoever escalated by reaction, privately with a button, to complete the customer and severity', async () => {
    const item = { type: 'message', channel: 'C0SUPPORT', ts: '1700000000.000001' };
    await postSigned(h.base, eventCallback({ type: 'reaction_added', user: USERS.caro, reaction: 'rotating_light', item, item_user: USERS.ana, event_ts: '1700000001.000100' }, 'Ev0REACTX'), 'application/json');
    await h.slack.waitFor(() => dms(h, USERS.caro).some((t) => t.includes('Add the customer')));
    const ask = h.slack.of('chat.postMessage').find((c) => c.args['channel'] === USERS.caro);
    expect(JSON.stringify(ask?.args['blocks'])).toContain('"action_id":"escalation.edit"');
    expect(ask?.args['text']).toContain('You escalated a message as ESC-1 (P3 · Normal)');

    await press(h, USERS.caro, 'escalation.edit', { channel: 'D0CARO', ts: '1700000002.000100' });
    const view = await nextView(h, 0);
    expect(block(view, 'customer')?.element.initial_value).toBeUndefined();
    expect(block(view, 'summary')?.element.initial_value).toBe('Customer says checkout is down');
    const res = await submit(h, USERS.caro, view, { customer: text('Initech'), severity: choice('P2'), department: choice('support'), summary: text('Customer says checkout is down'), details: text('Customer says checkout is down') });
    expect(res.text).toBe('');
    expect(await stored(h)).toMatchObject({ customer: 'Initech', severity: 'P2', department: 'support', channel: 'C0SUPPORT' });
    // Still the card in the message's thread: nothing moved.
    expect((await stored(h))?.moved).toBeUndefined();
  });
});

/** The rest of an escalation's life on Slack: assign, resolve, reopen, SLA reminders, the list. */
import { describe, expect, it } from 'vitest';
import { messageProblems } from '../support/block-kit.js';
import { slackHarnessPerTest, type SlackHarness } from '../support/slack-app.js';
import { buttonPress, interaction, postSigned, slashCommand, viewSubmission } from '../support/slack-requests.js';

const FORM = 'application/x-www-form-urlencoded';
const ANA = 'U0ANALIMA';
const BEN = 'U0BENOKAF';
const CARO = 'U0CARODIA';
const T = 'slack-T0TEST';

describe('Slack: an escalation from start to finish', () => {
  let h: SlackHarness;
  slackHarnessPerTest((harness) => (h = harness));

  async function escalate(severity = 'P1', department = 'support'): Promise<{ channel: string; ts: string }> {
    await postSigned(h.base, slashCommand({ command: '/escalate', text: 'VIP cannot log in', user_id: ANA }), FORM);
    await h.slack.waitFor((c) => c.some((x) => x.method === 'views.open'));
    const view = h.slack.of('views.open').at(-1)?.args['view'] as Record<string, unknown>;
    const res = await postSigned(
      h.base,
      interaction(
        viewSubmission(ANA, view, {
          customer: { type: 'plain_text_input', value: 'Globex' },
          severity: { type: 'static_select', selected_option: { value: severity } },
          department: { type: 'static_select', selected_option: { value: department } },
          summary: { type: 'plain_text_input', value: 'VIP cannot log in' },
        }),
      ),
      FORM,
    );
    expect(res.status).toBe(200);
    const channel = department === 'support' ? 'C0SUPPORT' : 'C0BILLING';
    await h.slack.waitFor((c) => c.some((x) => x.method === 'chat.getPermalink' && x.args['channel'] === channel));
    return { channel, ts: String(h.slack.of('chat.getPermalink').find((c) => c.args['channel'] === channel)?.args['message_ts']) };
  }

  const press = (user: string, action: string, card: { channel: string; ts: string }, value = 'ESC-1') => postSigned(h.base, interaction(buttonPress(user, action, value, card)), FORM);
  const threadLines = (ts: string) => h.slack.of('chat.postMessage').filter((c) => c.args['thread_ts'] === ts).map((c) => String(c.args['text']));

  it('re-notifies the on-duty people in the thread after the ack deadline, then DMs the manager, and stops on acknowledge', async () => {
    const card = await escalate('P1', 'support');
    // P1 in the test config: acknowledge within 2 s, then a reminder every second; the manager hears on the second.
    const reminders = () => threadLines(card.ts).filter((t) => t.includes('(reminder'));
    await h.slack.waitFor(() => reminders().length >= 2, 15_000, 'two reminders');
    // The thread's lines are paced per channel, so they need not arrive in order.
    const first = reminders().find((t) => t.includes('(reminder 1)'));
    expect(first).toMatch(/ESC-1 .* is not acknowledged/);
    expect(first).toContain(`<@${BEN}> <@${CARO}> please take a look. (reminder 1)`);
    await h.slack.waitFor(() => reminders().some((t) => t.includes('(reminder 2)')), 15_000, 'the second reminder');
    // The older keys (managerAfterMisses: 2) make the managers the second level, one reminder after the deadline.
    await h.slack.waitFor((c) => c.some((x) => x.method === 'chat.postMessage' && x.args['channel'] === ANA && String(x.args['text']).includes('is still not acknowledged')), 10_000, 'manager DM');
    const managerDms = h.slack.of('chat.postMessage').filter((c) => c.args['channel'] === ANA && String(c.args['text']).includes('past its deadline'));
    expect(managerDms).toHaveLength(1);
    expect(String(managerDms[0]?.args['text'])).toMatch(/^📣 ESC-1 \(P1 · Critical, Frontline support\) is still not acknowledged, \d+s past its deadline: VIP cannot log in\. Nobody owns it\./);
    await h.slack.waitFor(() => threadLines(card.ts).some((t) => t.includes('ESC-1 is still not acknowledged: told the managers (level 2).')), 10_000, 'the level line');

    await press(BEN, 'escalation.acknowledge', card);
    await h.slack.waitFor((c) => c.some((x) => x.method === 'chat.postMessage' && x.args['thread_ts'] === card.ts && String(x.args['text']).includes('acknowledged ESC-1')));
    await new Promise((r) => setTimeout(r, 2_500));
    // At most the reminder that was already in flight; none after acknowledging.
    expect(threadLines(card.ts).filter((t) => t.includes('reminder')).length).toBeLessThanOrEqual(3);
    const record = await h.app.escalations['deps'].store.get(T, 'ESC-1');
    expect(record?.status).toBe('acknowledged');
    const acknowledged = record?.history.findIndex((e) => e.type === 'acknowledged') ?? -1;
    expect(record?.history.slice(acknowledged + 1)).toEqual([]);
    expect(await h.app.queues.get('timers').getJob('sla-slack-T0TEST-ESC-1-c1-ack-n4')).toBeUndefined();
  });

  it('assigns through a user picker, resolves with a note, and reopens', async () => {
    const card = await escalate('P3', 'billing');
    await press(BEN, 'escalation.assign', card);
    await h.slack.waitFor((c) => c.filter((x) => x.method === 'views.open').length === 2);
    const assignView = h.slack.of('views.open')[1]?.args['view'] as Record<string, unknown>;
    expect(assignView).toMatchObject({ callback_id: 'escalation.assign', blocks: [{ block_id: 'owner', element: { type: 'users_select' } }] });
    let res = await postSigned(h.base, interaction(viewSubmission(BEN, assignView, { owner: { type: 'users_select', selected_user: CARO } })), FORM);
    expect(res.text).toBe('');
    await h.slack.waitFor((c) => c.some((x) => x.method === 'chat.postMessage' && x.args['channel'] === CARO));
    expect(String(h.slack.of('chat.postMessage').find((c) => c.args['channel'] === CARO)?.args['text'])).toContain(`<@${BEN}> assigned you ESC-1`);

    await press(CARO, 'escalation.resolve', card);
    await h.slack.waitFor((c) => c.filter((x) => x.method === 'views.open').length === 3);
    const resolveView = h.slack.of('views.open')[2]?.args['view'] as Record<string, unknown>;
    res = await postSigned(h.base, interaction(viewSubmission(CARO, resolveView, {})), FORM);
    expect(res.json).toEqual({ response_action: 'errors', errors: { note: 'Add a resolution note.' } });
    res = await postSigned(h.base, interaction(viewSubmission(CARO, resolveView, { note: { type: 'plain_text_input', value: 'Reset the SSO link; customer confirmed.' } })), FORM);
    expect(res.text).toBe('');
    await h.slack.waitFor(() => threadLines(card.ts).some((t) => t.includes('resolved ESC-1')));

    // Resolving it again is refused at the press, before a form asks for a note.
    await press(ANA, 'escalation.resolve', card);
    await h.slack.waitFor((c) => c.some((x) => x.method === 'chat.postEphemeral' && String(x.args['text']).includes('already resolved')));
    expect(h.slack.of('views.open')).toHaveLength(3);

    // Reopening asks why.
    await press(ANA, 'escalation.reopen', card);
    await h.slack.waitFor((c) => c.filter((x) => x.method === 'views.open').length === 4);
    const reopenView = h.slack.of('views.open')[3]?.args['view'] as Record<string, unknown>;
    expect(reopenView).toMatchObject({ callback_id: 'escalation.reopen', blocks: [{ block_id: 'reason', optional: false }] });
    res = await postSigned(h.base, interaction(viewSubmission(ANA, reopenView, {})), FORM);
    expect(res.json).toEqual({ response_action: 'errors', errors: { reason: 'Say why it is open again.' } });
    await postSigned(h.base, interaction(viewSubmission(ANA, reopenView, { reason: { type: 'plain_text_input', value: 'The customer is locked out again.' } })), FORM);
    await h.slack.waitFor(() => threadLines(card.ts).some((t) => t.includes('reopened ESC-1')));
    const record = await h.app.escalations['deps'].store.get(T, 'ESC-1');
    expect(record).toMatchObject({ status: 'reopened', cycle: 2, owner: { user: CARO, personId: 'caro' } });
    expect(record?.history.map((e) => e.type)).toEqual(['created', 'assigned', 'resolved', 'reopened']);
    await h.slack.waitFor((c) => c.some((x) => x.method === 'chat.update' && JSON.stringify(x.args['blocks']).includes('Reopened')));
    expect(threadLines(card.ts)).toHaveLength(3);
  });

  it('lists open escalations privately with filters and links', async () => {
    await escalate('P2', 'support');
    let res = await postSigned(h.base, slashCommand({ command: '/escalations', user_id: BEN }), FORM);
    const body = res.json as { response_type: string; text: string; blocks: unknown[] };
    expect(body.response_type).toBe('ephemeral');
    expect(JSON.stringify(body.blocks)).toMatch(/<https:\/\/test\.slack\.com\/archives\/C0SUPPORT\/p\d+\|ESC-1>/);
    expect(messageProblems(body as unknown as Record<string, unknown>)).toEqual([]);
    res = await postSigned(h.base, slashCommand({ command: '/escalations', text: 'mine', user_id: BEN }), FORM);
    expect((res.json as { text: string }).text).toBe('Your open escalations: none. 🎉');
    res = await postSigned(h.base, slashCommand({ command: '/escalate', text: 'list mine', user_id: ANA }), FORM);
    expect((res.json as { text: string }).text).toBe('Your open escalations: 1');
    res = await postSigned(h.base, slashCommand({ command: '/escalations', text: 'sideways', user_id: ANA }), FORM);
    expect((res.json as { text: string }).text).toContain('Unknown filter "sideways"');
  });
});

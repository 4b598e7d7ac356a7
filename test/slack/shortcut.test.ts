/** "Escalate message" (a message shortcut) and the Home tab. */
import { describe, expect, it } from 'vitest';
import { slackHarnessPerTest, type SlackHarness } from '../support/slack-app.js';
import { buttonPress, eventCallback, interaction, postSigned, viewSubmission } from '../support/slack-requests.js';

const FORM = 'application/x-www-form-urlencoded';

function messageShortcut(text: string, ts = '1700000123.000200'): Record<string, unknown> {
  return {
    type: 'message_action',
    token: 'verification_token',
    action_ts: '1700000200.1',
    team: { id: 'T0TEST', domain: 'testteam' },
    user: { id: 'U0BENOKAF', username: 'ben', team_id: 'T0TEST', name: 'ben' },
    channel: { id: 'C0GENERAL', name: 'general' },
    is_enterprise_install: false,
    enterprise: null,
    callback_id: 'escalate_message',
    trigger_id: '999.888.shortcut',
    response_url: 'https://hooks.slack.com/app/T0TEST/1/x',
    message_ts: ts,
    message: { type: 'message', user: 'U0CARODIA', ts, text },
  };
}

describe('Slack: escalating a message, and the Home tab', () => {
  let h: SlackHarness;
  slackHarnessPerTest((harness) => (h = harness));

  it('opens the form prefilled from the message and links the record back to it', async () => {
    const res = await postSigned(h.base, interaction(messageShortcut('Refund stuck for order 991\nCustomer is on the phone, third time this week.')), FORM);
    expect(res.status).toBe(200);
    await h.slack.waitFor((c) => c.some((x) => x.method === 'views.open'));
    const view = h.slack.of('views.open')[0]?.args['view'] as { blocks: Array<{ block_id: string; element: { initial_value?: string } }> };
    expect(view.blocks.find((b) => b.block_id === 'summary')?.element.initial_value).toBe('Refund stuck for order 991');
    expect(view.blocks.find((b) => b.block_id === 'details')?.element.initial_value).toContain('third time this week');
    await postSigned(
      h.base,
      interaction(
        viewSubmission('U0BENOKAF', view as unknown as Record<string, unknown>, {
          customer: { type: 'plain_text_input', value: 'Hooli' },
          severity: { type: 'static_select', selected_option: { value: 'P2' } },
          department: { type: 'static_select', selected_option: { value: 'billing' } },
          summary: { type: 'plain_text_input', value: 'Refund stuck for order 991' },
          details: { type: 'plain_text_input', value: view.blocks.find((b) => b.block_id === 'details')?.element.initial_value },
        }),
      ),
      FORM,
    );
    await h.slack.waitFor((c) => c.some((x) => x.method === 'chat.postMessage' && x.args['channel'] === 'C0BILLING'));
    const card = h.slack.of('chat.postMessage').find((c) => c.args['channel'] === 'C0BILLING');
    expect(JSON.stringify(card?.args['blocks'])).toContain('<https://testteam.slack.com/archives/C0GENERAL/p1700000123000200|this message>');
  });

  it('keeps a message longer than a form field whole in the record', async () => {
    const long = `First line of a long report\n${'All the detail. '.repeat(300)}`;
    await postSigned(h.base, interaction(messageShortcut(long)), FORM);
    await h.slack.waitFor((c) => c.some((x) => x.method === 'views.open'));
    const view = h.slack.of('views.open')[0]?.args['view'] as { blocks: Array<{ block_id: string; element: { initial_value?: string } }> };
    const shown = view.blocks.find((b) => b.block_id === 'details')?.element.initial_value ?? '';
    expect(shown.length).toBeLessThanOrEqual(3000);
    await postSigned(
      h.base,
      interaction(
        viewSubmission('U0BENOKAF', view as unknown as Record<string, unknown>, {
          customer: { type: 'plain_text_input', value: 'Hooli' },
          severity: { type: 'static_select', selected_option: { value: 'P2' } },
          department: { type: 'static_select', selected_option: { value: 'support' } },
          summary: { type: 'plain_text_input', value: 'First line of a long report' },
          details: { type: 'plain_text_input', value: shown },
        }),
      ),
      FORM,
    );
    await h.slack.waitFor((c) => c.some((x) => x.method === 'chat.postMessage' && x.args['channel'] === 'C0SUPPORT'));
    const record = await h.app.escalations['deps'].store.get('slack-T0TEST', 'ESC-1');
    expect(record?.details).toBe(long);
  });

  it('shows open escalations on the Home tab with an Escalate button that opens the form', async () => {
    await postSigned(h.base, eventCallback({ type: 'app_home_opened', user: 'U0ANALIMA', channel: 'D0ANA', tab: 'home', event_ts: '1' }, 'Ev0HOME1'), 'application/json');
    await h.slack.waitFor((c) => c.some((x) => x.method === 'views.publish'));
    const home = h.slack.of('views.publish')[0]?.args as { user_id: string; view: { type: string; blocks: unknown[] } };
    expect(home.user_id).toBe('U0ANALIMA');
    expect(home.view.type).toBe('home');
    expect(JSON.stringify(home.view.blocks)).toContain('Your open escalations: none');
    await postSigned(h.base, interaction({ ...buttonPress('U0ANALIMA', 'escalation.new', 'new', { channel: 'D0ANA', ts: '1.1' }), container: { type: 'view', view_id: 'V0HOME' }, channel: undefined }), FORM);
    await h.slack.waitFor((c) => c.some((x) => x.method === 'views.open'));
    expect(h.slack.of('views.open')[0]?.args['view']).toMatchObject({ callback_id: 'escalation.create' });
  });
});

/** /escalate end to end through the HTTP boundary: signed requests in, Web API calls out. */
import { describe, expect, it } from 'vitest';
import { RedisAuditLog } from '../../src/store/audit.js';
import type { SlackCall } from '../support/fake-slack.js';
import { slackHarnessPerTest, type SlackHarness } from '../support/slack-app.js';
import { buttonPress, ESCALATION_VALUES, interaction, postSigned, slashCommand, viewSubmission } from '../support/slack-requests.js';

const FORM = 'application/x-www-form-urlencoded';
const ANA = 'U0ANALIMA';
const BEN = 'U0BENOKAF';

describe('Slack: /escalate end to end', () => {
  let h: SlackHarness;
  slackHarnessPerTest((harness) => (h = harness));

  async function openForm(text = 'Checkout fails for Acme'): Promise<Record<string, unknown>> {
    const res = await postSigned(h.base, slashCommand({ command: '/escalate', text, user_id: ANA }), FORM);
    expect(res.status).toBe(200);
    await h.slack.waitFor((c) => c.some((x) => x.method === 'views.open'));
    return h.slack.of('views.open').at(-1)?.args['view'] as Record<string, unknown>;
  }

  const submit = (view: Record<string, unknown>, values: Record<string, Record<string, unknown>>, user = ANA) => postSigned(h.base, interaction(viewSubmission(user, view, values)), FORM);

  const goodValues = ESCALATION_VALUES;

  it('acks /escalate and opens the form with the command text prefilled', async () => {
    const view = await openForm('Checkout fails for Acme');
    expect(view).toMatchObject({ type: 'modal', callback_id: 'escalation.create', title: { type: 'plain_text', text: 'Escalate' } });
    const blocks = view['blocks'] as Array<Record<string, unknown>>;
    expect(blocks.map((b) => b['block_id'])).toEqual(['customer', 'ticket', 'severity', 'department', 'summary', 'details']);
    expect(blocks.find((b) => b['block_id'] === 'summary')).toMatchObject({ element: { type: 'plain_text_input', initial_value: 'Checkout fails for Acme' } });
    expect(blocks.find((b) => b['block_id'] === 'ticket')).toMatchObject({ optional: true, element: { type: 'url_text_input' } });
    const severity = blocks.find((b) => b['block_id'] === 'severity') as { element: { options: Array<{ value: string }> } };
    expect(severity.element.options.map((o) => o.value)).toEqual(['P1', 'P2', 'P3', 'P4']);
  });

  it('records the submission, routes it to the department channel, DMs the requester with a link', async () => {
    const view = await openForm();
    const res = await submit(view, goodValues);
    expect(res.status).toBe(200);
    expect(res.text).toBe('');
    await h.slack.waitFor((c) => c.filter((x) => x.method === 'chat.postMessage').length >= 2);
    const card = h.slack.of('chat.postMessage').find((c) => c.args['channel'] === 'C0BILLING');
    expect(card?.args['text']).toContain('ESC-1');
    expect(JSON.stringify(card?.args['blocks'])).toContain('Acknowledge');
    expect(JSON.stringify(card?.args['blocks'])).toContain('<https://help.example.com/tickets/4411|');
    const dm = h.slack.of('chat.postMessage').find((c) => c.args['channel'] === ANA);
    expect(dm?.args['text']).toMatch(/ESC-1 .* is posted to Billing: <https:\/\/test\.slack\.com\/archives\/C0BILLING\/p\d+\|open ESC-1>/);
    const record = await h.app.escalations['deps'].store.get('slack-T0TEST', 'ESC-1');
    expect(record).toMatchObject({ id: 'ESC-1', status: 'open', severity: 'P1', department: 'billing', customer: 'Acme Corp', requester: { user: ANA, personId: 'ana' }, channel: 'C0BILLING' });
    const audit = await new RedisAuditLog(h.app.redis, h.app.prefix).recent('slack-T0TEST', 10);
    expect(audit).toMatchObject([{ type: 'escalation.created', subject: 'ESC-1', actor: 'ana', to: 'open' }]);
  });

  it('answers invalid fields inline and records nothing', async () => {
    const view = await openForm();
    const res = await submit(view, {
      ...goodValues,
      ticket: { type: 'url_text_input', value: 'not a link' },
      severity: { type: 'static_select', selected_option: { value: 'P9' } },
      department: { type: 'static_select', selected_option: { value: 'legal' } },
      customer: { type: 'plain_text_input', value: '' },
    });
    expect(res.status).toBe(200);
    expect(res.json).toEqual({
      response_action: 'errors',
      errors: {
        customer: 'Customer or account is required.',
        ticket: 'Ticket link must be a web address starting with https:// (or http://).',
        severity: 'Unknown severity "P9"; pick one of P1, P2, P3, P4.',
        department: 'Unknown department "legal"; pick one of support, billing.',
      },
    });
    expect(await h.app.escalations['deps'].store.listOpen('slack-T0TEST')).toEqual([]);
    expect(h.slack.of('chat.postMessage')).toEqual([]);
  });

  it('refuses a summary longer than the documented maximum with a clear answer', async () => {
    const res = await postSigned(h.base, slashCommand({ command: '/escalate', text: 'x'.repeat(3001), user_id: ANA }), FORM);
    expect(res.status).toBe(200);
    expect((res.json as { response_type: string; text: string }).text).toContain('the most is 3,000');
    expect(h.slack.of('views.open')).toEqual([]);
  });

  it('acknowledges: updates the card in place and adds one thread line; a double click changes nothing more', async () => {
    const view = await openForm();
    await submit(view, goodValues);
    await h.slack.waitFor((c) => c.some((x) => x.method === 'chat.getPermalink' && x.args['channel'] === 'C0BILLING'));
    const card = h.slack.of('chat.postMessage').find((c) => c.args['channel'] === 'C0BILLING') as SlackCall;
    const ts = String(h.slack.calls.find((c) => c.method === 'chat.getPermalink')?.args['message_ts'] ?? '');
    expect(ts).not.toBe('');
    const press = () => postSigned(h.base, interaction(buttonPress(BEN, 'escalation.acknowledge', 'ESC-1', { channel: 'C0BILLING', ts })), FORM);
    const [a, b] = await Promise.all([press(), press()]);
    expect([a.status, b.status]).toEqual([200, 200]);
    await h.slack.waitFor((c) => c.some((x) => x.method === 'chat.update') && c.some((x) => x.method === 'chat.postMessage' && x.args['thread_ts'] === ts));
    await press();
    await new Promise((r) => setTimeout(r, 700));
    const updates = h.slack.of('chat.update');
    expect(updates).toHaveLength(1);
    expect(updates[0]?.args).toMatchObject({ channel: 'C0BILLING', ts });
    expect(JSON.stringify(updates[0]?.args['blocks'])).toContain('Acknowledged');
    const lines = h.slack.of('chat.postMessage').filter((c) => c.args['thread_ts'] === ts);
    expect(lines).toHaveLength(1);
    expect(lines[0]?.args['text']).toContain(`<@${BEN}> acknowledged ESC-1`);
    // The second and third presses were told privately that nothing changed.
    const whispers = h.slack.of('chat.postEphemeral');
    expect(whispers.length).toBeGreaterThanOrEqual(2);
    expect(whispers.every((w) => w.args['user'] === BEN && String(w.args['text']).includes('already acknowledged'))).toBe(true);
    expect(card.args['channel']).toBe('C0BILLING');
    const record = await h.app.escalations['deps'].store.get('slack-T0TEST', 'ESC-1');
    expect(record?.history.map((e) => e.type)).toEqual(['created', 'acknowledged']);
  });
});

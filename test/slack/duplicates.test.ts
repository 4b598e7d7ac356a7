/**
 * Requests Slack delivers twice run once: the same form submission (view id + hash), the same
 * slash command (retried with X-Slack-Retry-Num, same trigger_id), the same click (message +
 * action + action_ts). Through the HTTP boundary, real Redis.
 */
import { describe, expect, it } from 'vitest';
import { RedisAuditLog } from '../../src/store/audit.js';
import { slackHarnessPerTest, type SlackHarness } from '../support/slack-app.js';
import { choice, FORM, nextView, raise, TENANT, text, USERS } from '../support/slack-flows.js';
import { buttonPress, interaction, postSigned, sign, slashCommand, viewSubmission } from '../support/slack-requests.js';

const settle = () => new Promise((r) => setTimeout(r, 600));

describe('Slack: duplicate requests', () => {
  let h: SlackHarness;
  slackHarnessPerTest((harness) => (h = harness));

  const escalations = () => h.app.escalations['deps'].store.listOpen(TENANT);
  const cards = () => h.slack.of('chat.postMessage').filter((c) => c.args['channel'] === 'C0SUPPORT' && !c.args['thread_ts']);
  const confirmations = () => h.slack.of('chat.postMessage').filter((c) => c.args['channel'] === USERS.ana && String(c.args['text']).includes('ESC-'));

  async function openView(): Promise<Record<string, unknown>> {
    const opened = h.slack.of('views.open').length;
    await postSigned(h.base, slashCommand({ command: '/escalate', text: 'VIP cannot log in', user_id: USERS.ana }), FORM);
    return nextView(h, opened);
  }

  const values = (customer: string) => ({ customer: text(customer), severity: choice('P3'), department: choice('support'), summary: text('VIP cannot log in') });

  it('records a submission delivered twice (at once, and again later) once: one record, one card, one DM', async () => {
    const body = interaction(viewSubmission(USERS.ana, await openView(), values('Globex')));
    const both = await Promise.all([postSigned(h.base, body, FORM), postSigned(h.base, body, FORM)]);
    expect(both.map((r) => r.status)).toEqual([200, 200]);
    expect(both.map((r) => r.text)).toEqual(['', '']);
    await h.slack.waitFor(() => confirmations().length >= 1, 10_000, 'the confirmation DM');
    const again = await postSigned(h.base, body, FORM);
    expect(again.status).toBe(200);
    await settle();
    expect((await escalations()).map((e) => e.id)).toEqual(['ESC-1']);
    expect(cards()).toHaveLength(1);
    expect(confirmations()).toHaveLength(1);
    const audit = await new RedisAuditLog(h.app.redis, h.app.prefix).recent(TENANT, 20);
    expect(audit.filter((e) => e.type === 'escalation.created')).toHaveLength(1);
  });

  it('runs a corrected submission of the same view (same id and hash) after a refused one; bad input records nothing', async () => {
    const view = await openView();
    const payload = viewSubmission(USERS.ana, view, values(''));
    const refused = await postSigned(h.base, interaction(payload), FORM);
    expect(refused.json).toEqual({ response_action: 'errors', errors: { customer: 'Customer or account is required.' } });
    // Delivered twice, the refused one is answered twice the same way.
    expect((await postSigned(h.base, interaction(payload), FORM)).json).toEqual(refused.json);
    expect(await escalations()).toEqual([]);
    // The person fixes the field: Slack sends the same view id and hash with the new values.
    const fixed = viewSubmission(USERS.ana, view, values('Globex'));
    fixed['view'] = { ...(fixed['view'] as object), id: (payload['view'] as { id: string }).id, hash: (payload['view'] as { hash: string }).hash };
    const ok = await postSigned(h.base, interaction(fixed), FORM);
    expect(ok.text).toBe('');
    await h.slack.waitFor(() => cards().length >= 1, 10_000, 'the card');
    expect((await escalations()).map((e) => e.customer)).toEqual(['Globex']);
  });

  it('opens one modal for a slash command Slack retries with the same trigger_id', async () => {
    const body = slashCommand({ command: '/escalate', text: 'VIP cannot log in', user_id: USERS.ana });
    const first = await postSigned(h.base, body, FORM);
    await h.slack.waitFor((c) => c.some((x) => x.method === 'views.open'), 10_000, 'the modal');
    const retried = await postSigned(h.base, body, FORM, { ...sign(body), 'x-slack-retry-num': '1', 'x-slack-retry-reason': 'http_timeout' });
    expect([first.status, retried.status]).toEqual([200, 200]);
    await settle();
    expect(h.slack.of('views.open')).toHaveLength(1);
    // A new command (a new trigger_id) opens a new modal.
    await postSigned(h.base, slashCommand({ command: '/escalate', text: 'VIP cannot log in', user_id: USERS.ana }), FORM);
    await h.slack.waitFor((c) => c.filter((x) => x.method === 'views.open').length === 2, 10_000, 'the second modal');
  });

  it('changes a card once for a click delivered twice; another click still gets its answer', async () => {
    const card = await raise(h);
    const click = interaction(buttonPress(USERS.ben, 'escalation.acknowledge', 'ESC-1', card));
    const both = await Promise.all([postSigned(h.base, click, FORM), postSigned(h.base, click, FORM)]);
    expect(both.map((r) => r.status)).toEqual([200, 200]);
    await h.slack.waitFor((c) => c.some((x) => x.method === 'chat.update' && x.args['ts'] === card.ts), 10_000, 'the card update');
    await settle();
    const audit = await new RedisAuditLog(h.app.redis, h.app.prefix).recent(TENANT, 20);
    expect(audit.filter((e) => e.type === 'escalation.acknowledged')).toHaveLength(1);
    // The repeat said nothing (no "already acknowledged" to the person who clicked once).
    expect(h.slack.of('chat.postEphemeral').filter((c) => c.args['user'] === USERS.ben)).toHaveLength(0);
    // A second, real click by someone else is answered.
    await postSigned(h.base, interaction(buttonPress(USERS.caro, 'escalation.acknowledge', 'ESC-1', card)), FORM);
    await h.slack.waitFor((c) => c.some((x) => x.method === 'chat.postEphemeral' && x.args['user'] === USERS.caro && String(x.args['text']).includes('already acknowledged')), 10_000, 'the answer');
  });
});

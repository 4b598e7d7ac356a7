/** History and search on Slack: /escalations resolved · customer · since · a department · paging, and /escalate show. */
import { DateTime } from 'luxon';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Escalation } from '../../src/core/escalations/model.js';
import { tenantKeys } from '../../src/store/keys.js';
import { messageProblems } from '../support/block-kit.js';
import { ANA, BEN, draft } from '../support/records.js';
import { startSlackHarness, type SlackHarness } from '../support/slack-app.js';
import { buttonPress, interaction, postSigned } from '../support/slack-requests.js';
import { command, FORM, TENANT, USERS, whispers } from '../support/slack-flows.js';

interface Reply {
  text: string;
  blocks: Array<{ type: string; text?: { text: string }; elements?: Array<{ action_id?: string; value?: string; text?: { text: string } }> }>;
}

const DAY = 86_400_000;

/** The record ids a list shows, in order. */
const ids = (reply: Reply) => reply.blocks.filter((b) => b.type === 'section').map((b) => /\|?(ESC-\d+)/.exec(b.text?.text ?? '')?.[1]);

describe('Slack: escalation history and search', () => {
  let h: SlackHarness;
  beforeEach(async () => {
    h = await startSlackHarness();
    // Records as they stand, written straight to the store: two from ten days ago, the rest today.
    const store = h.app.escalations['deps'].store;
    const put = async (overrides: Partial<Escalation>, at: Date, resolvedAfter?: number) => {
      const created = await store.create(TENANT, draft({ ...overrides, tenant: TENANT }, at), { actor: 'ana', at: at.toISOString(), type: 'escalation.created', subject: '' });
      if (!created.created || resolvedAfter === undefined) return;
      const resolvedAt = new Date(at.getTime() + resolvedAfter).toISOString();
      const record: Escalation = { ...created.record, status: 'resolved', resolvedAt, resolution: 'Fixed', owner: BEN, version: 2, history: [...created.record.history, { at: resolvedAt, type: 'resolved', actor: BEN, from: 'open', to: 'resolved', note: 'Fixed' }] };
      await store.update(TENANT, record, 1, { actor: 'ben', at: resolvedAt, type: 'escalation.resolved', subject: record.id });
    };
    const now = Date.now();
    await put({ customer: 'Acme Corp', summary: 'Refund stuck' }, new Date(now - 10 * DAY), DAY);
    await put({ customer: 'Initech', summary: 'Login loop' }, new Date(now - 10 * DAY));
    await put({ customer: 'Acme Ltd', summary: 'Invoice doubled' }, new Date(now - 60_000));
    for (let i = 0; i < 22; i += 1) await put({ customer: `Hooli ${i}`, department: 'billing', channel: 'C0BILLING', summary: `Charge ${i}`, requester: ANA }, new Date(now - 50_000 + i * 1_000), 500);
    // Records stored before the history index existed are found too.
    await h.app.redis.del(tenantKeys(h.app.prefix, TENANT).escAll);
  });
  afterEach(async () => {
    await h.close();
  });

  const list = async (user: string, text: string): Promise<Reply> => {
    const reply = (await command(h, user, text)).json as Reply;
    expect(messageProblems(reply as unknown as Record<string, unknown>)).toEqual([]);
    return reply;
  };

  it('lists resolved escalations newest first, finds customers and dates in any state, and filters by department', async () => {
    const resolved = await list(USERS.ana, 'resolved');
    expect(resolved.blocks[0]?.text?.text).toBe('Resolved escalations');
    expect(ids(resolved)).toEqual(['ESC-25', 'ESC-24', 'ESC-23', 'ESC-22', 'ESC-21', 'ESC-20', 'ESC-19', 'ESC-18', 'ESC-17', 'ESC-16', 'ESC-15', 'ESC-14', 'ESC-13', 'ESC-12', 'ESC-11', 'ESC-10', 'ESC-9', 'ESC-8', 'ESC-7', 'ESC-6']);

    const acme = await list(USERS.caro, 'customer acme');
    expect(acme.blocks[0]?.text?.text).toBe('Escalations for customer “acme”');
    expect(ids(acme)).toEqual(['ESC-3', 'ESC-1']);
    expect(JSON.stringify(acme.blocks)).toContain('resolved <!date^');

    const since = DateTime.now().setZone('America/Bogota').minus({ days: 3 }).toISODate() as string;
    const recent = await list(USERS.caro, `since ${since} support`);
    expect(recent.blocks[0]?.text?.text).toBe(`Escalations in Frontline support since ${since}`);
    expect(ids(recent)).toEqual(['ESC-3']);

    expect((await list(USERS.caro, 'since yesterday')).text).toMatch(/^"since" needs a date such as \d{4}-\d\d-\d\d \(year-month-day\)\.$/);
    expect((await list(USERS.caro, 'customer')).text).toBe('Say which customer: /escalations customer acme');
  });

  it('lets leads and managers page through a department’s history; agents are asked to narrow it down', async () => {
    const agent = await list(USERS.caro, 'resolved billing');
    expect(ids(agent)).toHaveLength(20);
    expect(JSON.stringify(agent.blocks)).toContain('There are more. Narrow it down');
    expect(JSON.stringify(agent.blocks)).not.toContain('escalation.page');
    // (Slack's text escapes < and >.)
    expect((await list(USERS.caro, 'resolved billing page 2')).text).toBe('Only leads and managers can page through the history. Narrow it down instead: customer &lt;text&gt;, since &lt;yyyy-mm-dd&gt;, or a department.');

    const lead = await list(USERS.ben, 'resolved billing');
    const next = lead.blocks.flatMap((b) => b.elements ?? []).find((e) => e.action_id === 'escalation.page');
    expect(next).toMatchObject({ value: 'resolved billing page 2', text: { text: 'Next page' } });
    await postSigned(h.base, interaction(buttonPress(USERS.ben, 'escalation.page', next?.value ?? '', { channel: 'C0GENERAL', ts: '1700000000.000100' })), FORM);
    await h.slack.waitFor(() => whispers(h, USERS.ben).some((t) => t.startsWith('Resolved escalations in Billing · page 2')));
    const page = h.slack.of('chat.postEphemeral').find((c) => String(c.args['text']).startsWith('Resolved escalations in Billing · page 2'));
    expect(ids(page?.args as unknown as Reply)).toEqual(['ESC-5', 'ESC-4']);
  });

  it('/escalate show ESC-1: the whole record and its timeline, privately', async () => {
    const res = await command(h, USERS.caro, 'show esc-1', '/escalate');
    const reply = res.json as Reply & { response_type: string };
    expect(reply.response_type).toBe('ephemeral');
    expect(messageProblems(reply as unknown as Record<string, unknown>)).toEqual([]);
    const text = JSON.stringify(reply.blocks);
    expect(reply.blocks[0]?.text?.text).toBe('ESC-1 · P1 · Critical');
    expect(text).toContain('Refund stuck');
    expect(text).toContain('*Resolution:* Fixed');
    expect(text).toContain('*Timeline* (2)');
    expect(text).toMatch(/<!date\^\d+\^[^|]+\|[^>]+> <@U0ANALIMA> raised ESC-1\.\\n<!date\^\d+\^[^|]+\|[^>]+> 🟢 <@U0BENOKAF> resolved ESC-1: Fixed/);
    expect(((await command(h, USERS.caro, 'show ESC-404', '/escalate')).json as Reply).text).toBe('There is no ESC-404 here.');
  });
});

/**
 * Shifts on Slack, through signed requests against a stand-in Web API, on real Redis, with the
 * app's clock set to a chosen Monday (2027-03-01; Lisbon is on UTC then).
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadTeamConfig } from '../../src/config/team-config.js';
import { counter } from '../support/app.js';
import { restartRedis, startPrivateRedis } from '../support/private-redis.js';
import { EXAMPLE_YAML, withoutShifts } from '../support/configs.js';
import { messageProblems, viewProblems } from '../support/block-kit.js';
import { clockAt } from '../support/clock.js';
import { shiftConfig } from '../support/shift-config.js';
import { buttonPress, interaction, postSigned, slashCommand, viewSubmission } from '../support/slack-requests.js';
import { startSlackHarness, type SlackHarness } from '../support/slack-app.js';
import type { SlackCall } from '../support/fake-slack.js';

const FORM = 'application/x-www-form-urlencoded';
const ANA = 'U0ANALIMA';
const BEN = 'U0BENOKAF';
const CARO = 'U0CARODIA';
const STRANGER = 'U0STRANGE';

const text = (c: SlackCall | undefined) => `${String(c?.args['text'] ?? '')}\n${JSON.stringify(c?.args['blocks'] ?? [])}`;

describe('shifts on Slack', () => {
  let h: SlackHarness;
  afterEach(async () => {
    // Every Block Kit payload Shiftlead sent is within Slack's documented limits.
    for (const call of h?.slack.calls ?? []) {
      if (['chat.postMessage', 'chat.update', 'chat.postEphemeral'].includes(call.method)) expect(messageProblems(call.args), call.method).toEqual([]);
      if (call.method === 'views.open') expect(viewProblems(call.args['view'] as Record<string, unknown>)).toEqual([]);
    }
    await h?.close();
  });

  async function start(at: string, config = shiftConfig()) {
    h = await startSlackHarness({ config, app: { clock: clockAt(new Date(at)) } });
    // The token's workspace is learned at start (auth.test); wait for it before scheduled DMs.
    await h.slack.waitFor((c) => c.some((x) => x.method === 'auth.test'));
  }
  const command = async (user: string, line: string) => {
    const [name = '', ...rest] = line.split(' ');
    const res = await postSigned(h.base, slashCommand({ command: name, text: rest.join(' '), user_id: user, channel_id: 'C0GENERAL' }), FORM);
    expect(res.status).toBe(200);
    return res;
  };
  /** The private answer to a command (in the ack) or the newest whisper/DM to the user. */
  const answer = async (user: string, line: string) => {
    const res = await command(user, line);
    const ack = res.json as { text?: string; blocks?: unknown[] } | undefined;
    if (ack?.text) {
      expect(messageProblems(ack as Record<string, unknown>)).toEqual([]);
      return `${ack.text}\n${JSON.stringify(ack.blocks ?? [])}`;
    }
    return '';
  };
  const dmsTo = (user: string) => h.slack.of('chat.postMessage').filter((c) => c.args['channel'] === user);
  const press = (user: string, actionId: string, value: string, message: { channel: string; ts: string }) => postSigned(h.base, interaction(buttonPress(user, actionId, value, message)), FORM);

  it('/shift shows who is on now and your next five shifts in your own time zone', async () => {
    await start('2027-03-01T07:00:00Z');
    const shown = await answer(BEN, '/shift');
    expect(shown).toContain('On shift now');
    expect(shown).toContain('Ben Okafor (Early, until 15:00)'); // Ben is in Lagos (UTC+1)
    expect(shown).toContain('Your next shifts');
    // The shift under way first, in Lagos time and in the shift's own zone.
    expect(shown).toContain('Early · Frontline support: Mon 1 Mar, 07:00–15:00 your time (Africa/Lagos) · Mon 1 Mar, 06:00–14:00 Europe/Lisbon — under way');
    expect((shown.match(/• Early/g) ?? []).length).toBe(5);
    const stranger = await answer(STRANGER, '/shift');
    expect(stranger).toContain('You are not in the roster');
    expect(await answer(BEN, '/shift teleport')).toContain('Unknown /shift option "teleport"');
  });

  it('asks for cover in the department channel; the first to press takes it; the second is told; everyone hears', async () => {
    await start('2027-03-01T07:00:00Z');
    // Bad input: nothing posted.
    expect(await answer(BEN, '/shift cover brunch tomorrow')).toContain('There is no shift "brunch"');
    expect(await answer(BEN, '/shift cover early someday')).toContain('"someday" is not a date');
    expect(await answer(BEN, '/shift cover early today')).toContain('has already started');
    expect(await answer(BEN, '/shift cover early 2027-03-06')).toContain('does not run on 2027-03-06');
    expect(await answer(CARO, '/shift cover early tomorrow')).toContain('You are not on Early');
    expect(await answer(STRANGER, '/shift cover early tomorrow')).toContain("You are not in Shiftlead's roster yet");
    expect(h.slack.of('chat.postMessage').filter((c) => c.args['channel'] === 'C0SUPPORT')).toEqual([]);
  }, 30_000);

  it('cover: one take wins, reminders follow the taker, and the requester and managers are told', async () => {
    await start('2027-03-01T07:00:00Z');
    const asked = await answer(BEN, '/shift cover early tomorrow');
    expect(asked).toContain('Asked Frontline support to cover your Early shift');
    await h.slack.waitFor((c) => c.some((x) => x.method === 'chat.postMessage' && x.args['channel'] === 'C0SUPPORT'));
    const card = h.slack.of('chat.postMessage').find((c) => c.args['channel'] === 'C0SUPPORT');
    expect(text(card)).toContain("needs cover for *Early*");
    expect(messageProblems(card?.args ?? {})).toEqual([]);
    const blocks = JSON.stringify(card?.args['blocks']);
    const id = /"value":"(C-\d+)"/.exec(blocks)?.[1] ?? '';
    expect(id).toMatch(/^C-\d+$/);
    const ref = { channel: 'C0SUPPORT', ts: '1700000000.000200' };
    await h.slack.waitFor(() => h.slack.of('chat.getPermalink').length > 0);
    // Caro takes it; a second press (hers again, and Ben's own) changes nothing.
    expect((await press(CARO, 'shift.cover.take', id, ref)).status).toBe(200);
    expect((await press(CARO, 'shift.cover.take', id, ref)).status).toBe(200);
    expect((await press(BEN, 'shift.cover.take', id, ref)).status).toBe(200);
    await h.slack.waitFor((c) => c.some((x) => x.method === 'chat.update'));
    await h.slack.waitFor(() => dmsTo(BEN).some((c) => text(c).includes('will cover your')) && dmsTo(ANA).some((c) => text(c).includes("will cover Ben Okafor's")));
    const updates = h.slack.of('chat.update');
    expect(updates).toHaveLength(1);
    expect(text(updates[0])).toContain('is covering');
    expect(JSON.stringify(updates[0]?.args['blocks'])).not.toContain('shift.cover.take');
    await h.slack.waitFor(() => h.slack.of('chat.postEphemeral').length >= 3);
    const whispers = h.slack.of('chat.postEphemeral').map((c) => String(c.args['text']));
    expect(whispers).toEqual(expect.arrayContaining([expect.stringContaining('Thanks! You now work Early'), expect.stringContaining('Carolina Díaz already took this shift.')]));
    // Tomorrow's Early is Caro's now.
    expect(await answer(CARO, '/shift')).toContain('Early · Frontline support: Tue 2 Mar');
  }, 30_000);

  it('assign: agents are refused; leads and managers assign; the rota follows', async () => {
    await start('2027-03-01T07:00:00Z');
    expect(await answer(CARO, '/shift assign caro early tomorrow')).toContain('Only leads and managers can assign shifts');
    expect(await answer(ANA, '/shift assign nobody early tomorrow')).toContain('No one called "nobody" in the roster');
    expect(await answer(ANA, '/shift assign Carolina Díaz early 2027-02-01')).toContain('has already ended');
    expect(await answer(ANA, '/shift assign ben early tomorrow')).toContain('Ben Okafor already works Early');
    const done = await answer(ANA, '/shift assign Carolina Díaz early tomorrow');
    expect(done).toContain('Carolina Díaz now works Early on Tue 2 Mar, 06:00 (Europe/Lisbon) instead of Ben Okafor');
    await h.slack.waitFor(() => dmsTo(CARO).some((c) => text(c).includes('assigned you')) && dmsTo(BEN).some((c) => text(c).includes('you are off that shift')));
    expect(await answer(CARO, '/shift')).toContain('Tue 2 Mar');
  }, 30_000);

  it('a shift a minute ahead produces its reminder DM, with what is open right now', async () => {
    // 04:59:58: Ben's Early shift starts at 06:00, the reminder is due at 05:00.
    await start('2027-03-01T04:59:58Z');
    await h.slack.waitFor(() => dmsTo(BEN).length > 0, 15_000, 'the reminder DM');
    const dm = dmsTo(BEN)[0];
    expect(messageProblems(dm?.args ?? {})).toEqual([]);
    expect(text(dm)).toContain('shift (Frontline support) starts at 07:00 your time');
    expect(text(dm)).toContain('No open escalations');
    // A reminder fan-out is bulk traffic: it never holds up an escalation card.
    expect((await h.app.queues.get('outbox').getJob('org.shift.rem.early.20270301.ben'))?.data).toMatchObject({ priority: 'bulk' });
    // Nobody else works Early this week, so nobody else gets a reminder.
    await new Promise((r) => setTimeout(r, 500));
    expect(dmsTo(CARO)).toEqual([]);
    expect(dmsTo(BEN)).toHaveLength(1);
  });

  it('the handoff prompt before a shift ends opens the form from its button', async () => {
    // Early ends at 14:00; the prompt is due at 13:30.
    await start('2027-03-01T13:29:58Z');
    await h.slack.waitFor(() => dmsTo(BEN).some((c) => text(c).includes('Write handoff')), 15_000, 'the prompt');
    const prompt = dmsTo(BEN).find((c) => text(c).includes('Write handoff'));
    expect(messageProblems(prompt?.args ?? {})).toEqual([]);
    expect(text(prompt)).toContain('ends at 15:00 your time');
    const value = /"action_id":"handoff.write","text":\{[^}]*\},"value":"((?:[^"\\]|\\.)*)"/.exec(JSON.stringify(prompt?.args['blocks']))?.[1] ?? '';
    expect(JSON.parse(JSON.parse(`"${value}"`) as string)).toEqual({ shift: 'early', date: '2027-03-01' });
    await press(BEN, 'handoff.write', JSON.parse(`"${value}"`) as string, { channel: 'D0BENOKAF', ts: '1700000000.000100' });
    await h.slack.waitFor((c) => c.some((x) => x.method === 'views.open'));
    const view = h.slack.of('views.open')[0]?.args['view'] as Record<string, unknown>;
    expect(view['callback_id']).toBe('handoff.write');
    expect(JSON.parse(String(view['private_metadata']))).toMatchObject({ s: JSON.stringify({ shift: 'early', date: '2027-03-01' }) });
  }, 30_000);

  it('a reminder that fires after its shift started is dropped (and counted), not sent', async () => {
    await start('2027-03-01T06:00:30Z');
    const outcome = await h.app.schedules.process({ kind: 'shift.reminder', item: 'early', date: '2027-03-01', at: '2027-03-01T05:00:00.000Z', data: { lead: 3_600_000 } });
    expect(outcome).toBe('dropped');
    expect(await counter(h.app, 'shiftlead_schedule_dropped_total', { kind: 'shift.reminder' })).toBe(1);
    await new Promise((r) => setTimeout(r, 300));
    expect(dmsTo(BEN)).toEqual([]);
  });

  it('reminders follow cover: the taker gets the reminder, the requester does not', async () => {
    // 04:59:50: Ben's Early (06:00) reminder is due in ten seconds; Ben asks for cover, Caro takes it.
    await start('2027-03-01T04:59:50Z');
    expect(await answer(BEN, '/shift cover early today')).toContain('Asked Frontline support');
    await h.slack.waitFor((c) => c.some((x) => x.method === 'chat.postMessage' && x.args['channel'] === 'C0SUPPORT'));
    const id = /"value":"(C-\d+)"/.exec(JSON.stringify(h.slack.of('chat.postMessage').find((c) => c.args['channel'] === 'C0SUPPORT')?.args['blocks']))?.[1] ?? '';
    await press(CARO, 'shift.cover.take', id, { channel: 'C0SUPPORT', ts: '1700000000.000200' });
    await h.slack.waitFor(() => dmsTo(CARO).some((c) => text(c).includes('starts at 01:00 your time')), 20_000, 'the reminder to Caro');
    await new Promise((r) => setTimeout(r, 500));
    expect(dmsTo(BEN).filter((c) => text(c).includes('starts at'))).toEqual([]);
  }, 30_000);

  it('an escalation past its deadline calls on whoever is on shift, not the configured on-duty list', async () => {
    const config = shiftConfig({ extra: (y) => y.replace('{ id: P1, label: Critical, acknowledgeWithin: 15m, resolveWithin: 4h }', '{ id: P1, label: Critical, acknowledgeWithin: 2s, resolveWithin: 1h }').replace('      P1: { acknowledgeWithin: 10m, resolveWithin: 2h }', '      P1: { acknowledgeWithin: 2s, resolveWithin: 2h }') });
    await start('2027-03-01T07:00:00Z', config);
    await command(ANA, '/escalate VIP cannot log in');
    await h.slack.waitFor((c) => c.some((x) => x.method === 'views.open'));
    const view = h.slack.of('views.open')[0]?.args['view'] as Record<string, unknown>;
    await postSigned(h.base, interaction(viewSubmission(ANA, view, { customer: { type: 'plain_text_input', value: 'Globex' }, severity: { type: 'static_select', selected_option: { value: 'P1' } }, department: { type: 'static_select', selected_option: { value: 'support' } }, summary: { type: 'plain_text_input', value: 'VIP cannot log in' } })), FORM);
    await h.slack.waitFor((c) => c.some((x) => x.method === 'chat.postMessage' && String(x.args['text']).includes('is not acknowledged')), 15_000, 'the re-notification');
    const line = String(h.slack.of('chat.postMessage').find((c) => String(c.args['text']).includes('is not acknowledged'))?.args['text']);
    // Monday 07:00: only Ben works (Early, week one of the rotation); Caro is on duty by configuration but off shift.
    expect(line).toContain(`<@${BEN}> please take a look.`);
    expect(line).not.toContain(CARO);
  }, 30_000);

  it('/shiftlead reload: managers only; a valid file is applied and replanned, a broken one changes nothing', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'shiftlead-reload-'));
    const file = join(dir, 'shiftlead.yaml');
    const yaml = (configText: string) => writeFile(file, configText);
    h = await startSlackHarness({ config: shiftConfig(), app: { clock: clockAt(new Date('2027-03-01T07:00:00Z')), loadConfig: () => loadTeamConfig(file) } });
    await h.slack.waitFor((c) => c.some((x) => x.method === 'auth.test'));
    expect(await answer(BEN, '/shiftlead reload')).toContain('Only managers can reload');
    await yaml('people: [\n');
    const broken = await answer(ANA, '/shiftlead reload');
    expect(broken).toContain('has problems, so the one in force stays');
    expect(h.app.settings.config.shifts).toHaveLength(3);
    // A new shift for Dev, starting in 61 minutes: planned (its reminder is a minute away).
    await yaml(withoutShifts(EXAMPLE_YAML) + '\nshifts:\n  - { id: extra, name: Extra, department: support, start: "08:01", end: "12:00", timezone: Europe/Lisbon, people: [caro] }\n');
    expect(await answer(ANA, '/shiftlead reload')).toContain('Reloaded: 4 people, 2 departments, 1 shifts');
    expect(h.app.settings.config.shifts.map((s) => s.id)).toEqual(['extra']);
    const planned = (await h.app.queues.get('schedules').getDelayed()).map((j) => j.id);
    // One occurrence per moment and zone: 07:01 in Lisbon for the new shift; 05:00 (Early's) is gone.
    expect(planned).toContain('v1-shift.reminder-0701_Europe_Lisbon-20270301');
    expect(planned.some((id) => String(id).includes('reminder-0500_'))).toBe(false);
  }, 30_000);

  it('with Redis down, shift commands and the handoff form say to retry and write nothing', async () => {
    const redis = await startPrivateRedis(true);
    try {
      h = await startSlackHarness({ config: shiftConfig(), app: { redisUrl: redis.url, clock: clockAt(new Date('2027-03-01T13:40:00Z')) } });
      await command(BEN, '/handoff');
      await h.slack.waitFor((c) => c.some((x) => x.method === 'views.open'));
      const view = h.slack.of('views.open')[0]?.args['view'] as Record<string, unknown>;
      await redis.stop?.();
      expect(await answer(BEN, '/shift cover early tomorrow')).toContain('could not save this right now');
      const res = await postSigned(h.base, interaction(viewSubmission(BEN, view, { department: { type: 'static_select', selected_option: { value: 'support' } }, notes: { type: 'plain_text_input', value: 'During an outage' } })), FORM);
      expect(res.json).toMatchObject({ response_action: 'errors', errors: { department: expect.stringContaining('could not save this right now') } });
      // Redis comes back (with its AOF): nothing was half-written.
      const stop = await restartRedis(redis.url, redis.dataDir);
      try {
        await expect.poll(() => h.app.redis.exists(`${h.app.prefix}:{org}:handoffs`).catch(() => -1), { timeout: 10_000 }).toBe(0);
        expect(await h.app.redis.exists(`${h.app.prefix}:{org}:covers`)).toBe(0);
      } finally {
        await h.close();
        await stop();
      }
    } finally {
      await redis.cleanup();
    }
  }, 30_000);

  it('handoff: form → channel card and DMs to the incoming shift → acknowledged once, updated everywhere', async () => {
    await start('2027-03-01T13:40:00Z');
    await command(BEN, '/handoff');
    await h.slack.waitFor((c) => c.some((x) => x.method === 'views.open'));
    const view = h.slack.of('views.open')[0]?.args['view'] as Record<string, unknown>;
    expect(viewProblems(view)).toEqual([]);
    expect(view['callback_id']).toBe('handoff.write');
    const values = (notes: string) => ({
      department: { type: 'static_select', selected_option: { value: 'support' } },
      notes: { type: 'plain_text_input', value: notes },
      watchlist: { type: 'plain_text_input', value: 'Acme (renewal this week)' },
      pending: { type: 'plain_text_input', value: null },
    });
    // Empty notes and notes over 3,000 characters are answered on the form; nothing is written.
    const empty = await postSigned(h.base, interaction(viewSubmission(BEN, view, values(''))), FORM);
    expect(empty.json).toMatchObject({ response_action: 'errors', errors: { notes: 'Write a few notes for the next shift.' } });
    const long = await postSigned(h.base, interaction(viewSubmission(BEN, view, values('x'.repeat(3_001)))), FORM);
    expect(long.json).toMatchObject({ response_action: 'errors', errors: { notes: 'Notes are 3,001 characters; the most is 3,000.' } });
    const ok = await postSigned(h.base, interaction(viewSubmission(BEN, view, values('Printer queue cleared; call Acme back at 15:00.'))), FORM);
    expect(ok.status).toBe(200);
    expect(ok.text).toBe('');
    await h.slack.waitFor(() => dmsTo(CARO).length > 0 && h.slack.of('chat.postMessage').some((c) => c.args['channel'] === 'C0SUPPORT'));
    const posted = h.slack.of('chat.postMessage').find((c) => c.args['channel'] === 'C0SUPPORT');
    for (const c of [posted, dmsTo(CARO)[0]]) {
      expect(messageProblems(c?.args ?? {})).toEqual([]);
      expect(text(c)).toContain('Handoff HO-1');
      expect(text(c)).toContain('Acme (renewal this week)');
      expect(text(c)).toContain('handoff.ack');
    }
    // Dev is not on the incoming shift: refused. Caro presses twice: one acknowledgement.
    await h.slack.waitFor(() => h.slack.of('chat.getPermalink').length >= 1);
    const card = { channel: 'C0SUPPORT', ts: '1700000000.000300' };
    expect((await press(STRANGER, 'handoff.ack', 'HO-1', card)).status).toBe(200);
    await Promise.all([press(CARO, 'handoff.ack', 'HO-1', card), press(CARO, 'handoff.ack', 'HO-1', card)]);
    await h.slack.waitFor(() => h.slack.of('chat.update').length >= 2);
    await new Promise((r) => setTimeout(r, 500));
    const updates = h.slack.of('chat.update');
    expect(updates).toHaveLength(2); // the channel card and Caro's DM
    for (const u of updates) expect(text(u)).toContain('Acknowledged by');
    const whispers = h.slack.of('chat.postEphemeral').map((c) => String(c.args['text']));
    expect(whispers).toEqual(expect.arrayContaining([expect.stringContaining('Only the incoming shift (Carolina Díaz) or a lead can acknowledge HO-1.'), expect.stringContaining('HO-1 was already acknowledged by Carolina Díaz.')]));
    expect(await answer(CARO, '/handoff last')).toContain('Acknowledged by');
  }, 30_000);

  it('an unacknowledged handoff reminds the incoming shift, then reaches the managers', async () => {
    await start('2027-03-01T13:59:56Z', shiftConfig({ handoffs: '{ promptBefore: off, acknowledgeWithin: 1s }' }));
    await command(BEN, '/handoff');
    await h.slack.waitFor((c) => c.some((x) => x.method === 'views.open'));
    const view = h.slack.of('views.open')[0]?.args['view'] as Record<string, unknown>;
    await postSigned(h.base, interaction(viewSubmission(BEN, view, { department: { type: 'static_select', selected_option: { value: 'support' } }, notes: { type: 'plain_text_input', value: 'All quiet.' } })), FORM);
    await h.slack.waitFor(() => dmsTo(CARO).some((c) => text(c).includes('is waiting for your acknowledgement')), 15_000, 'the reminder to Caro');
    await h.slack.waitFor(() => dmsTo(ANA).some((c) => text(c).includes('has not been acknowledged')), 15_000, 'the note to the manager');
  }, 30_000);
});

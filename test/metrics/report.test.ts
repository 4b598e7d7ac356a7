/**
 * The weekly report and the export on real Redis: numbers checked by hand, the scheduled DM and
 * /report on Slack, /report export as a file in the person's Slack DM (and refused to agents),
 * on the console as a file whose path is printed, and `npm run report:export`.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { PassThrough } from 'node:stream';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Delivery } from '../../src/chat/delivery.js';
import { parseEnv } from '../../src/config/env.js';
import { parseTeamConfig } from '../../src/config/team-config.js';
import type { HistoryEntry } from '../../src/core/escalations/model.js';
import { TEAM, type MetricPoint } from '../../src/core/metrics/model.js';
import { OwnRecords } from '../../src/core/metrics/own-records.js';
import { Reports } from '../../src/core/metrics/reports.js';
import { Reach } from '../../src/core/reach.js';
import { Settings } from '../../src/core/settings.js';
import { plainText } from '../../src/chat/message.js';
import { RedisEscalationReader } from '../../src/store/escalation-reader.js';
import { RedisEscalationStore } from '../../src/store/escalations.js';
import { RedisMetricStore } from '../../src/store/metrics.js';
import { RedisShiftStore } from '../../src/store/shifts.js';
import { ShiftContext } from '../../src/core/shifts/context.js';
import { shiftGlance } from '../../src/core/shifts/glance.js';
import { connectRedis } from '../../src/store/redis.js';
import { exampleConfig, startTestApp } from '../support/app.js';
import { messageProblems } from '../support/block-kit.js';
import { EXAMPLE_YAML } from '../support/configs.js';
import { FakeSlack } from '../support/fake-slack.js';
import { ROOT } from '../support/processes.js';
import { ANA, BEN, draft } from '../support/records.js';
import { deletePrefix, redisUrl, uniquePrefix } from '../support/redis.js';
import { postSigned, SIGNING_SECRET, slashCommand } from '../support/slack-requests.js';

const TENANT = 'slack-T0TEST';
const FORM = 'application/x-www-form-urlencoded';

/** Writes a record with its history through the escalation store. */
async function save(redis: Redis, prefix: string, created: string, department: string, severity: string, steps: Array<{ type: HistoryEntry['type']; at: string }>, sla: { ack: number; resolve: number }, customer = 'Acme'): Promise<void> {
  const store = new RedisEscalationStore(redis, prefix);
  const c = Date.parse(created);
  const base = draft({ department, severity, customer, acknowledgeDueAt: new Date(c + sla.ack).toISOString(), resolveDueAt: new Date(c + sla.resolve).toISOString() }, new Date(created));
  const result = await store.create(TENANT, base, { actor: 'ana', at: created, type: 'escalation.created', subject: '' });
  if (!result.created || steps.length === 0) return;
  const history: HistoryEntry[] = [...base.history, ...steps.map((s) => ({ at: s.at, type: s.type, actor: BEN }))];
  const acked = steps.find((s) => s.type === 'acknowledged');
  const resolved = steps.find((s) => s.type === 'resolved');
  const record = { ...result.record, history, version: 2, status: resolved ? ('resolved' as const) : ('acknowledged' as const), ...(acked ? { acknowledgedAt: acked.at, owner: BEN } : {}), ...(resolved ? { resolvedAt: resolved.at, resolution: 'done' } : {}) };
  await store.update(TENANT, record, 1, { actor: 'ben', at: steps.at(-1)?.at ?? created, type: 'escalation.changed', subject: result.record.id });
}

const min = 60_000;

async function week(redis: Redis, prefix: string): Promise<void> {
  await save(redis, prefix, '2026-11-16T10:00:00Z', 'support', 'P1', [{ type: 'acknowledged', at: '2026-11-16T10:10:00Z' }, { type: 'resolved', at: '2026-11-16T12:00:00Z' }], { ack: 15 * min, resolve: 240 * min });
  await save(redis, prefix, '2026-11-17T10:00:00Z', 'support', 'P1', [{ type: 'acknowledged', at: '2026-11-17T10:30:00Z' }, { type: 'resolved', at: '2026-11-17T13:00:00Z' }], { ack: 15 * min, resolve: 240 * min }, '=HYPERLINK("http://evil.example")');
  await save(redis, prefix, '2026-11-18T09:00:00Z', 'billing', 'P2', [], { ack: 30 * min, resolve: 480 * min });
  const points: MetricPoint[] = [];
  for (let i = 9; i <= 22; i += 1) {
    const date = `2026-11-${String(i).padStart(2, '0')}`;
    const thisWeek = i >= 16;
    points.push({ metric: 'csat', date, value: i === 22 ? 5 : thisWeek ? 4.5 : 4, count: i === 22 ? 30 : 10, department: TEAM, source: 'survey' });
    points.push({ metric: 'firstResponseMinutes', date, value: thisWeek ? 20 : 30, department: TEAM, source: 'helpdesk' });
  }
  await new RedisMetricStore(redis, prefix).put(points);
}

/**
 * The week's handoffs (handoffs.acknowledgeWithin is 15 min): one acknowledged 10 min after its
 * incoming shift started, one 40 min after, one never; and one the week before, not counted.
 */
async function handoffs(store: RedisShiftStore): Promise<void> {
  const audit = (at: string) => ({ actor: 'ana', at, type: 'handoff.written', subject: '' });
  const write = async (createdAt: string, start: string, acknowledgedAt?: string) => {
    const h = await store.createHandoff({ department: 'support', author: ANA, incoming: { shiftId: 'early', date: start.slice(0, 10), start, people: ['ben'] }, notes: 'all quiet', escalations: [], createdAt, cards: [] }, audit(createdAt));
    if (acknowledgedAt) await store.acknowledgeHandoff(h.id, BEN, acknowledgedAt, audit(acknowledgedAt));
  };
  await write('2026-11-16T05:40:00Z', '2026-11-16T06:00:00Z', '2026-11-16T06:10:00Z');
  await write('2026-11-17T05:40:00Z', '2026-11-17T06:00:00Z', '2026-11-17T06:40:00Z');
  await write('2026-11-18T05:40:00Z', '2026-11-18T06:00:00Z');
  await write('2026-11-13T05:40:00Z', '2026-11-13T06:00:00Z', '2026-11-13T06:01:00Z');
}

describe('the weekly report and the export', () => {
  let redis: Redis;
  const prefixes: string[] = [];
  beforeAll(async () => {
    redis = await connectRedis(redisUrl(), 'store');
  });
  afterAll(async () => {
    for (const p of prefixes) await deletePrefix(redis, p);
    redis.disconnect();
    rmSync(`${ROOT}exports/shiftlead-escalations-2026-11-16-2026-11-22.csv`, { force: true });
    rmSync(`${ROOT}exports/shiftlead-metrics-2026-11-16-2026-11-22.csv`, { force: true });
  });
  const prefixed = () => {
    const p = uniquePrefix();
    prefixes.push(p);
    return p;
  };

  it('adds up the week by hand: escalations by department and severity, SLA breach rate, medians, CSAT and first response week over week', async () => {
    const prefix = prefixed();
    await week(redis, prefix);
    const now = new Date('2026-11-23T09:00:00Z');
    const settings = new Settings(exampleConfig());
    const store = new RedisMetricStore(redis, prefix, () => now);
    const reader = new RedisEscalationReader(redis, prefix);
    const clock = { now: () => now };
    const own = new OwnRecords({ reader, store, settings, clock, claim: (n, ms) => store.claim(n, ms) });
    const sent: Delivery[] = [];
    const reach = new Reach({ settings, tenants: { tenant: async () => TENANT }, platforms: () => ['slack'] });
    const outbox = { enqueue: async (d: Delivery[]) => void sent.push(...d) };
    const timers = { schedule: async () => undefined, cancel: async () => undefined };
    const shiftStore = new RedisShiftStore(redis, prefix);
    await handoffs(shiftStore);
    const shifts = new ShiftContext({ settings, store: shiftStore, outbox, timers, clock, reach, openEscalations: async () => [], replan: async () => undefined });
    const reports = new Reports({ settings, store, reader, own, outbox, timers, reach, clock, files: { send: async () => undefined }, sections: () => shiftGlance(shifts).report, log: () => undefined });
    const message = await reports.weekly('2026-11-16', '2026-11-22', now);
    const text = message.blocks.map((b) => ('text' in b ? b.text : 'fields' in b ? b.fields.map((f) => `${f.label}: ${f.value}`).join('\n') : 'summary' in b ? b.summary : '')).join('\n');
    // E1 acknowledged in 10 min and resolved in 2 h; E2 acknowledged 30 min in (15 allowed), resolved in 3 h; E3 (P2) neither, both deadlines passed.
    expect(text).toContain('**Escalations:** 3 opened (P1 2 · P2 1 · P3 0 · P4 0)');
    expect(text).toContain('**SLA breach rate:** 67% (2 of 3)');
    expect(text).toContain('**Median time to acknowledge:** 20 min · **to resolve:** 2 h 30 min');
    expect(text).toContain('Frontline support: 2 (P1 2)');
    expect(text).toContain('Billing: 1 (P2 1)');
    expect(text).toContain('🤝 **Handoffs:** 1 of 3 acknowledged in time (33%) · 1 late · 1 not acknowledged');
    // CSAT: six days of 4.5 (10 ratings each) and a 5 from 30 ratings: 420 / 90 = 4.67; the week before 4.
    expect(text).toContain('CSAT: **4.67** ✅ · target 4.5 · ▲ 0.67 vs the week before (4) · survey');
    expect(text).toContain('First response: **20 min** ✅ · target 30 min · ▼ 10 min vs the week before (30 min) · helpdesk');
    expect(message.blocks.filter((b) => b.type === 'chart')).toHaveLength(2);
    expect(plainText(message.text)).toBe('Weekly report Mon 16 Nov – Sun 22 Nov: 3 escalations, SLA breach rate 67% (2 of 3).');

    // The schedule kind: Mondays at 09:00 Lisbon, a DM to each person in `to`, keyed by the occurrence.
    const kind = reports.kind();
    const [monday] = await kind.occurrences(new Date('2026-11-22T00:00:00Z'), new Date('2026-11-24T00:00:00Z'));
    expect(monday).toMatchObject({ date: '2026-11-23', at: new Date('2026-11-23T09:00:00Z') });
    await kind.fire(monday as never, { now, lateMs: 0, markedLate: false });
    expect(sent.map((d) => [d.key, d.target])).toEqual([['rpt-weekly-20261123-ana', { kind: 'dm', user: 'U0ANALIMA' }]]);
  });

  describe('on Slack and the console', () => {
    const slack = new FakeSlack();
    const input = new PassThrough();
    const output = new PassThrough();
    let printed = '';
    output.on('data', (c: Buffer) => (printed += c.toString()));
    let app: Awaited<ReturnType<typeof startTestApp>>;
    let base = '';
    let offset = 0;
    const due = new Date(Math.ceil(Date.now() / 60_000) * 60_000 + 60_000);
    const day = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'][due.getUTCDay()];
    const config = parseTeamConfig(EXAMPLE_YAML.replace('    day: mon\n    at: "09:00"\n    timezone: Europe/Lisbon', `    day: ${day}\n    at: "${String(due.getUTCHours()).padStart(2, '0')}:${String(due.getUTCMinutes()).padStart(2, '0')}"\n    timezone: UTC`));

    beforeAll(async () => {
      const apiUrl = await slack.start();
      const prefix = prefixed();
      await week(redis, prefix);
      offset = -3 * 86_400_000;
      app = await startTestApp({ prefix, config, env: parseEnv({ SLACK_BOT_TOKEN: 'xoxb-1-test', SLACK_SIGNING_SECRET: SIGNING_SECRET, SLACK_API_URL: apiUrl }), clock: { now: () => new Date(Date.now() + offset) }, console: { input, output, onExit: () => undefined } });
      base = `http://127.0.0.1:${app.port}`;
    });
    afterAll(async () => {
      await app.close();
      await slack.stop();
    });

    it('sends the weekly report by DM at its time, once', async () => {
      offset = due.getTime() - 2_000 - Date.now();
      await app.reload(config);
      await slack.waitFor((calls) => calls.some((c) => c.method === 'chat.postMessage' && c.args['channel'] === 'U0ANALIMA' && JSON.stringify(c.args['blocks']).includes('Weekly report')), 20_000, 'the weekly report');
      await new Promise((r) => setTimeout(r, 1_500));
      // (Ana also gets the escalations' own DMs: she raised them.)
      const dms = slack.of('chat.postMessage').filter((c) => c.args['channel'] === 'U0ANALIMA' && JSON.stringify(c.args['blocks']).includes('Weekly report'));
      expect(dms).toHaveLength(1);
      expect(messageProblems(dms[0]?.args as Record<string, unknown>)).toEqual([]);
    });

    it('/report shows last week privately; /report export is for leads and managers and checks its dates', async () => {
      // Last week (of the real calendar) has no data in this fixture, so no chart: the ack itself carries the report.
      const asked = await postSigned(base, slashCommand({ command: '/report', user_id: 'U0CARODIA', channel_id: 'C0SUPPORT' }), FORM);
      const shown = asked.json as Record<string, unknown>;
      expect(shown['response_type']).toBe('ephemeral');
      expect(String(shown['text'])).toMatch(/^Weekly report /);
      expect(messageProblems(shown)).toEqual([]);

      const agent = await postSigned(base, slashCommand({ command: '/report', text: 'export', user_id: 'U0CARODIA' }), FORM);
      expect(JSON.stringify(agent.json)).toContain('Exports are for leads and managers.');
      const bad = await postSigned(base, slashCommand({ command: '/report', text: 'export 2026-11-16 16/11/2026', user_id: 'U0ANALIMA' }), FORM);
      expect(JSON.stringify(bad.json)).toContain('\\"16/11/2026\\" is not a date: write it as YYYY-MM-DD');
      const backwards = await postSigned(base, slashCommand({ command: '/report', text: 'export 2026-11-22 2026-11-16', user_id: 'U0ANALIMA' }), FORM);
      expect(JSON.stringify(backwards.json)).toContain('The export starts (2026-11-22) after it ends (2026-11-16).');
      expect(slack.of('files.getUploadURLExternal')).toHaveLength(0);
    });

    it('/report export puts two CSV files in the manager’s DM', async () => {
      const ack = await postSigned(base, slashCommand({ command: '/report', text: 'export 2026-11-16 2026-11-22', user_id: 'U0ANALIMA', channel_id: 'C0SUPPORT' }), FORM);
      expect(JSON.stringify(ack.json)).toContain('Preparing your export for 2026-11-16 to 2026-11-22');
      await slack.waitFor((calls) => calls.some((c) => c.method === 'files.completeUploadExternal'), 20_000, 'the files');
      expect(slack.of('conversations.open')[0]?.args['users']).toBe('U0ANALIMA');
      const complete = slack.of('files.completeUploadExternal')[0]?.args as { channel_id: string; files: Array<{ id: string; title: string }>; initial_comment: string };
      expect(complete.channel_id).toBe('D0ANALIMA');
      expect(complete.files.map((f) => f.title)).toEqual(['Escalations 2026-11-16 to 2026-11-22', 'Daily metrics 2026-11-16 to 2026-11-22']);
      const [escalations = '', metrics = ''] = complete.files.map((f) => slack.uploads.get(f.id) ?? '');
      const lines = escalations.trim().split('\n');
      expect(lines[0]).toBe('id,platform,created_at,severity,department,customer,summary,status,owner,acknowledge_due_at,acknowledged_at,resolve_due_at,resolved_at,minutes_to_acknowledge,minutes_to_resolve,sla_outcome');
      expect(lines).toHaveLength(4);
      expect(lines[1]).toMatch(/^ESC-1,slack,2026-11-16T10:00:00.000Z,P1,support,Acme,.*,resolved,Ben Okafor,.*,10,120,met$/);
      // A customer that would run as a spreadsheet formula is written as text.
      expect(lines[2]).toContain(`"'=HYPERLINK(""http://evil.example"")"`);
      expect(lines[2]).toMatch(/,30,180,missed acknowledge$/);
      expect(lines[3]).toMatch(/,billing,Acme,.*,open,,.*,missed both$/);
      expect(metrics.split('\n')[0]).toBe('date,department,metric,source,value,count');
      expect(metrics).toContain('2026-11-22,,csat,survey,5,30');
    });

    it('the console writes the files and prints their paths', async () => {
      const mark = printed.length;
      input.write('as ana /report export 2026-11-16 2026-11-22\n');
      await expect.poll(() => /📎 \/.*shiftlead-metrics-2026-11-16-2026-11-22\.csv/.test(printed.slice(mark)), { timeout: 15_000 }).toBe(true);
      const path = /📎 (\/\S*shiftlead-escalations-2026-11-16-2026-11-22\.csv)/.exec(printed.slice(mark))?.[1] ?? '';
      expect(existsSync(path)).toBe(true);
      expect(readFileSync(path, 'utf8').split('\n')).toHaveLength(5);
    });
  });

  it('npm run report:export writes the same files from a shell, and refuses bad dates', () => {
    const prefix = prefixed();
    const run = (...args: string[]) =>
      spawnSync(process.execPath, ['--import', 'tsx', 'scripts/report-export.ts', ...args], {
        cwd: ROOT,
        env: { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '', SHIFTLEAD_ENV_FILE: '', REDIS_URL: redisUrl(), SHIFTLEAD_PREFIX: prefix, SHIFTLEAD_CONFIG: 'shiftlead.example.yaml' },
        encoding: 'utf8',
      });
    const out = `${ROOT}exports/cli-test-${prefix}`;
    const ok = run('--from', '2026-11-16', '--to', '2026-11-22', '--out', out);
    expect(ok.stderr).toBe('');
    expect(ok.stdout.trim().split('\n')).toEqual([`${out}/shiftlead-escalations-2026-11-16-2026-11-22.csv`, `${out}/shiftlead-metrics-2026-11-16-2026-11-22.csv`]);
    expect(readFileSync(`${out}/shiftlead-metrics-2026-11-16-2026-11-22.csv`, 'utf8')).toBe('date,department,metric,source,value,count\n');
    rmSync(out, { recursive: true, force: true });
    const bad = run('--from', '2026-11-30', '--to', '2026-11-01');
    expect(bad.status).toBe(1);
    expect(bad.stderr).toContain('The export starts (2026-11-30) after it ends (2026-11-01).');
  });
});

/**
 * The baseline for bench/escalate-ack.ts: a Bolt app on its HTTPReceiver doing the same platform
 * and Redis work as Shiftlead's web role, written plainly:
 *
 * - `/escalate`: ack, then views.open with the same modal (VIEW_FILE, captured from Shiftlead);
 * - the modal's submission: INCR the id, MULTI (HSET the record, ZADD it to the open set, XADD an
 *   audit entry), add the card and the DM jobs and the two SLA timers to BullMQ, then ack;
 * - a button press: ack, then read the record, MULTI (HSET it back, XADD), add the card update
 *   and the thread line, remove the acknowledge timer.
 *
 * Env: PORT, SLACK_SIGNING_SECRET, SLACK_API_URL, REDIS_URL, PREFIX, VIEW_FILE. Prints "ready".
 */
import { readFileSync } from 'node:fs';
import { App, HTTPReceiver, LogLevel } from '@slack/bolt';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';

const env = process.env;
const view = JSON.parse(readFileSync(env['VIEW_FILE'] as string, 'utf8')) as Record<string, unknown>;
const prefix = env['PREFIX'] as string;
const redis = new Redis(env['REDIS_URL'] as string, { enableOfflineQueue: false, maxRetriesPerRequest: 1 });
const producer = new Redis(env['REDIS_URL'] as string, { enableOfflineQueue: false, maxRetriesPerRequest: 1 });
await new Promise((r) => setTimeout(r, 200));
const outbox = new Queue('{outbox}', { connection: producer, prefix: `${prefix}-bull`, defaultJobOptions: { attempts: 8, removeOnComplete: { count: 50_000 } } });
const timers = new Queue('{timers}', { connection: producer, prefix: `${prefix}-bull` });
const k = (name: string) => `${prefix}:{slack-T0TEST}:${name}`;
const message = (text: string) => ({ text, blocks: [{ type: 'header', text }, { type: 'fields', fields: Array.from({ length: 6 }, (_, i) => ({ label: `Field ${i}`, value: `${text} value ${i}` })) }, { type: 'actions', buttons: ['Acknowledge', 'Assign', 'Resolve'].map((label) => ({ actionId: `escalation.${label.toLowerCase()}`, label, value: text })) }] });

const receiver = new HTTPReceiver({ signingSecret: env['SLACK_SIGNING_SECRET'] ?? '', endpoints: '/slack/events', processBeforeResponse: false, logLevel: LogLevel.ERROR });
const app = new App({
  receiver,
  logLevel: LogLevel.ERROR,
  clientOptions: { slackApiUrl: env['SLACK_API_URL'] as string },
  authorize: async () => ({ botToken: 'xoxb-1-bench', botId: 'B0BENCH', botUserId: 'U0BENCH' }),
});

app.command('/escalate', async ({ ack, command, client }) => {
  await ack();
  await client.views.open({ trigger_id: command.trigger_id, view: view as never });
});

app.view('escalation.create', async ({ ack, body, view: submitted }) => {
  const values = submitted.state.values;
  const record = { customer: values['customer']?.['customer']?.value, summary: values['summary']?.['summary']?.value, severity: values['severity']?.['severity']?.selected_option?.value, requester: body.user.id, status: 'open', at: new Date().toISOString() };
  const id = `ESC-${await redis.incr(k('esc:seq'))}`;
  await redis.multi().hset(k('esc:records'), id, JSON.stringify({ id, ...record })).zadd(k('esc:open'), Date.now(), id).xadd(k('audit'), 'MAXLEN', '~', 100_000, '*', 'type', 'escalation.created', 'subject', id).exec();
  await outbox.addBulk([
    { name: 'conversation', data: { target: 'C0BILLING', message: message(`${id}: ${record.summary}`) }, opts: { jobId: `${id}-card` } },
    { name: 'dm', data: { target: body.user.id, message: message(`${id} is posted`) }, opts: { jobId: `${id}-confirm` } },
  ]);
  await timers.addBulk([
    { name: 'sla', data: { id, clock: 'acknowledge' }, opts: { jobId: `sla-${id}-ack`, delay: 900_000 } },
    { name: 'sla', data: { id, clock: 'resolve' }, opts: { jobId: `sla-${id}-res`, delay: 14_400_000 } },
  ]);
  await ack();
});

app.action({ type: 'block_actions' }, async ({ ack, body, action }) => {
  await ack();
  if (action.type !== 'button') return;
  const id = action.value ?? '';
  const json = await redis.hget(k('esc:records'), id);
  if (!json) return;
  const record = { ...(JSON.parse(json) as Record<string, unknown>), status: 'acknowledged', by: body.user.id };
  await redis.multi().hset(k('esc:records'), id, JSON.stringify(record)).xadd(k('audit'), 'MAXLEN', '~', 100_000, '*', 'type', 'escalation.acknowledged', 'subject', id).exec();
  await outbox.addBulk([
    { name: 'update', data: { target: `${id}-card`, message: message(`${id}: acknowledged`) }, opts: { jobId: `${id}-card-v2` } },
    { name: 'reply', data: { target: `${id}-card`, message: message(`${id} acknowledged by ${body.user.id}`) }, opts: { jobId: `${id}-h1` } },
  ]);
  await timers.remove(`sla-${id}-ack`);
});

await app.start(Number(env['PORT'] ?? 0));
process.stdout.write('ready\n');
process.once('SIGTERM', () => void app.stop().then(() => process.exit(0)));

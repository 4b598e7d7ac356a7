/**
 * Redis work per escalation: `/escalate`, the form submitted, the card posted to the department's
 * channel and the requester's DM (which links to the card) — counted with MONITOR on a private
 * Redis, as round trips (commands clients sent) and commands (those plus the ones scripts ran).
 *
 * Beside it, in the same run, the same work written plainly on BullMQ: the record written with
 * INCR + MULTI (HSET, ZADD, XADD), the card job and both SLA timers added, a worker that posts the
 * card, saves where it landed and adds the DM job with the link, and posts the DM.
 *
 *   npm run bench:redis [-- --rounds 3]
 */
import { readFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import { Queue, Worker } from 'bullmq';
import type { RedisClient } from '../src/store/redis.js';
import { startApp } from '../src/app.js';
import { parseEnv } from '../src/config/env.js';
import { parseTeamConfig } from '../src/config/team-config.js';
import { silentLogger } from '../src/log.js';
import { connectRedis } from '../src/store/redis.js';
import { FakeSlack } from '../test/support/fake-slack.js';
import { ESCALATION_VALUES, interaction, postSigned, SIGNING_SECRET, slashCommand, viewSubmission } from '../test/support/slack-requests.js';
import { benchRedis, median, print } from './support.js';

const { values: args } = parseArgs({ options: { rounds: { type: 'string', default: '3' } } });
const ROUNDS = Number(args.rounds);
const FORM = 'application/x-www-form-urlencoded';
const ANA = 'U0ANALIMA';

/** Counts what Redis runs between `start` and `stop`: top-level commands and all commands. */
async function counter(url: string) {
  const client = await connectRedis(url, 'worker', { name: 'bench-monitor' });
  const m = await client.monitor();
  let on = false;
  let roundTrips = 0;
  let commands = 0;
  const trace = process.env['BENCH_TRACE'] === '1';
  m.on('monitor', (_time: string, argv: string[], source: string) => {
    if (!on) return;
    commands += 1;
    if (source !== 'lua') roundTrips += 1;
    if (trace) print(`  ${source === 'lua' ? '    lua' : source} ${argv.slice(0, 3).join(' ').slice(0, 120)}`);
  });
  return {
    start: () => {
      on = true;
      roundTrips = 0;
      commands = 0;
    },
    stop: async () => {
      // MONITOR lines arrive a moment after the commands ran.
      await new Promise((r) => setTimeout(r, 200));
      on = false;
      return { roundTrips, commands };
    },
    close: () => {
      m.disconnect();
      client.disconnect();
    },
  };
}

/** Waits until the fake Web API saw `n` more chat.postMessage calls, then lets workers finish. */
async function posted(slack: FakeSlack, before: number, n: number): Promise<void> {
  await slack.waitFor((calls) => calls.filter((c) => c.method === 'chat.postMessage').length >= before + n, 15_000, `${n} posts`);
  await new Promise((r) => setTimeout(r, 300));
}

type Counter = Awaited<ReturnType<typeof counter>>;

/** One unmeasured escalation (scripts loaded, connections made), then ROUNDS counted ones. */
async function measured(count: Counter, one: () => Promise<void>) {
  await one();
  const rounds = [];
  for (let i = 0; i < ROUNDS; i += 1) {
    count.start();
    await one();
    rounds.push(await count.stop());
  }
  return rounds;
}

async function shiftlead(url: string, slack: FakeSlack, apiUrl: string, count: Counter) {
  const app = await startApp({
    env: parseEnv({ SLACK_BOT_TOKEN: 'xoxb-1-bench', SLACK_SIGNING_SECRET: SIGNING_SECRET, SLACK_API_URL: apiUrl }),
    config: parseTeamConfig(readFileSync('shiftlead.example.yaml', 'utf8')),
    redisUrl: url,
    log: silentLogger,
    role: 'all',
    prefix: `bench${randomUUID().slice(0, 8)}`,
    port: 0,
    reconcileEveryMs: 3_600_000,
  });
  const base = `http://127.0.0.1:${app.port}`;
  const one = async () => {
    const before = slack.of('chat.postMessage').length;
    const opened = slack.of('views.open').length;
    await postSigned(base, slashCommand({ command: '/escalate', text: 'Checkout fails for Acme', user_id: ANA }), FORM);
    await slack.waitFor((calls) => calls.filter((c) => c.method === 'views.open').length > opened);
    const view = slack.of('views.open').at(-1)?.args['view'] as Record<string, unknown>;
    const res = await postSigned(base, interaction(viewSubmission(ANA, view, ESCALATION_VALUES)), FORM);
    if (res.status !== 200) throw new Error(`submission answered ${res.status}`);
    await posted(slack, before, 2);
  };
  const rounds = await measured(count, one);
  await app.close();
  return rounds;
}

async function plain(url: string, slack: FakeSlack, apiUrl: string, count: Counter) {
  const prefix = `plain${randomUUID().slice(0, 8)}`;
  const [store, producer, consumer] = await Promise.all([connectRedis(url, 'store'), connectRedis(url, 'queue'), connectRedis(url, 'worker')]);
  const outbox = new Queue('{outbox}', { connection: producer, prefix, defaultJobOptions: { removeOnComplete: { count: 1000 }, attempts: 8 } });
  const timers = new Queue('{timers}', { connection: producer, prefix });
  const post = async (channel: string, text: string) => {
    const res = await fetch(`${apiUrl}chat.postMessage`, { method: 'POST', headers: { authorization: 'Bearer xoxb-1-bench', 'content-type': 'application/json' }, body: JSON.stringify({ channel, text }) });
    return (await res.json()) as { ts: string; channel: string };
  };
  const worker = new Worker(
    '{outbox}',
    async (job: { name: string; data: { id: string; channel: string; text: string } }) => {
      const landed = await post(job.data.channel, job.data.text);
      if (job.name === 'card') {
        await store.hset(`${prefix}:refs`, job.data.id, JSON.stringify(landed));
        await outbox.add('dm', { id: job.data.id, channel: ANA, text: `${job.data.id} is posted: https://test.slack.com/archives/${landed.channel}/p${landed.ts.replace('.', '')}` }, { jobId: `${job.data.id}-dm` });
      }
    },
    { connection: consumer, prefix, concurrency: 8 },
  );
  await worker.waitUntilReady();
  const one = async () => {
    const before = slack.of('chat.postMessage').length;
    const n = await store.incr(`${prefix}:seq`);
    const id = `ESC-${n}`;
    const record = JSON.stringify({ id, customer: 'Acme Corp', severity: 'P1', department: 'billing', summary: 'Checkout fails for Acme', status: 'open', requester: ANA });
    await store.multi().hset(`${prefix}:records`, id, record).zadd(`${prefix}:open`, Date.now(), id).xadd(`${prefix}:audit`, '*', 'type', 'escalation.created', 'subject', id).exec();
    await outbox.addBulk([{ name: 'card', data: { id, channel: 'C0BILLING', text: `${id}: Checkout fails for Acme` }, opts: { jobId: `${id}-card` } }]);
    await timers.addBulk([
      { name: 'sla', data: { id, clock: 'acknowledge' }, opts: { jobId: `${id}-ack`, delay: 900_000 } },
      { name: 'sla', data: { id, clock: 'resolve' }, opts: { jobId: `${id}-res`, delay: 14_400_000 } },
    ]);
    await posted(slack, before, 2);
  };
  const rounds = await measured(count, one);
  await worker.close();
  await Promise.all([outbox.close(), timers.close()]);
  for (const r of [store, producer, consumer] as RedisClient[]) r.disconnect();
  return rounds;
}

const redis = await benchRedis();
const slack = new FakeSlack();
const apiUrl = await slack.start();
const count = await counter(redis.url);
try {
  print(`Redis per escalation (/escalate → form → card + DM with a link), ${ROUNDS} rounds after a warm-up, MONITOR on a private redis-server`);
  const ours = await shiftlead(redis.url, slack, apiUrl, count);
  const base = await plain(redis.url, slack, apiUrl, count);
  for (let i = 0; i < ROUNDS; i += 1) {
    print(`round ${i + 1}: Shiftlead ${ours[i]?.roundTrips} round trips, ${ours[i]?.commands} commands; plain BullMQ ${base[i]?.roundTrips} round trips, ${base[i]?.commands} commands`);
  }
  const rt = median(ours.map((r) => r.roundTrips));
  const cmd = median(ours.map((r) => r.commands));
  const brt = median(base.map((r) => r.roundTrips));
  const bcmd = median(base.map((r) => r.commands));
  print(`median: Shiftlead ${rt} round trips / ${cmd} commands; plain BullMQ ${brt} / ${bcmd}; ratio ${(rt / brt).toFixed(2)} / ${(cmd / bcmd).toFixed(2)}`);
} finally {
  count.close();
  await slack.stop();
  await redis.cleanup();
}

/**
 * Slack acknowledgement latency under a steady load: Shiftlead as production runs it (compiled,
 * `node dist/main.js`, the web role) next to a Bolt app doing the same platform and Redis work
 * (bench/bolt-baseline.ts), both talking to the same Web API stand-in in its own process
 * (bench/slack-stand-in.ts) and to one private Redis, sent the same signed requests in the same
 * run, alternating which goes first:
 *
 * - `/escalate` (ack, then views.open with the escalation modal);
 * - the modal's submission (the record written and its card, DM and timers queued, then ack);
 * - an Acknowledge button press (ack, then the record changed and its effects queued).
 *
 * For each: the achieved request rate, failures (counted, not fatal), latency from sending to the
 * end of the answer (what Slack's 3 s covers), and the server's CPU time per request (its
 * /proc/<pid>/stat over the phase, after-ack work included). Then `/escalate` at `--high` req/s,
 * and the start-up time and idle memory of `node dist/main.js` against `npm start` (tsx).
 *
 *   npm run bench:ack [-- --rate 200 --seconds 5 --rounds 2 --high 1000 --high-seconds 3]
 *
 * The load is open-loop (a request every 1/rate s, whatever the answers), so a slow server shows
 * up as latency and failures, not as a politely lower rate.
 */
import type { ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { freePort } from '../src/store/local-redis.js';
import { buttonPress, ESCALATION_VALUES, interaction, sign, SIGNING_SECRET, slashCommand, viewSubmission } from '../test/support/slack-requests.js';
import { benchRedis, cpuMs, launch, median, percentile, print, ready, shiftleadEnv, start, startShiftlead, stop, treeRss, type ShiftleadOptions } from './support.js';

const { values: args } = parseArgs({
  options: {
    rate: { type: 'string', default: '200' },
    seconds: { type: 'string', default: '5' },
    rounds: { type: 'string', default: '2' },
    high: { type: 'string', default: '1000' },
    'high-seconds': { type: 'string', default: '3' },
  },
});
const RATE = Number(args.rate);
const SECONDS = Number(args.seconds);
const ROUNDS = Number(args.rounds);
const FORM = 'application/x-www-form-urlencoded';
const ANA = 'U0ANALIMA';

type Name = 'bolt' | 'shiftlead';
type Phase = 'command' | 'submit' | 'button';

interface Result {
  sent: number;
  latencies: number[];
  failures: number;
  firstFailure: string | undefined;
  seconds: number;
  cpuPerRequest: number;
}

/** Sends `body(i)` signed at `rate` per second for `seconds`, open-loop. */
async function load(base: string, pid: number, rate: number, seconds: number, body: (i: number) => string): Promise<Result> {
  const latencies: number[] = [];
  let failures = 0;
  let firstFailure: string | undefined;
  const fail = (why: string) => {
    failures += 1;
    firstFailure ??= why;
  };
  const pending: Array<Promise<void>> = [];
  const total = Math.round(rate * seconds);
  const cpuBefore = await cpuMs(pid);
  const started = performance.now();
  for (let i = 0; i < total; i += 1) {
    const wait = started + (i * 1000) / rate - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const text = body(i);
    const sent = performance.now();
    pending.push(
      fetch(`${base}/slack/events`, { method: 'POST', headers: { 'content-type': FORM, ...sign(text) }, body: text, signal: AbortSignal.timeout(10_000) })
        .then(async (res) => {
          await res.arrayBuffer();
          if (res.status === 200) latencies.push(performance.now() - sent);
          else fail(`HTTP ${res.status}`);
        })
        .catch((error: unknown) => fail(error instanceof Error ? error.message : String(error))),
    );
  }
  await Promise.all(pending);
  const elapsed = (performance.now() - started) / 1000;
  // Work after the ack (views.open, a button's change) belongs to the request too.
  await new Promise((r) => setTimeout(r, 500));
  const cpu = (await cpuMs(pid)) - cpuBefore;
  return { sent: total, latencies, failures, firstFailure, seconds: elapsed, cpuPerRequest: cpu / total };
}

function line(label: string, r: Result): string {
  // Achieved: answers per second from the first request sent to the last answer.
  const rate = (r.sent - r.failures) / r.seconds;
  const failed = r.failures > 0 ? `, ${r.failures} failed (${r.firstFailure})` : '';
  const late = r.latencies.filter((ms) => ms > 3_000).length;
  return `${label.padEnd(22)} ${rate.toFixed(0).padStart(5)} req/s achieved, ${late} over 3 s${failed}; p50 ${median(r.latencies).toFixed(1)} ms, p99 ${percentile(r.latencies, 99).toFixed(1)} ms, max ${Math.max(...r.latencies).toFixed(1)} ms; CPU ${r.cpuPerRequest.toFixed(2)} ms/request`;
}

async function stats(statsUrl: string): Promise<{ counts: Record<string, number>; last: Record<string, Record<string, unknown>> }> {
  return (await (await fetch(statsUrl)).json()) as never;
}

/** Start-up to listening, and idle memory of the whole process tree, for one way of starting. */
async function startup(label: string, command: string, argv: string[], options: Omit<ShiftleadOptions, 'port'>): Promise<string> {
  const port = await freePort();
  const since = performance.now();
  const child = launch(command, argv, shiftleadEnv({ ...options, port }));
  try {
    const ms = await ready(`http://127.0.0.1:${port}`, since);
    await new Promise((r) => setTimeout(r, 2_000));
    const rss = await treeRss(child.pid as number);
    return `${label.padEnd(22)} listening after ${(ms / 1000).toFixed(2)} s; idle: ${rss.processes} process${rss.processes === 1 ? '' : 'es'}, ${rss.mib.toFixed(0)} MiB resident`;
  } finally {
    await stop(child);
  }
}

if (!existsSync('dist/main.js')) throw new Error('dist/main.js is missing: run "npm run build" first (npm run bench:ack does).');
const redis = await benchRedis();
const children: ChildProcess[] = [];
let viewDir: string | undefined;
try {
  const standIn = launch(process.execPath, ['--import', 'tsx', 'bench/slack-stand-in.ts'], {}, 'pipe');
  children.push(standIn);
  const { apiUrl, statsUrl } = await new Promise<{ apiUrl: string; statsUrl: string }>((done, fail) => {
    standIn.stdout?.once('data', (chunk: Buffer) => done(JSON.parse(chunk.toString()) as never));
    standIn.once('exit', () => fail(new Error('the Web API stand-in did not start')));
  });
  const options = (prefix: string) => ({ redisUrl: redis.url, prefix, slackApiUrl: apiUrl, signingSecret: SIGNING_SECRET });

  print(`Slack acknowledgements: Shiftlead (node dist/main.js, web role) against Bolt doing the same work; Web API stand-in in its own process; private Redis ${redis.url}`);
  print('\n## Start-up (role all) and idle memory');
  print(await startup('node dist/main.js', process.execPath, ['dist/main.js'], options(`boot${randomUUID().slice(0, 6)}`)));
  print(await startup('npm start (tsx)', 'npm', ['start', '--silent'], options(`boot${randomUUID().slice(0, 6)}`)));

  const [boltPort, shiftleadPort] = await Promise.all([freePort(), freePort()]);
  const servers = {} as Record<Name, { base: string; pid: number; created: number; pressed: number }>;
  const shiftlead = startShiftlead({ ...options(`bench${randomUUID().slice(0, 6)}`), port: shiftleadPort, compiled: true, env: { SHIFTLEAD_ROLE: 'web' } });
  children.push(shiftlead);
  servers.shiftlead = { base: `http://127.0.0.1:${shiftleadPort}`, pid: shiftlead.pid as number, created: 0, pressed: 0 };
  await ready(servers.shiftlead.base);

  // The modal Shiftlead opens is the one the baseline opens.
  await load(servers.shiftlead.base, servers.shiftlead.pid, 10, 0.2, () => slashCommand({ command: '/escalate', text: 'Checkout fails for Acme', user_id: ANA, channel_id: 'C0SUPPORT' }));
  const view = (await stats(statsUrl)).last['views.open']?.['view'] as Record<string, unknown> | undefined;
  if (!view) throw new Error('Shiftlead opened no modal');
  viewDir = await mkdtemp(join(tmpdir(), 'shiftlead-bench-'));
  const viewFile = join(viewDir, 'view.json');
  await writeFile(viewFile, JSON.stringify(view));
  const bolt = start('bench/bolt-baseline.ts', { PORT: String(boltPort), SLACK_SIGNING_SECRET: SIGNING_SECRET, SLACK_API_URL: apiUrl, REDIS_URL: redis.url, PREFIX: `base${randomUUID().slice(0, 6)}`, VIEW_FILE: viewFile });
  children.push(bolt);
  servers.bolt = { base: `http://127.0.0.1:${boltPort}`, pid: bolt.pid as number, created: 0, pressed: 0 };
  await ready(servers.bolt.base);

  const bodies: Record<Phase, (name: Name) => (i: number) => string> = {
    command: () => (i) => slashCommand({ command: '/escalate', text: `Checkout fails for customer ${i}`, user_id: ANA, channel_id: 'C0SUPPORT' }),
    submit: () => () => interaction(viewSubmission(ANA, view, ESCALATION_VALUES)),
    button: (name) => () => {
      servers[name].pressed += 1;
      return interaction(buttonPress('U0BENOKAF', 'escalation.acknowledge', `ESC-${servers[name].pressed}`, { channel: 'C0BILLING', ts: '1700000000.000100' }));
    },
  };
  const run = async (name: Name, phase: Phase, rate: number, seconds: number) => {
    const r = await load(servers[name].base, servers[name].pid, rate, seconds, bodies[phase](name));
    if (phase === 'submit') servers[name].created += r.sent - r.failures;
    return r;
  };

  print(`\n## Warm-up: 1 s of each request type at ${RATE}/s on each server (not counted)`);
  for (const phase of ['command', 'submit', 'button'] as const) for (const name of ['bolt', 'shiftlead'] as const) await run(name, phase, RATE, 1);

  const all: Record<Phase, Record<Name, Result[]>> = { command: { bolt: [], shiftlead: [] }, submit: { bolt: [], shiftlead: [] }, button: { bolt: [], shiftlead: [] } };
  print(`\n## ${RATE} requests/s for ${SECONDS} s per phase, ${ROUNDS} rounds, order alternating`);
  for (let round = 1; round <= ROUNDS; round += 1) {
    const order: Name[] = round % 2 === 1 ? ['bolt', 'shiftlead'] : ['shiftlead', 'bolt'];
    for (const phase of ['command', 'submit', 'button'] as const) {
      for (const name of order) {
        const r = await run(name, phase, RATE, SECONDS);
        all[phase][name].push(r);
        print(line(`r${round} ${phase} ${name}`, r));
      }
    }
  }
  print('\n## Summary (all rounds pooled)');
  for (const phase of ['command', 'submit', 'button'] as const) {
    const pooled = (name: Name): Result => {
      const rs = all[phase][name];
      return {
        sent: rs.reduce((a, r) => a + r.sent, 0),
        latencies: rs.flatMap((r) => r.latencies),
        failures: rs.reduce((a, r) => a + r.failures, 0),
        firstFailure: rs.find((r) => r.firstFailure)?.firstFailure,
        seconds: rs.reduce((a, r) => a + r.seconds, 0),
        cpuPerRequest: rs.reduce((a, r) => a + r.cpuPerRequest * r.sent, 0) / rs.reduce((a, r) => a + r.sent, 0),
      };
    };
    const [b, s] = [pooled('bolt'), pooled('shiftlead')];
    print(line(`${phase} Bolt`, b));
    print(line(`${phase} Shiftlead`, s));
    print(`${''.padEnd(22)} ratio Shiftlead/Bolt: p50 ${(median(s.latencies) / median(b.latencies)).toFixed(2)}, p99 ${(percentile(s.latencies, 99) / percentile(b.latencies, 99)).toFixed(2)}, CPU per request ${(s.cpuPerRequest / b.cpuPerRequest).toFixed(2)}`);
  }

  const high = Number(args.high);
  if (high > 0) {
    const seconds = Number(args['high-seconds']);
    print(`\n## /escalate at ${high} requests/s for ${seconds} s`);
    for (const name of ['bolt', 'shiftlead'] as const) print(line(`${name}`, await run(name, 'command', high, seconds)));
  }
  const counts = (await stats(statsUrl)).counts;
  print(`\nWeb API stand-in saw: ${Object.entries(counts).map(([m, n]) => `${m} ${n}`).join(', ')}`);
} finally {
  for (const child of children.reverse()) await stop(child);
  if (viewDir) await rm(viewDir, { recursive: true, force: true });
  await redis.cleanup();
}

/**
 * `/escalate` acknowledgement latency at a steady load: Shiftlead (`npm start`'s main.ts, Slack
 * configured, its Web API played by a local fake) next to a bare Bolt app (bench/bare-bolt.ts)
 * that only verifies and acks, both sent the same signed slash-command requests in the same run.
 * Latency is from sending the request to the end of the HTTP answer (what Slack's 3 s covers).
 *
 *   npm run bench:ack [-- --rate 50 --seconds 10 --rounds 2]
 *
 * The load is open-loop (a request every 1/rate s, whatever the answers), so a slow server shows
 * up as latency instead of as a lower rate.
 */
import type { ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import { FakeSlack } from '../test/support/fake-slack.js';
import { sign, SIGNING_SECRET, slashCommand } from '../test/support/slack-requests.js';
import { freePort } from '../src/store/local-redis.js';
import { connectRedis } from '../src/store/redis.js';
import { benchRedis, deleteKeys, median, percentile, print, ready, start, startShiftlead, stop } from './support.js';

const { values: args } = parseArgs({ options: { rate: { type: 'string', default: '50' }, seconds: { type: 'string', default: '10' }, rounds: { type: 'string', default: '2' } } });
const RATE = Number(args.rate);
const SECONDS = Number(args.seconds);
const ROUNDS = Number(args.rounds);

/** Sends signed /escalate requests at RATE per second for `seconds`; returns each latency (ms). */
async function load(base: string, seconds: number): Promise<number[]> {
  const latencies: number[] = [];
  const failures: string[] = [];
  const pending: Array<Promise<void>> = [];
  const total = Math.round(RATE * seconds);
  const started = performance.now();
  for (let i = 0; i < total; i += 1) {
    const due = started + (i * 1000) / RATE;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const body = slashCommand({ command: '/escalate', text: `Checkout fails for customer ${i}`, user_id: 'U0ANALIMA', channel_id: 'C0SUPPORT' });
    const sent = performance.now();
    pending.push(
      fetch(`${base}/slack/events`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', ...sign(body) }, body })
        .then(async (res) => {
          await res.arrayBuffer();
          if (res.status !== 200) failures.push(`HTTP ${res.status}`);
          else latencies.push(performance.now() - sent);
        })
        .catch((error: unknown) => void failures.push(String(error))),
    );
  }
  await Promise.all(pending);
  if (failures.length > 0) throw new Error(`${failures.length} requests failed, e.g. ${failures[0]}`);
  return latencies;
}

const redis = await benchRedis();
const slack = new FakeSlack();
const apiUrl = await slack.start();
const prefix = `bench${randomUUID().slice(0, 8)}`;
const servers: Record<'bolt' | 'shiftlead', { base: string; child: ChildProcess }> = {} as never;
try {
  const [boltPort, shiftleadPort] = await Promise.all([freePort(), freePort()]);
  servers.bolt = { base: `http://127.0.0.1:${boltPort}`, child: start('bench/bare-bolt.ts', { PORT: String(boltPort), SLACK_SIGNING_SECRET: SIGNING_SECRET }) };
  servers.shiftlead = {
    base: `http://127.0.0.1:${shiftleadPort}`,
    child: startShiftlead({ port: shiftleadPort, redisUrl: redis.url, prefix, slackApiUrl: apiUrl, signingSecret: SIGNING_SECRET }),
  };
  await Promise.all([ready(servers.bolt.base), ready(servers.shiftlead.base)]);
  print(`/escalate ack latency at ${RATE} requests/s for ${SECONDS} s, ${ROUNDS} rounds each, alternating (after a 2 s warm-up of each)`);
  await load(servers.bolt.base, 2);
  await load(servers.shiftlead.base, 2);
  const all: Record<'bolt' | 'shiftlead', number[]> = { bolt: [], shiftlead: [] };
  for (let round = 1; round <= ROUNDS; round += 1) {
    for (const name of ['bolt', 'shiftlead'] as const) {
      const latencies = await load(servers[name].base, SECONDS);
      all[name].push(...latencies);
      print(`round ${round} ${name.padEnd(9)} n=${latencies.length} p50 ${median(latencies).toFixed(1)} ms  p99 ${percentile(latencies, 99).toFixed(1)} ms  max ${Math.max(...latencies).toFixed(1)} ms`);
    }
  }
  const row = (name: 'bolt' | 'shiftlead') => ({ p50: median(all[name]), p99: percentile(all[name], 99) });
  const bolt = row('bolt');
  const shiftlead = row('shiftlead');
  print(`bare Bolt:  p50 ${bolt.p50.toFixed(1)} ms  p99 ${bolt.p99.toFixed(1)} ms  (n=${all.bolt.length})`);
  print(`Shiftlead:  p50 ${shiftlead.p50.toFixed(1)} ms  p99 ${shiftlead.p99.toFixed(1)} ms  (n=${all.shiftlead.length})`);
  print(`ratio Shiftlead/bare Bolt: p50 ${(shiftlead.p50 / bolt.p50).toFixed(2)}, p99 ${(shiftlead.p99 / bolt.p99).toFixed(2)}; views.open calls seen: ${slack.of('views.open').length}`);
} finally {
  await Promise.all(Object.values(servers).map((s) => stop(s.child)));
  await slack.stop();
  const cleanup = await connectRedis(redis.url, 'queue');
  await deleteKeys(cleanup, [`${prefix}:*`, `${prefix}-bull:*`]);
  cleanup.disconnect();
  await redis.stop?.();
}

/**
 * Poll votes: 1,000 votes on one poll within 10 s, through Shiftlead's front door (signed Slack
 * button presses to `npm start`'s main.ts → the vote script → the coalesced summary), its Web API
 * played by a local fake, on a private redis-server this bench starts. It checks that every vote is counted exactly once (with double clicks mixed in) and
 * counts the message updates it took; then it times the vote script itself beside the floor, a
 * bare Redis HSET loop of the same votes at the same concurrency, in the same run.
 *
 *   npm run bench:polls [-- --votes 1000 --seconds 10 --concurrency 32 --rounds 3]
 */
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { ensureRedis, freePort } from '../src/store/local-redis.js';
import { RedisPollStore } from '../src/store/polls.js';
import { connectRedis } from '../src/store/redis.js';
import { FakeSlack } from '../test/support/fake-slack.js';
import { buttonPress, interaction, sign, SIGNING_SECRET, slashCommand } from '../test/support/slack-requests.js';
import { deleteKeys, median, percentile, print, ready, startShiftlead, stop, waitUntil } from './support.js';

const { values: args } = parseArgs({
  options: { votes: { type: 'string', default: '1000' }, seconds: { type: 'string', default: '10' }, concurrency: { type: 'string', default: '32' }, rounds: { type: 'string', default: '3' } },
});
const VOTES = Number(args.votes);
const SECONDS = Number(args.seconds);
const CONCURRENCY = Number(args.concurrency);
const ROUNDS = Number(args.rounds);
const T = 'slack-T0TEST';
const FORM = 'application/x-www-form-urlencoded';

/** Runs `work(i)` for i < n with at most `concurrency` at once; returns the seconds it took. */
async function timed(n: number, concurrency: number, work: (i: number) => Promise<unknown>): Promise<number> {
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      for (let i = next++; i < n; i = next++) await work(i);
    }),
  );
  return (performance.now() - started) / 1000;
}

/** 1,000 people vote over SECONDS (open loop), a tenth of them twice; Shiftlead runs as its own process (`src/main.ts`). */
async function endToEnd(url: string): Promise<void> {
  const slack = new FakeSlack();
  const apiUrl = await slack.start();
  const prefix = `bench${randomUUID().slice(0, 8)}`;
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const child = startShiftlead({ port, redisUrl: url, prefix, slackApiUrl: apiUrl, signingSecret: SIGNING_SECRET });
  const redis = await connectRedis(url, 'queue');
  const post = async (body: string) => {
    const sent = performance.now();
    const res = await fetch(`${base}/slack/events`, { method: 'POST', headers: { 'content-type': FORM, ...sign(body) }, body });
    await res.arrayBuffer();
    if (res.status !== 200) throw new Error(`HTTP ${res.status}`);
    return performance.now() - sent;
  };
  try {
    await ready(base);
    await post(slashCommand({ command: '/csat', text: '', user_id: 'U0ANALIMA', channel_id: 'C0SUPPORT' }));
    await waitUntil(() => slack.of('chat.getPermalink').length > 0, 30_000);
    const ts = String(slack.of('chat.getPermalink')[0]?.args['message_ts']);
    const presses = Array.from({ length: VOTES }, (_, i) => ({ user: `U0V${String(i).padStart(6, '0')}`, option: (i % 5) + 1 }));
    // Every tenth person double-clicks: the same vote again, which must count once.
    const all = [...presses, ...presses.filter((_, i) => i % 10 === 0)].sort((a, b) => a.user.localeCompare(b.user));
    const latencies: number[] = [];
    const started = performance.now();
    const pending: Array<Promise<void>> = [];
    for (const [i, p] of all.entries()) {
      const wait = started + (i * SECONDS * 1000) / all.length - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      pending.push(post(interaction(buttonPress(p.user, 'poll.vote', `POLL-1 ${p.option}`, { channel: 'C0SUPPORT', ts }))).then((ms) => void latencies.push(ms)));
    }
    await Promise.all(pending);
    const sent = (performance.now() - started) / 1000;
    await waitUntil(() => slack.of('chat.postEphemeral').length >= all.length, 60_000);
    const counted = await redis.hgetall(`${prefix}:{${T}}:poll:POLL-1:counts`);
    const counts = [1, 2, 3, 4, 5].map((o) => Number(counted[String(o)] ?? 0));
    const expected = [1, 2, 3, 4, 5].map((o) => presses.filter((p) => p.option === o).length);
    const total = counts.reduce((a, b) => a + b, 0);
    // The last refresh comes up to 5 s (10 s when timers bunch up) after the last vote.
    await waitUntil(() => slack.of('chat.update').some((c) => JSON.stringify(c.args['blocks']).includes(`${VOTES.toLocaleString('en-US')} responses`)), 30_000);
    const updates = slack.of('chat.update');
    const gaps = updates.slice(1).map((u, i) => (u.at - (updates[i]?.at ?? u.at)) / 1000);
    print(`end to end: ${all.length} presses (${VOTES} people, ${all.length - VOTES} double clicks) sent in ${sent.toFixed(1)} s; ack p50 ${median(latencies).toFixed(1)} ms, p99 ${percentile(latencies, 99).toFixed(1)} ms`);
    print(`  counted ${total} of ${VOTES} (${JSON.stringify(counts) === JSON.stringify(expected) ? 'each exactly once' : `WRONG: ${JSON.stringify(counts)}, expected ${JSON.stringify(expected)}`}); message updates: ${updates.length} (gaps ${gaps.map((g) => g.toFixed(1)).join(', ') || '—'} s)`);
  } finally {
    await stop(child);
    await slack.stop();
    await deleteKeys(redis, [`${prefix}:*`, `${prefix}-bull:*`]);
    redis.disconnect();
  }
}

/** The vote script (one per vote: per-person hash and counts, status and window checks) vs a bare HSET of the same votes. */
async function scriptVsFloor(url: string): Promise<void> {
  const redis = await connectRedis(url, 'queue');
  const script: number[] = [];
  const floor: number[] = [];
  try {
    for (let round = 0; round <= ROUNDS; round += 1) {
      const prefix = `bench${randomUUID().slice(0, 8)}`;
      const store = new RedisPollStore(redis, prefix);
      const now = new Date();
      const poll = await store.create({ tenant: T, platform: 'slack', kind: 'rating', question: 'Bench?', options: ['1', '2', '3', '4', '5'], anonymous: false, creator: { platform: 'slack', user: 'U0ANALIMA', name: 'Ana' }, conversation: 'C0SUPPORT', createdAt: now.toISOString(), closesAt: new Date(now.getTime() + 3_600_000).toISOString() });
      const voter = (i: number) => `slack:U0V${String(i).padStart(6, '0')}`;
      const s = await timed(VOTES, CONCURRENCY, (i) => store.vote(T, poll.id, voter(i), (i % 5) + 1, new Date(), 1));
      const f = await timed(VOTES, CONCURRENCY, (i) => redis.hset(`${prefix}:floor`, voter(i), String((i % 5) + 1)));
      const counted = (await store.get(T, poll.id))?.counts.reduce((a, b) => a + b, 0);
      if (counted !== VOTES) throw new Error(`the script counted ${counted} of ${VOTES}`);
      await deleteKeys(redis, [`${prefix}:*`]);
      // Round 0 warms up (script loading, JIT) and is not counted.
      if (round === 0) continue;
      script.push(VOTES / s);
      floor.push(VOTES / f);
      print(`  round ${round}: vote script ${script.at(-1)?.toFixed(0)} votes/s, bare HSET ${floor.at(-1)?.toFixed(0)}/s`);
    }
    print(`vote script vs bare HSET, ${VOTES} votes at concurrency ${CONCURRENCY}: median ${median(script).toFixed(0)} vs ${median(floor).toFixed(0)} votes/s, ratio script/floor ${(median(script) / median(floor)).toFixed(2)}`);
  } finally {
    redis.disconnect();
  }
}

// A private redis-server, so that nothing else on this machine shares it.
const dataDir = await mkdtemp(join(tmpdir(), 'shiftlead-bench-polls-'));
const redis = await ensureRedis({ dataDir, persistence: false, probeUrl: 'redis://127.0.0.1:1' });
try {
  print(`Poll votes on ${redis.origin}`);
  await endToEnd(redis.url);
  await scriptVsFloor(redis.url);
} finally {
  await redis.stop?.();
  await rm(dataDir, { recursive: true, force: true });
}

/**
 * A worker process SIGKILLed while posts are in flight against a slow Slack (300 ms per post):
 * after a new worker starts, every card and every confirmation DM is in Slack (the goal is 30 s;
 * the test allows 60 s on a loaded machine; the measured figures are printed). Through the HTTP
 * boundary: the web role in this process takes the signed requests; the workers are real child
 * processes.
 *
 * Whether "exactly once" holds depends on Slack's history budget: the posts that were in flight
 * when the worker died are looked up with conversations.history, one call per place. With the
 * budget of a Marketplace app (Tier 3) every one is found and adopted: exactly once. Outside the
 * Marketplace (Tier 1, one call a minute), a crash with posts in flight in more than one place
 * looks up one; the others are posted again after the bounded wait, and each extra copy is counted
 * in /metrics.
 */
import type { ChildProcess } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { parseTeamConfig } from '../../src/config/team-config.js';
import { freePort } from '../../src/store/local-redis.js';
import { callProblems } from '../support/block-kit.js';
import { EXAMPLE_YAML, withoutShifts } from '../support/configs.js';
import { exited, runTs } from '../support/processes.js';
import { redisUrl } from '../support/redis.js';
import { startSlackHarness, type SlackHarness } from '../support/slack-app.js';
import { choice, FORM, nextView, submit, text, USERS } from '../support/slack-flows.js';
import { postSigned, SIGNING_SECRET, slashCommand } from '../support/slack-requests.js';

const WORKER = 'test/support/slack-worker-child.ts';
const YAML = withoutShifts(EXAMPLE_YAML);
const COUNT = 10;
const METRICS_TOKEN = 'crash-test-metrics-token';

describe('Slack: a worker killed mid-delivery', () => {
  let h: SlackHarness | undefined;
  const children: ChildProcess[] = [];
  afterEach(async () => {
    for (const child of children.splice(0)) {
      child.kill('SIGKILL');
      await exited(child);
    }
    if (h) expect(callProblems(h.slack.calls)).toEqual([]);
    await h?.close();
    h = undefined;
  });

  /** Tagged messages in Slack, by delivery key: how many copies of each. */
  function copies(harness: SlackHarness): Map<string, number> {
    const out = new Map<string, number>();
    for (const messages of harness.slack.history.values()) {
      for (const m of messages) {
        const key = (m.metadata as { event_payload?: { key?: string } } | undefined)?.event_payload?.key;
        if (key) out.set(key, (out.get(key) ?? 0) + 1);
      }
    }
    return out;
  }

  /**
   * Ten escalations (two departments' channels, a confirmation DM each) with a worker that is
   * SIGKILLed after six posts; then a new worker. Resolves once every card and DM is in Slack.
   */
  async function crashMidDelivery(historyPerMinute: number) {
    const harness = await startSlackHarness({ config: parseTeamConfig(YAML), app: { role: 'web' } });
    h = harness;
    harness.slack.postDelayMs = 300;
    harness.slack.historyPerMinute = historyPerMinute;
    const env = { REDIS_URL: redisUrl(), PREFIX: harness.app.prefix, SLACK_API_URL: harness.slack.apiUrl, SLACK_BOT_TOKEN: 'xoxb-1-test', SLACK_SIGNING_SECRET: SIGNING_SECRET, CONFIG_YAML: YAML };
    children.push(await runTs(WORKER, env, 'ready'));

    for (let i = 0; i < COUNT; i += 1) {
      const opened = harness.slack.of('views.open').length;
      await postSigned(harness.base, slashCommand({ command: '/escalate', text: `Outage ${i}`, user_id: USERS.ana }), FORM);
      const view = await nextView(harness, opened);
      const res = await submit(harness, USERS.ana, view, { customer: text(`Customer ${i}`), severity: choice('P3'), department: choice(i % 2 ? 'billing' : 'support'), summary: text(`Outage ${i}`) });
      expect(res.text).toBe('');
    }
    const posts = () => harness.slack.of('chat.postMessage').length;
    await harness.slack.waitFor(() => posts() >= 6, 30_000, 'six posts');
    (children[0] as ChildProcess).kill('SIGKILL');
    const killed = Date.now();
    await exited(children[0] as ChildProcess);
    const postedBeforeKill = posts();

    const port = await freePort();
    children.push(await runTs(WORKER, { ...env, PORT: String(port), METRICS_TOKEN }, 'ready'));
    const restarted = Date.now();
    const want = Array.from({ length: COUNT }, (_, i) => [`slack-T0TEST.esc.ESC-${i + 1}.card`, `slack-T0TEST.esc.ESC-${i + 1}.confirm`]).flat();
    // The goal is 30 s from the new worker (measured alone: 13–14 s, printed below); the bound is
    // twice that, so that a CI machine running other process-heavy files beside this one passes.
    await harness.slack.waitFor(() => want.every((k) => copies(harness).has(k)), 60_000, 'every card and DM within 60 s of the new worker').catch(async (error: unknown) => {
      // On failure, say where each missing delivery's job stands.
      const outbox = harness.app.queues.get('outbox');
      for (const key of want.filter((k) => !copies(harness).has(k))) {
        const job = await outbox.getJob(key);
        process.stdout.write(`[worker-crash] missing ${key}: ${job ? `${await job.getState()}, ${job.attemptsStarted} attempts` : 'no job'}\n`);
      }
      throw error;
    });
    const done = Date.now();
    // Anything still coming would be a duplicate: give it a moment to show.
    await new Promise((r) => setTimeout(r, 2_000));
    const seen = copies(harness);
    const extra = want.reduce((n, k) => n + (seen.get(k) ?? 0) - 1, 0);
    const scraped = await (await fetch(`http://127.0.0.1:${port}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })).text();
    const counted = (name: string) => [...scraped.matchAll(new RegExp(`^shiftlead_outbox_${name}_total\\{[^}]*\\} (\\d+)$`, 'gm'))].reduce((n, m) => n + Number(m[1]), 0);
    process.stdout.write(
      `[worker-crash, ${historyPerMinute} history calls/min] posts before the kill: ${postedBeforeKill}; all delivered ${((done - killed) / 1000).toFixed(1)} s after the SIGKILL, ` +
        `${((done - restarted) / 1000).toFixed(1)} s after the new worker was ready; unknown outcomes ${counted('unknown_outcomes')}, adopted ${counted('adopted')}, ` +
        `history calls ${harness.slack.of('conversations.history').length}; extra copies ${extra}, counted as possible duplicates ${counted('possible_duplicates')}\n`,
    );
    expect([...seen.keys()].sort()).toEqual([...want].sort());
    return { seen, want, extra, possibleDuplicates: counted('possible_duplicates'), unknown: counted('unknown_outcomes'), adopted: counted('adopted') };
  }

  it('posts every card and DM exactly once when the history budget covers the interrupted posts (Tier 3, Marketplace apps)', async () => {
    const { seen, want, unknown, adopted } = await crashMidDelivery(50);
    expect(want.filter((k) => seen.get(k) !== 1)).toEqual([]);
    // Whatever was in flight at the kill was looked up, and found.
    expect(adopted).toBeLessThanOrEqual(unknown);
  }, 150_000);

  it('with one history call a minute (Tier 1), posts every card and DM at least once and counts every extra copy', async () => {
    const { seen, want, extra, possibleDuplicates } = await crashMidDelivery(1);
    expect(want.filter((k) => (seen.get(k) ?? 0) < 1)).toEqual([]);
    // "Possible": an attempt may have died before its request reached Slack, so the count is an
    // upper bound — but no extra copy goes uncounted.
    expect(possibleDuplicates).toBeGreaterThanOrEqual(extra);
  }, 150_000);
});

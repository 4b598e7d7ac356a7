/**
 * The anonymous team pulse on Slack through the HTTP boundary: rounds on demand and on schedule,
 * answers through the modal, results withheld below minResponses and shown at it — and a check,
 * after the rounds, that nothing in Redis, the audit trail or the logs pairs a person with an answer.
 */
import type { RedisClient } from '../../src/store/redis.js';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/log.js';
import { messageProblems } from '../support/block-kit.js';
import { RedisAuditLog } from '../../src/store/audit.js';
import type { SlackCall } from '../support/fake-slack.js';
import { startSlackHarness, type SlackHarness } from '../support/slack-app.js';
import { buttonPress, interaction, postSigned, slashCommand, viewSubmission } from '../support/slack-requests.js';
import { exampleConfig } from '../support/app.js';
import { clockAt } from '../support/clock.js';

const FORM = 'application/x-www-form-urlencoded';
const T = 'slack-T0TEST';
const PEOPLE = { ana: 'U0ANALIMA', ben: 'U0BENOKAF', caro: 'U0CARODIA' } as const;
type Who = keyof typeof PEOPLE;
/** Anything that names a person: roster ids, Slack ids, names. */
const IDENTITY = /\b(ana|ben|caro|dev)\b|U0ANALIMA|U0BENOKAF|U0CARODIA|Ana Lima|Ben Okafor|Carolina|Dev Patel/;

/** Everything under a prefix, as text: key → its contents (strings, hash fields and values, list/set/zset members, stream entries). */
async function dump(redis: RedisClient, prefix: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const pattern of [`${prefix}:*`, `${prefix}-bull:*`]) {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
      cursor = next;
      for (const key of keys) {
        const type = await redis.type(key);
        let content: unknown;
        if (type === 'string') content = await redis.get(key);
        else if (type === 'hash') content = await redis.hgetall(key);
        else if (type === 'list') content = await redis.lrange(key, 0, -1);
        else if (type === 'set') content = await redis.smembers(key);
        else if (type === 'zset') content = await redis.zrange(key, '0', '-1', 'WITHSCORES');
        else if (type === 'stream') content = await redis.xrange(key, '-', '+');
        out.set(key, JSON.stringify(content));
      }
    } while (cursor !== '0');
  }
  return out;
}

describe('Slack: the anonymous team pulse', () => {
  const cleanups: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const fn of cleanups.splice(0).reverse()) await fn();
  });

  async function harness(at: string, lines: string[] = []): Promise<SlackHarness> {
    const log = createLogger({ level: 'debug', destination: { write: (line: string) => void lines.push(line) } });
    const h = await startSlackHarness({ config: exampleConfig(), app: { clock: clockAt(new Date(at)), log } });
    cleanups.push(async () => {
      expect(h.payloadProblems()).toEqual([]);
      await h.close();
    });
    return h;
  }

  /** The private answer to /pulse: its text, and its blocks when it has more to show. */
  const command = async (h: SlackHarness, who: Who, text: string) => {
    const json = (await postSigned(h.base, slashCommand({ command: '/pulse', text, user_id: PEOPLE[who], channel_id: `D0${who.toUpperCase()}` }), FORM)).json as { text: string; blocks?: unknown[] } | undefined;
    if (json) expect(messageProblems(json)).toEqual([]);
    return json?.text === 'Pulse results' ? JSON.stringify(json.blocks) : (json?.text ?? '');
  };
  const asksTo = (calls: SlackCall[], user: string) => calls.filter((c) => c.method === 'chat.postMessage' && c.args['channel'] === user && String(c.args['text']).includes('short questions'));

  /** Starts a round as ana and returns its id (from the DMs' Answer button). */
  async function start(h: SlackHarness): Promise<string> {
    const before = asksTo(h.slack.calls, PEOPLE.ben).length;
    expect(await command(h, 'ana', 'now team-pulse')).toMatch(/^Started a round of Team pulse: 4 people asked \(1 in their quiet hours will be asked when those end\), open until/);
    await h.slack.waitFor((c) => (['ana', 'ben', 'caro'] as Who[]).every((w) => asksTo(c, PEOPLE[w]).length > before), 15_000, 'the three DMs');
    const dm = asksTo(h.slack.calls, PEOPLE.ben).at(-1) as SlackCall;
    const blocks = JSON.stringify(dm.args['blocks']);
    expect(blocks).toContain('Anonymous: your answers are stored without your name');
    expect(blocks).toContain('How likely are you to recommend working on this team to a friend? (0–10)');
    return /"value":"(team-pulse-now-[a-z0-9]+)"/.exec(blocks)?.[1] as string;
  }

  /** Answers through the modal, the way Slack would send it. */
  async function answer(h: SlackHarness, user: string, round: string, enps: string, rating: string, text?: string): Promise<unknown> {
    const opened = h.slack.of('views.open').length;
    await postSigned(h.base, interaction(buttonPress(user, 'pulse.answer', round, { channel: `D${user.slice(1)}`, ts: '1700000000.000300' })), FORM);
    await h.slack.waitFor((c) => c.filter((x) => x.method === 'views.open').length > opened, 15_000, 'the pulse form');
    const view = h.slack.of('views.open').at(-1)?.args['view'] as Record<string, unknown>;
    const values: Record<string, Record<string, unknown>> = {
      q1: { type: 'static_select', selected_option: { value: enps } },
      q2: { type: 'static_select', selected_option: { value: rating } },
      ...(text ? { q3: { type: 'plain_text_input', value: text } } : {}),
    };
    return (await postSigned(h.base, interaction(viewSubmission(user, view, values)), FORM)).json;
  }

  const resultsFor = (calls: SlackCall[], user: string) => calls.filter((c) => c.method === 'chat.postMessage' && c.args['channel'] === user && JSON.stringify(c.args['blocks']).includes('📋 Team pulse'));

  it('withholds results below minResponses, shows them at it, and leaves nothing that links a person to an answer', async () => {
    const lines: string[] = [];
    const h = await harness('2027-01-13T15:00:00Z', lines);
    const first = await start(h);
    expect(await answer(h, PEOPLE.ben, first, '11', '3')).toEqual({ response_action: 'errors', errors: { q1: 'Pick a whole number from 0 to 10.' } });
    expect(await answer(h, 'U0STRANGER', first, '5', '3')).toEqual({ response_action: 'errors', errors: { q1: 'This pulse is only for the people it was sent to.' } });
    expect(await answer(h, PEOPLE.ben, first, '7', '3', 'first round note from one')).toBeUndefined();
    expect(await answer(h, PEOPLE.caro, first, '2', '2', 'first round note from two')).toBeUndefined();
    expect(await command(h, 'caro', '')).toContain('Only managers see pulse results.');
    await h.slack.waitFor((c) => c.some((x) => x.method === 'chat.postEphemeral' && x.args['user'] === PEOPLE.ben && String(x.args['text']).startsWith('Thanks — your answer is saved, anonymously.')));
    expect(await command(h, 'ana', 'close team-pulse')).toBe('Closed the round of Team pulse; managers get the results by DM.');
    await h.slack.waitFor((c) => resultsFor(c, PEOPLE.ana).length === 1, 15_000, 'the withheld results');
    const withheld = JSON.stringify(resultsFor(h.slack.calls, PEOPLE.ana)[0]?.args['blocks']);
    expect(withheld).toContain('Not enough responses to show results without identifying anyone: 2 answered, 3 needed. Response rate: 2 of 4 asked (50%).');
    expect(withheld).not.toContain('first round note');
    expect(resultsFor(h.slack.calls, PEOPLE.ben)).toEqual([]);

    const second = await start(h);
    expect(second).not.toBe(first);
    await answer(h, PEOPLE.ana, second, '10', '4', 'quieter fridays would help');
    await answer(h, PEOPLE.ben, second, '3', '2', 'the new queue tool is slow');
    await answer(h, PEOPLE.caro, second, '9', '5', 'more pairing sessions please');
    // Ben changes his answer: still one response from him.
    await answer(h, PEOPLE.ben, second, '8', '3', 'the new queue tool is slow');
    await h.slack.waitFor((c) => c.some((x) => x.method === 'chat.postEphemeral' && x.args['user'] === PEOPLE.ben && String(x.args['text']).startsWith('Your answer is updated, anonymously.')));
    // While the round is open, answers sit under one-way markers: no person id, name or Slack id.
    const during = [...(await dump(h.app.redis, h.app.prefix))].filter(([k]) => k.includes('{pulse}'));
    expect(during.some(([k]) => k.endsWith(':markers'))).toBe(true);
    for (const [key, content] of during) expect(content, key).not.toMatch(IDENTITY);
    expect(await command(h, 'ana', 'close team-pulse')).toContain('Closed the round');
    await h.slack.waitFor((c) => resultsFor(c, PEOPLE.ana).length === 2, 15_000, 'the results');
    const shown = JSON.stringify(resultsFor(h.slack.calls, PEOPLE.ana)[1]?.args['blocks']);
    expect(shown).toContain('*eNPS +67*');
    expect(shown).toContain('promoters (9–10) 67% · passives (7–8) 33% · detractors (0–6) 0%');
    expect(shown).toContain('*4.0 / 5*');
    expect(shown).toContain('Response rate: 3 of 4 asked (75%).');
    // Written answers in alphabetical order, without names or times.
    expect(shown).toMatch(/more pairing sessions please.*quieter fridays would help.*the new queue tool is slow/);
    expect(await command(h, 'ana', '')).toContain('(3 written answers, in alphabetical order, without names or times)');

    // Nothing pairs a person with an answer: Redis…
    const texts = ['quieter fridays would help', 'the new queue tool is slow', 'more pairing sessions please'];
    const firstTexts = ['first round note from one', 'first round note from two'];
    const keys = await dump(h.app.redis, h.app.prefix);
    const pulseKeys = [...keys].filter(([k]) => k.includes('{pulse}'));
    expect(pulseKeys.length).toBeGreaterThan(0);
    for (const [key, content] of pulseKeys) {
      expect(key).not.toMatch(/markers/);
      expect(content, key).not.toMatch(IDENTITY);
      expect(content, key).not.toMatch(/"key"/);
    }
    for (const [key, content] of keys) {
      if (key.includes('{pulse}')) continue;
      for (const t of firstTexts) expect(content, key).not.toContain(t);
      // Elsewhere a written answer only ever travels with all the others (the managers' results).
      if (texts.some((t) => content.includes(t))) expect(texts.every((t) => content.includes(t)), key).toBe(true);
    }
    // …the audit trail…
    const audit = JSON.stringify(await new RedisAuditLog(h.app.redis, h.app.prefix).recent(T, 1000));
    for (const t of [...texts, ...firstTexts]) expect(audit).not.toContain(t);
    // …and the logs, even at debug level.
    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines) {
      for (const t of firstTexts) expect(line).not.toContain(t);
      if (texts.some((t) => line.includes(t))) expect(texts.every((t) => line.includes(t)), line).toBe(true);
    }
  });

  it('asks each person at the pulse’s time in their own zone, through the schedule engine', async () => {
    // Friday 2027-01-08 14:59:58 in Lisbon (UTC in winter): ana is asked two seconds later; caro, in Bogotá, at 20:00 UTC.
    const h = await harness('2027-01-08T14:59:58Z');
    await h.slack.waitFor((c) => asksTo(c, PEOPLE.ana).length === 1, 15_000, 'ana asked at 15:00 Lisbon time');
    expect(asksTo(h.slack.calls, PEOPLE.caro)).toEqual([]);
    const delayed = await h.app.queues.get('schedules').getDelayed();
    const caro = delayed.find((j) => j.id === 'v1-pulse.ask-team-pulse.caro-20270108');
    expect(caro?.data).toMatchObject({ at: '2027-01-08T20:00:00.000Z', data: { round: 'team-pulse-20270104' } });
    const blocks = JSON.stringify(asksTo(h.slack.calls, PEOPLE.ana)[0]?.args['blocks']);
    expect(blocks).toContain('"value":"team-pulse-20270104"');
    // The round closes three days after the last person (caro) was asked.
    expect(blocks).toContain('|2027-01-11 20:00 UTC>');
  });
});

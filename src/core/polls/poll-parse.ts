/**
 * What `/poll` and `/csat` are asked: the question, the options and the flags, checked against the
 * poll limits. Anything wrong becomes one clear sentence for the person; nothing is posted.
 */
import { formatDuration, parseDuration } from '../../config/duration.js';
import { localDate, localInstant, parseClockTime } from '../schedule/local-time.js';
import { DEFAULT_CSAT_QUESTION, POLL_LIMITS as L } from './poll-model.js';

export interface PollRequest {
  question: string;
  /** Empty for a rating poll (its options are the five ratings). */
  options: string[];
  anonymous: boolean;
  closesAt: Date;
}

export type Parsed = { ok: true; request: PollRequest } | { ok: false; message: string };

export const POLL_USAGE = '/poll "Where shall we eat?" pizza | sushi | tacos [--anonymous] [--closes 2h]';
export const CSAT_USAGE = '/csat [question] [--anonymous] [--closes 2h]';

const count = (n: number) => n.toLocaleString('en-US');
const fail = (message: string): Parsed => ({ ok: false, message });

/** Typographic quotes (what phones and Macs type) read as straight ones. */
function straightQuotes(text: string): string {
  return text.replace(/[“”„‟″]/g, '"');
}

interface Flags {
  rest: string;
  anonymous: boolean;
  closes?: string;
  problem?: string;
}

/** Takes `--anonymous` and `--closes <when>` out of text (outside the quoted question). */
function takeFlags(text: string): Flags {
  const flags: Flags = { rest: text, anonymous: false };
  flags.rest = flags.rest.replace(/(^|\s)--anonymous(?=\s|$)/g, () => {
    flags.anonymous = true;
    return ' ';
  });
  flags.rest = flags.rest.replace(/(^|\s)--closes(?:[\s=]+(\d{4}-\d\d-\d\d[ T]\d\d:\d\d|[^\s|]+))?(?=\s|$|\|)/g, (_m, _lead: string, value: string | undefined) => {
    if (value === undefined) flags.problem = '--closes needs a time: --closes 2h, --closes 17:00 or --closes 2027-01-08 17:00.';
    else flags.closes = value;
    return ' ';
  });
  const unknown = /(?:^|\s)(--[A-Za-z][\w-]*)/.exec(flags.rest);
  if (unknown && !flags.problem) flags.problem = `Unknown option "${unknown[1]}": use --anonymous or --closes 2h.`;
  return flags;
}

/** When a poll closes: a duration from now, a time today, or a date and time (the person's zone). */
export function parseCloses(text: string | undefined, now: Date, zone: string): { ok: true; at: Date } | { ok: false; message: string } {
  if (text === undefined) return { ok: true, at: new Date(now.getTime() + L.defaultOpenMs) };
  const invalid = { ok: false as const, message: `"--closes ${text}" is not a time: use a duration (2h, 1d, 90m), a time today (17:00) or a date and time (2027-01-08 17:00).` };
  let at: Date;
  let what: string;
  const duration = parseDuration(text);
  const dateTime = /^(\d{4}-\d\d-\d\d)[ T](\d\d:\d\d)$/.exec(text);
  try {
    if (duration !== undefined) {
      at = new Date(now.getTime() + duration);
      what = text;
    } else if (dateTime) {
      at = localInstant(dateTime[1] as string, parseClockTime(dateTime[2] as string), zone).at;
      what = `${dateTime[1]} ${dateTime[2]}`;
    } else if (/^\d\d:\d\d$/.test(text)) {
      at = localInstant(localDate(now, zone), parseClockTime(text), zone).at;
      what = `${text} today`;
    } else {
      return invalid;
    }
  } catch {
    return invalid;
  }
  if (at.getTime() <= now.getTime()) return { ok: false, message: `That closing time (${what}, ${zone}) has already passed; pick a time in the future.` };
  if (at.getTime() - now.getTime() > L.maxOpenMs) {
    return { ok: false, message: `A poll can stay open at most 30 days (--closes ${text} is ${formatDuration(at.getTime() - now.getTime())} away).` };
  }
  return { ok: true, at };
}

function checkQuestion(question: string): string | undefined {
  if (!question) return `The poll needs a question: ${POLL_USAGE}`;
  if (question.length > L.question) return `The question is ${count(question.length)} characters; the most is ${L.question}. Shorten it and try again.`;
  return undefined;
}

/** `/poll "Question?" a | b | c [--anonymous] [--closes 2h]`. */
export function parsePoll(raw: string, now: Date, zone: string): Parsed {
  const text = straightQuotes(raw).trim();
  let question: string;
  let rest: string;
  if (text.startsWith('"')) {
    const end = text.indexOf('"', 1);
    if (end < 0) return fail(`The question's closing quote is missing: ${POLL_USAGE}`);
    question = text.slice(1, end).trim();
    rest = text.slice(end + 1);
  } else {
    // Without quotes, the question ends at its question mark.
    const mark = text.indexOf('?');
    if (mark < 0) return fail(`Put the question in quotes (or end it with "?"), then the options separated by |: ${POLL_USAGE}`);
    question = text.slice(0, mark + 1).trim();
    rest = text.slice(mark + 1);
  }
  const flags = takeFlags(rest);
  if (flags.problem) return fail(flags.problem);
  const problem = checkQuestion(question);
  if (problem) return fail(problem);
  const options = flags.rest.trim() ? flags.rest.split('|').map((o) => o.trim()) : [];
  if (options.length < L.minOptions || options.length > L.maxOptions) {
    return fail(`A poll needs ${L.minOptions} to ${L.maxOptions} options separated by |; this one has ${options.length}. ${POLL_USAGE}`);
  }
  for (const [i, option] of options.entries()) {
    if (!option) return fail(`Option ${i + 1} is empty; separate options with a single |.`);
    if (option.length > L.option) return fail(`Option ${i + 1} is ${count(option.length)} characters; the most is ${L.option}.`);
    const first = options.findIndex((o) => o.toLowerCase() === option.toLowerCase());
    if (first < i) return fail(`Options ${first + 1} and ${i + 1} are the same ("${option}").`);
  }
  const closes = parseCloses(flags.closes, now, zone);
  if (!closes.ok) return fail(closes.message);
  return { ok: true, request: { question, options, anonymous: flags.anonymous, closesAt: closes.at } };
}

/** `/csat [question] [--anonymous] [--closes 2h]`: a 1–5 rating poll. */
export function parseCsat(raw: string, now: Date, zone: string): Parsed {
  const flags = takeFlags(straightQuotes(raw));
  if (flags.problem) return fail(flags.problem);
  const question = flags.rest.trim().replace(/^"(.*)"$/s, '$1').trim() || DEFAULT_CSAT_QUESTION;
  const problem = checkQuestion(question);
  if (problem) return fail(problem);
  const closes = parseCloses(flags.closes, now, zone);
  if (!closes.ok) return fail(closes.message);
  return { ok: true, request: { question, options: [], anonymous: flags.anonymous, closesAt: closes.at } };
}

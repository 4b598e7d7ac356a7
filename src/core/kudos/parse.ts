/**
 * `/kudos <person> <what for>`: who the person is and what the thanks is for. The person is a
 * Slack mention (`<@U0123ABCD>` or `<@U0123ABCD|ben>`), a Teams mention (which the Teams adapter
 * passes on as `@Display Name`), or a roster id, name, first name or email, with or without `@`.
 */
import type { Person } from '../../config/team-config-schema.js';
import type { Roster } from '../roster.js';

/** The longest thank-you text, in characters. */
export const KUDOS_MAX_TEXT = 500;

export type KudosArgs =
  | { ok: true; person: Person; text: string }
  /** No person was named at all. */
  | { ok: false; problem: 'empty' }
  /** The first word(s) name nobody in the roster. */
  | { ok: false; problem: 'unknown'; word: string };

const SLACK_MENTION = /^<@([UW][A-Z0-9]+)(?:\|[^>]*)?>/;
/** A name is at most this many words (first name, middle names, surname). */
const MAX_NAME_WORDS = 4;

function matches(person: Person, candidate: string): boolean {
  const c = candidate.toLowerCase();
  return person.id === c || person.name.toLowerCase() === c || person.email?.toLowerCase() === c || person.slack?.toLowerCase() === c;
}

/**
 * Slack's escaped command text as people wrote it: other mentions as `@Name`, channels as
 * `#name`, links as their label and address, and `&amp;`, `&lt;`, `&gt;` as the characters.
 */
export function slackPlain(text: string, roster: Roster): string {
  return text
    .replace(/<@([UW][A-Z0-9]+)(?:\|([^>]*))?>/g, (_m, id: string, name?: string) => `@${roster.find('slack', id)?.name ?? name ?? id}`)
    .replace(/<#[CG][A-Z0-9]+(?:\|([^>]*))?>/g, (_m, name?: string) => `#${name || 'channel'}`)
    .replace(/<!(here|channel|everyone)>/g, '@$1')
    .replace(/<(https?:\/\/[^|>]+)(?:\|([^>]+))?>/g, (_m, url: string, label?: string) => (label && label !== url ? `${label} (${url})` : url))
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

export function parseKudos(text: string, roster: Roster): KudosArgs {
  const trimmed = text.trim();
  if (!trimmed) return { ok: false, problem: 'empty' };
  const slack = SLACK_MENTION.exec(trimmed);
  if (slack) {
    const person = roster.find('slack', slack[1] as string);
    const rest = slackPlain(trimmed.slice(slack[0].length), roster).trim();
    return person ? { ok: true, person, text: rest } : { ok: false, problem: 'unknown', word: slack[0] };
  }
  const words = trimmed.split(/\s+/);
  // The longest run of leading words that names someone: "Carolina Díaz thanks" before "Carolina".
  for (let n = Math.min(MAX_NAME_WORDS, words.length); n >= 1; n -= 1) {
    const candidate = words.slice(0, n).join(' ').replace(/^@/, '');
    const person = roster.people.find((p) => matches(p, candidate));
    if (person) return { ok: true, person, text: slackPlain(words.slice(n).join(' '), roster) };
  }
  const first = (words[0] ?? '').replace(/^@/, '').toLowerCase();
  const byFirstName = roster.people.filter((p) => p.name.toLowerCase().split(/\s+/)[0] === first);
  if (byFirstName.length === 1) return { ok: true, person: byFirstName[0] as Person, text: slackPlain(words.slice(1).join(' '), roster) };
  return { ok: false, problem: 'unknown', word: words[0] ?? '' };
}

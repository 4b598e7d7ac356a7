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
  if (!text.trim()) return { ok: false, problem: 'empty' };
  const named = roster.leading(text);
  return named.person ? { ok: true, person: named.person, text: slackPlain(named.rest, roster) } : { ok: false, problem: 'unknown', word: named.unknown };
}

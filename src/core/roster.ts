/** People as the roster knows them, matched across platforms by id (and email). */
import type { PersonHandle, PlatformKind } from '../chat/message.js';
import type { Person } from '../config/team-config-schema.js';

/** Someone who took part in a record: always their platform id, and the roster person if known. */
export interface Participant {
  platform: PlatformKind;
  /** Slack `U…`, Teams AAD object id, or the console's person id. */
  user: string;
  personId?: string;
  name: string;
}

/** The person a command names first, and the rest of its text (as written). */
export type Named = { person: Person; rest: string } | { person?: undefined; unknown: string };

const SLACK_MENTION = /^<@([UW][A-Z0-9]+)(?:\|[^>]*)?>/;
/** A name is at most this many words (first name, middle names, surname). */
const MAX_NAME_WORDS = 4;

export class Roster {
  private readonly byIdMap: Map<string, Person>;

  constructor(readonly people: readonly Person[]) {
    this.byIdMap = new Map(people.map((p) => [p.id, p]));
  }

  byId(id: string | undefined): Person | undefined {
    return id === undefined ? undefined : this.byIdMap.get(id);
  }

  /** The roster person behind a platform user, by platform id or email. */
  find(platform: PlatformKind, user: string, email?: string): Person | undefined {
    const lower = user.toLowerCase();
    const found = this.people.find((p) => {
      if (platform === 'console') return p.id === user;
      if (platform === 'slack') return p.slack === user;
      return p.teams?.toLowerCase() === lower;
    });
    if (found || !email) return found;
    return this.people.find((p) => p.email?.toLowerCase() === email.toLowerCase());
  }

  /**
   * A person as someone names them in a command: roster id, full name, email, Slack or Teams id, or
   * a Slack mention (`<@U0123ABCD|ben>`), with or without `@`, in any case; else a first name that
   * only one person has.
   */
  named(word: string): Person | undefined {
    const slack = SLACK_MENTION.exec(word)?.[1];
    if (slack) return this.find('slack', slack);
    const needle = word.trim().replace(/^@/, '').toLowerCase();
    if (!needle) return undefined;
    const exact = this.people.find((p) => p.id === needle || p.name.toLowerCase() === needle || p.email?.toLowerCase() === needle || p.slack?.toLowerCase() === needle || p.teams?.toLowerCase() === needle);
    if (exact) return exact;
    const byFirst = this.people.filter((p) => p.name.toLowerCase().split(/\s+/)[0] === needle);
    return byFirst.length === 1 ? byFirst[0] : undefined;
  }

  /**
   * The person a command's text starts with — a mention, or the longest run of leading words that
   * names someone ("Carolina Díaz thanks" before "Carolina"; Teams passes mentions on as
   * `@Display Name`) — and the rest of the text; or the first word when it names nobody.
   */
  leading(text: string): Named {
    const trimmed = text.trim();
    const mention = SLACK_MENTION.exec(trimmed);
    if (mention) {
      const person = this.named(mention[0]);
      return person ? { person, rest: trimmed.slice(mention[0].length).trim() } : { unknown: mention[0] };
    }
    const words = trimmed.split(/\s+/);
    for (let n = Math.min(MAX_NAME_WORDS, words.length); n >= 1; n -= 1) {
      const candidate = words.slice(0, n).join(' ');
      const person = n > 1 ? this.people.find((p) => p.name.toLowerCase() === candidate.replace(/^@/, '').toLowerCase()) : this.named(candidate);
      if (person) return { person, rest: trimmed.replace(new RegExp(`^(?:\\S+\\s*){${n}}`), '').trim() };
    }
    return { unknown: words[0] ?? '' };
  }

  /** The participant for a platform user (named from the roster when possible). */
  participant(platform: PlatformKind, user: string, fallbackName?: string, email?: string): Participant {
    const person = this.find(platform, user, email);
    return person
      ? { platform, user, personId: person.id, name: person.name }
      : { platform, user, name: fallbackName ?? user };
  }

  /** A roster person as a participant on a platform, when they have an id there. */
  onPlatform(person: Person, platform: PlatformKind): Participant | undefined {
    const user = platform === 'console' ? person.id : platform === 'slack' ? person.slack : person.teams;
    return user ? { platform, user, personId: person.id, name: person.name } : undefined;
  }

  /** Roster people who can be picked on a platform (for "assign to" fields). */
  choices(platform: PlatformKind): Array<{ value: string; label: string }> {
    return this.people.flatMap((p) => {
      const user = this.onPlatform(p, platform)?.user;
      return user ? [{ value: user, label: p.name }] : [];
    });
  }

  /** The key of a participant in a message's `people` map, and how to mention them. */
  handle(p: Participant): { key: string; handle: PersonHandle } {
    const person = this.byId(p.personId);
    const handle: PersonHandle = { name: person?.name ?? p.name };
    const slack = p.platform === 'slack' ? p.user : person?.slack;
    const teams = p.platform === 'teams' ? p.user : person?.teams;
    if (slack) handle.slack = slack;
    if (teams) handle.teams = teams;
    return { key: p.personId ?? `u-${p.user.replace(/[^a-zA-Z0-9_.-]/g, '_')}`, handle };
  }
}

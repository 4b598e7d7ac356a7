/**
 * The neutral markup as Adaptive Card text: markdown bold and links, `<at>…</at>` mentions (with
 * their `msteams.entities`), and `{{DATE()}} {{TIME()}}` so each reader sees their own time zone.
 * Cut on whole tokens, like the Slack renderer.
 */
import { parseMarkup, type Message } from '../../chat/message.js';

export interface MentionEntity {
  type: 'mention';
  text: string;
  mentioned: { id: string; name: string };
}

/** Collects the mentions a card uses; Teams needs one entity per `<at>` text. */
export class Mentions {
  private readonly byText = new Map<string, MentionEntity>();

  add(id: string, name: string): string {
    const text = `<at>${name.replace(/[<>]/g, '')}</at>`;
    if (!this.byText.has(text)) this.byText.set(text, { type: 'mention', text, mentioned: { id, name } });
    return text;
  }

  get entities(): MentionEntity[] {
    return [...this.byText.values()];
  }
}

function token(span: ReturnType<typeof parseMarkup>[number], people: NonNullable<Message['people']>, mentions: Mentions): string {
  switch (span.kind) {
    case 'text':
      return span.text;
    case 'bold':
      return `**${span.text}**`;
    case 'link':
      return `[${span.text.replace(/[[\]]/g, '')}](${span.url.replace(/[()\s]/g, encodeURIComponent)})`;
    case 'mention': {
      const person = people[span.personId];
      if (person?.teams) return mentions.add(person.teams, person.name);
      return `**${person?.name ?? span.personId}**`;
    }
    case 'time':
      return `{{DATE(${span.iso}, SHORT)}} {{TIME(${span.iso})}}`;
  }
}

/** Markup as Adaptive Card markdown of at most `max` characters (ending in `…` when cut). */
export function toCardText(text: string, people: Message['people'], mentions: Mentions, max = Number.POSITIVE_INFINITY): string {
  let out = '';
  for (const span of parseMarkup(text)) {
    const piece = token(span, people ?? {}, mentions);
    if (out.length + piece.length <= max) {
      out += piece;
      continue;
    }
    const room = max - out.length;
    if (span.kind === 'text' && room > 1) return `${out}${[...piece].slice(0, room - 1).join('')}…`;
    return out.length < max ? `${out}…` : out;
  }
  return out;
}

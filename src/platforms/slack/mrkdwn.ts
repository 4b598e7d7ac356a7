/**
 * The neutral markup as Slack mrkdwn, within a character budget. Truncation works on whole
 * tokens, so a cut never leaves half a link or mention behind.
 */
import { parseMarkup, utcText, type Message } from '../../chat/message.js';
import { truncate } from '../../chat/truncate.js';

/** Slack's three control characters; everything else in user text is shown as is. */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function token(span: ReturnType<typeof parseMarkup>[number], people: NonNullable<Message['people']>): string {
  switch (span.kind) {
    case 'text':
      return escapeMrkdwn(span.text);
    case 'bold':
      return `*${escapeMrkdwn(span.text)}*`;
    case 'link':
      return `<${span.url.replace(/[<>|]/g, encodeURIComponent)}|${escapeMrkdwn(span.text)}>`;
    case 'mention': {
      const person = people[span.personId];
      if (person?.slack) return `<@${person.slack}>`;
      return `*${escapeMrkdwn(person?.name ?? span.personId)}*`;
    }
    case 'time': {
      const epoch = Math.floor(Date.parse(span.iso) / 1000);
      return `<!date^${epoch}^{date_short_pretty} {time}|${utcText(span.iso)}>`;
    }
  }
}

/** Renders markup as mrkdwn of at most `max` characters (ending in `…` when cut). */
export function toMrkdwn(text: string, people: Message['people'] = {}, max = Number.POSITIVE_INFINITY): string {
  let out = '';
  for (const span of parseMarkup(text)) {
    const piece = token(span, people);
    if (out.length + piece.length <= max) {
      out += piece;
      continue;
    }
    const room = max - out.length;
    // Only plain text may be cut inside; a link, mention or date is kept whole or left out.
    if (span.kind === 'text' && room > 1) {
      let cut = '';
      for (const char of span.text) {
        const escaped = escapeMrkdwn(char);
        if (cut.length + escaped.length > room - 1) break;
        cut += escaped;
      }
      return `${out}${cut}…`;
    }
    return out.length < max ? `${out}…` : truncate(out, max);
  }
  return out;
}

/** Plain text (for `plain_text` objects): no markup, mentions as names, cut to `max`. */
export function toPlain(text: string, people: Message['people'] = {}, max = Number.POSITIVE_INFINITY): string {
  const plain = parseMarkup(text)
    .map((s) => (s.kind === 'mention' ? `@${people[s.personId]?.name ?? s.personId}` : s.kind === 'time' ? utcText(s.iso) : s.text))
    .join('');
  return truncate(plain, max);
}

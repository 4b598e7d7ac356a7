/** Renders neutral messages and forms as plain terminal text. */
import { DateTime } from 'luxon';
import { parseMarkup, type Button, type FormField, type Message } from '../../chat/message.js';

/** The console shows times in the machine's own zone (it is one person's terminal). */
function localTime(iso: string): string {
  return DateTime.fromISO(iso).toLocal().toFormat('yyyy-LL-dd HH:mm ZZZZ');
}

export function markupToText(text: string, people: Message['people'] = {}): string {
  return parseMarkup(text)
    .map((s) => {
      switch (s.kind) {
        case 'bold':
          return s.text;
        case 'link':
          return s.text === s.url ? s.url : `${s.text} <${s.url}>`;
        case 'mention':
          return `@${people[s.personId]?.name ?? s.personId}`;
        case 'time':
          return localTime(s.iso);
        default:
          return s.text;
      }
    })
    .join('');
}

export interface RenderedText {
  lines: string[];
  buttons: Button[];
}

export function renderMessage(message: Message): RenderedText {
  const t = (text: string) => markupToText(text, message.people);
  const lines: string[] = [];
  const buttons: Button[] = [];
  for (const block of message.blocks) {
    switch (block.type) {
      case 'header':
        lines.push(`■ ${t(block.text)}`);
        break;
      case 'section':
        lines.push(...t(block.text).split('\n'));
        break;
      case 'fields':
        for (const f of block.fields) lines.push(`${f.label}: ${t(f.value)}`);
        break;
      case 'context':
        lines.push(`· ${t(block.text)}`);
        break;
      case 'divider':
        lines.push('─'.repeat(24));
        break;
      case 'actions':
        for (const b of block.buttons) buttons.push(b);
        lines.push(
          block.buttons
            .map((b) => `[${buttons.indexOf(b) + 1}] ${b.label}`)
            .join('  '),
        );
        break;
    }
  }
  if (lines.length === 0) lines.push(...t(message.text).split('\n'));
  return { lines, buttons };
}

export function fieldPrompt(field: FormField): string {
  const optional = field.required ? '' : ' (optional, Enter to skip)';
  const initial = field.initial ? ` [${field.initial}]` : '';
  const head = `${field.label}${optional}${initial}`;
  if (field.kind === 'select' && field.options?.every((o) => /^\d+$/.test(o.value))) {
    // A scale (0–10, 1–5): type the value itself.
    return `${head}\n  ${field.options.map((o) => o.label).join(' · ')}\n> `;
  }
  if (field.kind === 'select' && field.options) {
    const options = field.options.map((o, i) => `  ${i + 1}) ${o.label}`).join('\n');
    return `${head}\n${options}\n> `;
  }
  if (field.kind === 'user') return `${head} — a person's id or name\n> `;
  if (field.kind === 'longText') return `${head} — one line\n> `;
  return `${head}\n> `;
}

/** Renders neutral messages and forms as plain terminal text, and names their buttons. */
import { DateTime } from 'luxon';
import { chartLines } from '../../chat/chart.js';
import { parseMarkup, type Button, type FormField, type Message } from '../../chat/message.js';

/** A moment in the reader's time zone (the machine's when the reader has none). */
function localTime(iso: string, zone: string | undefined): string {
  const at = DateTime.fromISO(iso, { zone: 'utc' });
  return (zone ? at.setZone(zone) : at.toLocal()).toFormat('yyyy-LL-dd HH:mm ZZZZ');
}

export function markupToText(text: string, people: Message['people'] = {}, zone?: string): string {
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
          return localTime(s.iso, zone);
        default:
          return s.text;
      }
    })
    .join('');
}

const slug = (text: string) =>
  text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 24);

/**
 * Stable names for a message's buttons: the last part of each action (`escalation.acknowledge` →
 * `acknowledge`), or, for buttons that share an action (a poll's options), their label (`pizza`);
 * numbered when two still share one. A card's buttons keep their names when it changes, where
 * their places shift.
 */
export function buttonNames(buttons: ReadonlyArray<Pick<Button, 'actionId' | 'label'>>): string[] {
  const shared = (actionId: string) => buttons.filter((b) => b.actionId === actionId).length > 1;
  const seen = new Map<string, number>();
  return buttons.map((b) => {
    const action = (b.actionId.split('.').at(-1) ?? b.actionId).toLowerCase();
    const base = (shared(b.actionId) && slug(b.label)) || action;
    const n = (seen.get(base) ?? 0) + 1;
    seen.set(base, n);
    return n === 1 ? base : `${base}-${n}`;
  });
}

/** The button a word means: its name, its place (1, 2, …), or a start of its name no other shares. */
export function findButton<B extends Pick<Button, 'actionId' | 'label'>>(buttons: readonly B[], word: string): { button: B } | { problem: string } {
  const names = buttonNames(buttons);
  const listed = names.join(', ');
  const lower = word.toLowerCase();
  const exact = names.indexOf(lower);
  // A name first (a scale's buttons are named 0–10), else a number is a place.
  if (exact < 0 && /^\d+$/.test(word)) {
    const button = buttons[Number(word) - 1];
    return button ? { button } : { problem: `There is no button ${word}; the buttons are ${listed} (1–${buttons.length}).` };
  }
  const matches = exact >= 0 ? [exact] : names.flatMap((n, i) => (n.startsWith(lower) ? [i] : []));
  if (matches.length === 1) return { button: buttons[matches[0] as number] as B };
  if (matches.length > 1) return { problem: `"${word}" could be ${matches.map((i) => names[i]).join(' or ')}; type more of it.` };
  return { problem: `There is no "${word}" button here; the buttons are ${listed}.` };
}

export interface RenderedText {
  lines: string[];
  buttons: Button[];
}

/** The message as text; times in `zone` (the reader's). */
export function renderMessage(message: Message, zone?: string): RenderedText {
  const t = (text: string) => markupToText(text, message.people, zone);
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
      case 'chart': {
        // A terminal draws the chart as sparklines, one per series, on one scale.
        const { title, rows, span } = chartLines(block);
        const width = Math.max(...rows.map((r) => r.name.length));
        lines.push(`▌ ${t(title)} (${span})`);
        for (const r of rows) lines.push(`  ${r.name.padEnd(width)}  ${r.line}  ${r.first} → ${r.last}`);
        lines.push(`· ${t(block.summary)}`);
        break;
      }
      case 'actions': {
        const start = buttons.length;
        buttons.push(...block.buttons);
        const names = buttonNames(buttons).slice(start);
        lines.push(block.buttons.map((b, i) => `[${names[i]}] ${b.label}`).join('  '));
        break;
      }
    }
  }
  if (lines.length === 0) lines.push(...t(message.text).split('\n'));
  return { lines, buttons };
}

export function fieldPrompt(field: FormField): string {
  const optional = field.required ? '' : ' (optional, Enter to skip)';
  const initial = field.initial ? ` [${field.kind === 'select' ? (field.options?.find((o) => o.value === field.initial)?.label ?? field.initial) : field.initial}]` : '';
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

/**
 * The neutral message model. Features build these; each platform renders them (Block Kit,
 * Adaptive Cards, plain text) and enforces its own limits when it does.
 *
 * Text uses a small markup every renderer understands: `**bold**`, `[label](https://url)` and
 * `<@person-id>` mentions (resolved through `Message.people`). Links to `ref:<message key>` point at
 * a message delivered earlier; the outbox resolves them before a renderer sees them. User-supplied text must go through
 * `escapeText` so that it can never be read as markup.
 */
import { z } from 'zod';

export const PLATFORM_KINDS = ['slack', 'teams', 'console'] as const;
export const PlatformKind = z.enum(PLATFORM_KINDS);
export type PlatformKind = z.infer<typeof PlatformKind>;

/** How a person is addressed on each platform, for mentions. */
export const PersonHandle = z.strictObject({
  name: z.string().min(1),
  slack: z.string().optional(),
  teams: z.string().optional(),
});
export type PersonHandle = z.infer<typeof PersonHandle>;

export const FIELD_KINDS = ['text', 'longText', 'select', 'user', 'url'] as const;
export const FieldKind = z.enum(FIELD_KINDS);
export type FieldKind = z.infer<typeof FieldKind>;

export const Choice = z.strictObject({ value: z.string().min(1), label: z.string().min(1) });
export type Choice = z.infer<typeof Choice>;

export const FormField = z
  .strictObject({
    id: z.string().regex(/^[a-z][a-zA-Z0-9_]{0,63}$/, 'field ids are short camelCase words'),
    label: z.string().min(1),
    kind: FieldKind,
    required: z.boolean(),
    placeholder: z.string().optional(),
    hint: z.string().optional(),
    initial: z.string().optional(),
    /** The longest value the feature accepts; renderers pass it on where the platform allows. */
    maxLength: z.number().int().positive().optional(),
    options: z.array(Choice).optional(),
  })
  .refine((f) => f.kind !== 'select' || (f.options?.length ?? 0) > 0, {
    message: 'a select field needs options',
  });
export type FormField = z.infer<typeof FormField>;

export const Form = z.strictObject({
  /** Which feature handles the submission, e.g. `escalation.create`. */
  id: z.string().min(1).max(100),
  title: z.string().min(1),
  submitLabel: z.string().min(1),
  fields: z.array(FormField).min(1),
  /** Opaque state handed back with the submission (kept small: platforms carry it in the form). */
  state: z.string().max(2000).optional(),
});
export type Form = z.infer<typeof Form>;

export const Button = z.strictObject({
  /** Routed back to the feature on press, e.g. `escalation.acknowledge`. */
  actionId: z.string().regex(/^[a-z][a-zA-Z0-9_.-]{0,99}$/),
  label: z.string().min(1),
  value: z.string().max(1000),
  style: z.enum(['primary', 'danger']).optional(),
  /** When set, pressing the button first asks for these inputs (a modal, a show-card, prompts). */
  form: Form.optional(),
});
export type Button = z.infer<typeof Button>;

export const Field = z.strictObject({ label: z.string().min(1), value: z.string() });
export type Field = z.infer<typeof Field>;

/**
 * A line chart drawn by the platform from data (Slack's data_visualization block, a Teams
 * Chart.Line with a table fallback, a text sparkline on the console). Every chart has a `summary`:
 * what screen readers read, what notifications show, and the text where a chart cannot be drawn.
 */
export const ChartBlock = z
  .strictObject({
    type: z.literal('chart'),
    title: z.string().min(1),
    summary: z.string().min(1),
    /** The x axis, left to right (short labels such as `Mon 16`). */
    categories: z.array(z.string().min(1)).min(2),
    /** Each series has one value per category; a `target` series is drawn as the line to meet. */
    series: z.array(z.strictObject({ name: z.string().min(1), values: z.array(z.number().finite()), target: z.boolean().optional() })).min(1),
    xLabel: z.string().min(1).optional(),
    yLabel: z.string().min(1).optional(),
  })
  .refine((c) => c.series.every((s) => s.values.length === c.categories.length), { message: 'every series needs one value per category' })
  .refine((c) => new Set(c.categories).size === c.categories.length, { message: 'categories must be distinct' });
export type ChartBlock = z.infer<typeof ChartBlock>;

export const Block = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('header'), text: z.string().min(1) }),
  z.strictObject({ type: z.literal('section'), text: z.string().min(1) }),
  z.strictObject({ type: z.literal('fields'), fields: z.array(Field).min(1) }),
  z.strictObject({ type: z.literal('context'), text: z.string().min(1) }),
  z.strictObject({ type: z.literal('actions'), buttons: z.array(Button).min(1) }),
  z.strictObject({ type: z.literal('divider') }),
  ChartBlock,
]);
export type Block = z.infer<typeof Block>;

export const Message = z.strictObject({
  /** Plain notification / fallback text; also what screen readers and push notifications show. */
  text: z.string().min(1),
  blocks: z.array(Block),
  /** People mentioned as `<@id>` in the text. */
  people: z.record(z.string(), PersonHandle).optional(),
  /** Where the platform can, the message asks for a fresh copy of itself when it is opened (Teams: an Action.Execute refresh). */
  refresh: z.strictObject({ actionId: z.string().regex(/^[a-z][a-zA-Z0-9_.-]{0,99}$/), value: z.string().max(1000) }).optional(),
});
export type Message = z.infer<typeof Message>;

/** Values submitted from a form, by field id. Empty optional fields are absent. */
export type FormValues = Record<string, string>;

const MARKUP = /[\\*[\]<>()]/g;

/** Escapes user text so that renderers show it literally. */
export function escapeText(text: string): string {
  return text.replace(MARKUP, (c) => `\\${c}`);
}

export type Span =
  | { kind: 'text'; text: string }
  | { kind: 'bold'; text: string }
  | { kind: 'link'; text: string; url: string }
  | { kind: 'mention'; personId: string }
  /** A moment, shown in each reader's own time zone where the platform can. */
  | { kind: 'time'; iso: string };

const TOKEN = /\\([\\*[\]<>()])|\*\*((?:\\.|[^*\\])+)\*\*|\[((?:\\.|[^\]\\])+)\]\(((?:https?:\/\/|ref:)[^\s)]+)\)|<@([a-zA-Z0-9_.-]+)>|<time:(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ)>/g;

function unescape(text: string): string {
  return text.replace(/\\([\\*[\]<>()])/g, '$1');
}

/** Parses the neutral markup into spans; anything that isn't markup is literal text. */
export function parseMarkup(text: string): Span[] {
  const spans: Span[] = [];
  let plain = '';
  let last = 0;
  for (const m of text.matchAll(TOKEN)) {
    plain += text.slice(last, m.index);
    last = m.index + m[0].length;
    if (m[1] !== undefined) {
      plain += m[1];
      continue;
    }
    if (plain) spans.push({ kind: 'text', text: plain });
    plain = '';
    if (m[2] !== undefined) spans.push({ kind: 'bold', text: unescape(m[2]) });
    else if (m[3] !== undefined && m[4] !== undefined) spans.push({ kind: 'link', text: unescape(m[3]), url: m[4] });
    else if (m[5] !== undefined) spans.push({ kind: 'mention', personId: m[5] });
    else if (m[6] !== undefined) spans.push({ kind: 'time', iso: m[6] });
  }
  plain += text.slice(last);
  if (plain) spans.push({ kind: 'text', text: plain });
  return spans;
}

/** The text with all markup removed (mentions become names). */
export function plainText(text: string, people: Message['people'] = {}): string {
  return parseMarkup(text)
    .map((s) => {
      switch (s.kind) {
        case 'mention':
          return `@${people[s.personId]?.name ?? s.personId}`;
        case 'link':
          return s.text === s.url ? s.url : `${s.text} (${s.url})`;
        case 'time':
          return utcText(s.iso);
        default:
          return s.text;
      }
    })
    .join('');
}

/** `2026-11-23 08:00 UTC`: how a time reads where the platform cannot localise it. */
export function utcText(iso: string): string {
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
}

/** A markup time token; renderers show it in each reader's time zone where they can. */
export function timeToken(at: Date | string): string {
  const iso = typeof at === 'string' ? at : at.toISOString();
  return `<time:${iso.slice(0, 19)}Z>`;
}

/** A markup link; the label is escaped and the URL made safe for the markup. */
export function link(label: string, url: string): string {
  const safeUrl = url.replace(/[\s()]/g, (c) => encodeURIComponent(c).replace('(', '%28').replace(')', '%29'));
  return `[${escapeText(label)}](${safeUrl})`;
}

/** A markup mention of a person listed in `Message.people`. */
export function mention(personId: string): string {
  return `<@${personId}>`;
}

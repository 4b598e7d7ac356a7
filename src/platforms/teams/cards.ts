/**
 * Neutral messages and forms as Adaptive Cards for Teams. Every card sets `version` (1.5: Teams'
 * maximum, and mobile refuses cards without one), keeps to Teams' 6 actions, and stays under the
 * size budget (80 KB hard limit for bot messages; 28 KB kept as the target), cutting long texts
 * with `…` rather than failing.
 */
import { plainText, type Block, type Button, type Form, type FormField, type Message } from '../../chat/message.js';
import { truncate } from '../../chat/truncate.js';
import { chartElements } from './chart.js';
import { Mentions, toCardText } from './markup.js';

export const CARD_VERSION = '1.5';
export const MAX_ACTIONS = 6;
/** Teams' bot message limit is 100 KB (recommended 80 KB); 28 KB fits every Teams surface. */
export const CARD_BUDGET_BYTES = 28 * 1024;
export const CARD_HARD_LIMIT_BYTES = 80 * 1024;
export const ADAPTIVE_CARD = 'application/vnd.microsoft.card.adaptive';

type Json = Record<string, unknown>;

export interface AdaptiveCard extends Json {
  type: 'AdaptiveCard';
  $schema: string;
  version: string;
  body: Json[];
  actions?: Json[];
}

/** How Teams measures a message: UTF-16. */
export function cardBytes(card: unknown): number {
  return Buffer.byteLength(JSON.stringify(card), 'utf16le');
}

function input(field: FormField, values: Record<string, string> = {}, error?: string): Json {
  const base: Json = { id: field.id, label: field.label, isRequired: field.required };
  if (field.required) base['errorMessage'] = error ?? `${field.label} is required.`;
  else if (error) base['errorMessage'] = error;
  const value = values[field.id] ?? field.initial;
  switch (field.kind) {
    case 'text':
    case 'longText':
    case 'url': {
      const out: Json = { type: 'Input.Text', ...base };
      if (field.placeholder) out['placeholder'] = truncate(field.placeholder, 150);
      if (field.maxLength) out['maxLength'] = field.maxLength;
      if (field.kind === 'longText') out['isMultiline'] = true;
      if (field.kind === 'url') {
        out['style'] = 'Url';
        out['regex'] = '^https?://\\S+$';
        if (!field.required || !error) out['errorMessage'] = error ?? 'Enter a web address starting with https://';
      }
      if (value) out['value'] = field.maxLength ? truncate(value, field.maxLength) : value;
      return out;
    }
    case 'select': {
      const out: Json = { type: 'Input.ChoiceSet', ...base, style: 'compact', choices: (field.options ?? []).map((o) => ({ title: o.label, value: o.value })) };
      if (field.placeholder) out['placeholder'] = field.placeholder;
      if (value && field.options?.some((o) => o.value === value)) out['value'] = value;
      return out;
    }
    case 'user': {
      // The roster's people with a Teams id (Adaptive Cards 1.5 has no directory picker that
      // renders on every Teams client); without any, the person's Entra object id or email.
      const options = field.options ?? [];
      if (options.length === 0) {
        return { type: 'Input.Text', ...base, label: `${field.label} (Microsoft Entra object id or email)`, ...(value ? { value } : {}) };
      }
      const out: Json = { type: 'Input.ChoiceSet', ...base, style: options.length > 10 ? 'filtered' : 'compact', choices: options.map((o) => ({ title: o.label, value: o.value })) };
      if (value && options.some((o) => o.value === value)) out['value'] = value;
      return out;
    }
  }
}

/** A dialog card for a form; with `errors`, the problems are shown and the answers kept. */
export function formCard(form: Form, values: Record<string, string> = {}, errors: Record<string, string> = {}): AdaptiveCard {
  const body: Json[] = [];
  const general = Object.entries(errors).filter(([id]) => !form.fields.some((f) => f.id === id));
  const problems = Object.values(errors);
  if (problems.length > 0) {
    body.push({ type: 'TextBlock', text: general.length > 0 ? general.map(([, m]) => m).join(' ') : 'Please fix the fields marked below.', color: 'attention', wrap: true, weight: 'Bolder' });
    for (const [id, message] of Object.entries(errors)) {
      const field = form.fields.find((f) => f.id === id);
      if (field) body.push({ type: 'TextBlock', text: `${field.label}: ${message}`, color: 'attention', wrap: true, size: 'Small' });
    }
  }
  body.push(...form.fields.map((f) => input(f, values, errors[f.id])));
  return {
    type: 'AdaptiveCard',
    $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
    version: CARD_VERSION,
    body,
    actions: [{ type: 'Action.Submit', title: truncate(form.submitLabel, 40), data: { shiftleadForm: form.id, ...(form.state !== undefined ? { state: form.state } : {}) } }],
  };
}

/**
 * Buttons are `Action.Execute` (Universal Actions) with an `Action.Submit` fallback:
 * - Execute arrives as an `adaptiveCard/action` invoke that the bot answers within Teams' 5 s with
 *   a private result for the clicker only (a vote's "You voted 4", a refusal) or a new card for
 *   them — nothing is posted for everyone to read. The card everyone sees is edited separately
 *   (`updateActivity` through the outbox, paced), which is how a poll's summary stays coalesced.
 * - Submit is what clients without Universal Actions run instead: it arrives as a message whose
 *   `value` is the action's `data` merged with the card's inputs, so the data carries the verb and
 *   the button value under keys no input uses (`verb`, `value`; inputs are named like `q1`,
 *   `comment`), and the bot answers it privately too (a DM outside the 1:1 chat).
 */
function action(button: Button): Json {
  const data = { value: button.value };
  if (button.form) {
    // Inputs right on the card (Action.ShowCard), sent with Action.Execute so the card updates in place.
    return {
      type: 'Action.ShowCard',
      title: truncate(button.label, 40),
      card: {
        type: 'AdaptiveCard',
        body: button.form.fields.map((f) => input(f)),
        actions: [{ type: 'Action.Execute', title: truncate(button.form.submitLabel, 40), verb: button.actionId, data, fallback: { type: 'Action.Submit', title: truncate(button.form.submitLabel, 40), data: { verb: button.actionId, ...data } } }],
      },
    };
  }
  return { type: 'Action.Execute', title: truncate(button.label, 40), verb: button.actionId, data, fallback: { type: 'Action.Submit', title: truncate(button.label, 40), data: { verb: button.actionId, ...data } } };
}

function render(message: Message, textMax: number): AdaptiveCard {
  const mentions = new Mentions();
  const t = (text: string, max = textMax) => toCardText(text, message.people, mentions, max);
  const body: Json[] = [];
  const actions: Json[] = [];
  // One row of buttons is the card's actions; several rows (a poll's options, then Close) stay
  // where they are, each an ActionSet of at most six.
  const rows = message.blocks.filter((b) => b.type === 'actions').length;
  let separator = false;
  const push = (element: Json) => {
    body.push(separator ? { ...element, separator: true } : element);
    separator = false;
  };
  for (const block of message.blocks as Block[]) {
    switch (block.type) {
      case 'header':
        push({ type: 'TextBlock', text: t(block.text, 200), size: 'Large', weight: 'Bolder', wrap: true, style: 'heading' });
        break;
      case 'section':
        push({ type: 'TextBlock', text: t(block.text), wrap: true });
        break;
      case 'fields':
        push({ type: 'FactSet', facts: block.fields.map((f) => ({ title: truncate(f.label, 100), value: t(f.value || '—', Math.min(textMax, 2000)) })) });
        break;
      case 'context':
        push({ type: 'TextBlock', text: t(block.text), wrap: true, size: 'Small', isSubtle: true });
        break;
      case 'divider':
        separator = true;
        break;
      case 'chart':
        for (const element of chartElements(block)) push(element);
        push({ type: 'TextBlock', text: t(block.summary), wrap: true, size: 'Small', isSubtle: true });
        break;
      case 'actions':
        if (rows > 1) push({ type: 'ActionSet', actions: block.buttons.slice(0, MAX_ACTIONS).map(action) });
        else actions.push(...block.buttons.map(action));
        break;
    }
  }
  if (body.length === 0) body.push({ type: 'TextBlock', text: t(message.text), wrap: true });
  const card: AdaptiveCard = { type: 'AdaptiveCard', $schema: 'http://adaptivecards.io/schemas/adaptive-card.json', version: CARD_VERSION, body, msteams: { width: 'Full' } };
  if (actions.length > MAX_ACTIONS) {
    body.push({ type: 'TextBlock', text: `${actions.length - MAX_ACTIONS} more actions are not shown.`, size: 'Small', isSubtle: true, wrap: true });
  }
  if (actions.length > 0) card.actions = actions.slice(0, MAX_ACTIONS);
  if (mentions.entities.length > 0) card['msteams'] = { width: 'Full', entities: mentions.entities };
  return card;
}

/** Renders a message as an Adaptive Card within the size budget. */
/** Teams refreshes a card automatically for at most 60 users (Universal Actions). */
export const MAX_REFRESH_USERS = 60;

/**
 * Renders a message as an Adaptive Card within the size budget. `refreshFor` (user MRIs, `29:…`)
 * makes a message that asks for a refresh do so when those users open it.
 */
export function renderCard(message: Message, refreshFor: readonly string[] = []): AdaptiveCard {
  let max = 20_000;
  let card = render(message, max);
  while (cardBytes(card) > CARD_BUDGET_BYTES && max > 100) {
    max = Math.floor(max * 0.6);
    card = render(message, max);
  }
  if (message.refresh && refreshFor.length > 0) {
    const { actionId, value } = message.refresh;
    card['refresh'] = { action: { type: 'Action.Execute', title: 'Refresh', verb: actionId, data: { value } }, userIds: refreshFor.slice(0, MAX_REFRESH_USERS) };
  }
  return card;
}

/** The activity that carries a card (`summary` is what notifications show). */
export function cardActivity(message: Message, refreshFor: readonly string[] = []): Json {
  return {
    type: 'message',
    summary: truncate(plainText(message.text, message.people), 200),
    attachments: [{ contentType: ADAPTIVE_CARD, content: renderCard(message, refreshFor) }],
  };
}

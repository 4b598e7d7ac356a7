/**
 * Neutral messages as Block Kit. Every payload stays within Slack's documented limits
 * (limits.ts): long texts are cut with `…`, extra fields, buttons and blocks are dropped and the
 * message says so, and the whole message keeps under the cumulative text budget.
 */
import type { Block, Button, Message } from '../../chat/message.js';
import { truncate } from '../../chat/truncate.js';
import { chartText, dataVisualization, type DataVisualizationBlock } from './chart.js';
import { SLACK_LIMITS as L } from './limits.js';
import { toMrkdwn, toPlain } from './mrkdwn.js';

type Text = { type: 'plain_text'; text: string; emoji?: boolean } | { type: 'mrkdwn'; text: string };

export type SlackBlock =
  | { type: 'header'; text: Text }
  | { type: 'section'; text?: Text; fields?: Text[] }
  | { type: 'context'; elements: Text[] }
  | { type: 'divider' }
  | { type: 'actions'; elements: SlackButton[] }
  | DataVisualizationBlock;

export interface SlackButton {
  type: 'button';
  action_id: string;
  text: Text;
  value: string;
  style?: 'primary' | 'danger';
}

export interface SlackMessage {
  text: string;
  blocks: SlackBlock[];
}

/** A Slack action id for a neutral one; duplicates in one block get a `#n` suffix. */
export function actionIdFor(actionId: string, seen: Set<string>): string {
  let id = truncate(actionId, L.actionId - 4);
  for (let n = 2; seen.has(id); n += 1) id = `${truncate(actionId, L.actionId - 4)}#${n}`;
  seen.add(id);
  return id;
}

/** The neutral action id of a Slack one. */
export function neutralActionId(actionId: string): string {
  return actionId.replace(/#\d+$/, '');
}

function button(b: Button, seen: Set<string>): SlackButton {
  const out: SlackButton = {
    type: 'button',
    action_id: actionIdFor(b.actionId, seen),
    text: { type: 'plain_text', text: toPlain(b.label, {}, L.buttonText), emoji: true },
    value: truncate(b.value, L.buttonValue),
  };
  if (b.style) out.style = b.style;
  return out;
}

/** The length Slack counts toward `msg_blocks_too_long`. */
function textLength(block: SlackBlock): number {
  switch (block.type) {
    case 'header':
      return block.text.text.length;
    case 'section':
      return (block.text?.text.length ?? 0) + (block.fields ?? []).reduce((n, f) => n + f.text.length, 0);
    case 'context':
      return block.elements.reduce((n, e) => n + e.text.length, 0);
    case 'actions':
      return block.elements.reduce((n, e) => n + e.text.text.length, 0);
    default:
      return 0;
  }
}

/** Where a message goes: native charts exist in messages only (not the Home tab or modals). */
export interface RenderOptions {
  surface?: 'message' | 'home';
  /** False draws every chart as text (a retry after Slack refused the blocks). */
  charts?: boolean;
}

function render(block: Block, people: Message['people'], sectionMax: number, native: () => boolean): SlackBlock[] {
  switch (block.type) {
    case 'chart': {
      const summary: SlackBlock = { type: 'context', elements: [{ type: 'mrkdwn', text: toMrkdwn(block.summary, people, Math.min(L.contextText, sectionMax)) }] };
      if (native()) return [dataVisualization(block), summary];
      return [{ type: 'section', text: { type: 'mrkdwn', text: chartText(block, people, sectionMax) } }, summary];
    }
    case 'header':
      return [{ type: 'header', text: { type: 'plain_text', text: toPlain(block.text, people, L.headerText), emoji: true } }];
    case 'section':
      return [{ type: 'section', text: { type: 'mrkdwn', text: toMrkdwn(block.text, people, sectionMax) } }];
    case 'fields': {
      const out: SlackBlock[] = [];
      for (let i = 0; i < block.fields.length; i += L.sectionFields) {
        const fields = block.fields.slice(i, i + L.sectionFields).map((f): Text => {
          const label = `*${toMrkdwn(f.label, people, 200)}*\n`;
          return { type: 'mrkdwn', text: label + toMrkdwn(f.value || '—', people, Math.min(L.fieldText, sectionMax) - label.length) };
        });
        out.push({ type: 'section', fields });
      }
      return out;
    }
    case 'context':
      return [{ type: 'context', elements: [{ type: 'mrkdwn', text: toMrkdwn(block.text, people, Math.min(L.contextText, sectionMax)) }] }];
    case 'divider':
      return [{ type: 'divider' }];
    case 'actions': {
      const seen = new Set<string>();
      return [{ type: 'actions', elements: block.buttons.slice(0, L.actionsElements).map((b) => button(b, seen)) }];
    }
  }
}

/** Renders a message as Block Kit, within every limit. */
export function renderMessage(message: Message, options: RenderOptions = {}): SlackMessage {
  const people = message.people ?? {};
  const text = toMrkdwn(message.text, people, L.fallbackText);
  const all = (max: number) => {
    // At most two native charts per message; the rest (and all of them off messages) as text.
    let charts = options.surface === 'home' || options.charts === false ? L.chartsPerMessage : 0;
    return message.blocks.flatMap((b) => render(b, people, max, () => (charts += 1) <= L.chartsPerMessage));
  };
  // Shrink the longest texts until the whole message fits Slack's cumulative budget.
  let sectionMax: number = L.sectionText;
  let blocks = all(sectionMax);
  while (blocks.reduce((n, b) => n + textLength(b), 0) > L.messageTextBudget && sectionMax > 200) {
    sectionMax = Math.floor(sectionMax * 0.75);
    blocks = all(sectionMax);
  }
  if (blocks.length > L.messageBlocks) {
    const dropped = blocks.length - (L.messageBlocks - 1);
    blocks = [...blocks.slice(0, L.messageBlocks - 1), { type: 'context', elements: [{ type: 'mrkdwn', text: `…and ${dropped} more (too long for one Slack message).` }] }];
  }
  return { text: text || '…', blocks };
}

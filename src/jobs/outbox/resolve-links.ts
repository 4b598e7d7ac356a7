/** Resolves `[label](ref:<message key>)` links in a message to the delivered message's link. */
import type { Block, Message } from '../../chat/message.js';
import type { MessageRef } from '../../chat/platform.js';

const REF_LINK = /\[((?:\\.|[^\]\\])+)\]\(ref:([A-Za-z0-9._-]+)\)/g;

function mapBlock(block: Block, fn: (text: string) => string): Block {
  switch (block.type) {
    case 'header':
    case 'section':
    case 'context':
      return { ...block, text: fn(block.text) };
    case 'fields':
      return { ...block, fields: block.fields.map((f) => ({ label: f.label, value: fn(f.value) })) };
    default:
      return block;
  }
}

function texts(message: Message): string[] {
  const out = [message.text];
  for (const b of message.blocks) {
    if (b.type === 'header' || b.type === 'section' || b.type === 'context') out.push(b.text);
    if (b.type === 'fields') out.push(...b.fields.map((f) => f.value));
  }
  return out;
}

/** The message keys a message links to. */
export function linkedKeys(message: Message): string[] {
  const keys = new Set<string>();
  for (const text of texts(message)) for (const m of text.matchAll(REF_LINK)) keys.add(m[2] as string);
  return [...keys];
}

/** Replaces ref links with real ones (or with their label when the platform gave no link). */
export function resolveLinks(message: Message, refs: ReadonlyMap<string, MessageRef>): Message {
  const fn = (text: string) =>
    text.replace(REF_LINK, (_all, label: string, key: string) => {
      const url = refs.get(key)?.link;
      return url ? `[${label}](${url.replace(/[\s()]/g, encodeURIComponent)})` : label;
    });
  return { ...message, text: fn(message.text), blocks: message.blocks.map((b) => mapBlock(b, fn)) };
}

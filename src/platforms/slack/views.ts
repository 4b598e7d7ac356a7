/** Neutral forms as Slack modals (within the documented view limits), and their submissions back. */
import type { Form, FormField, FormValues } from '../../chat/message.js';
import { truncate } from '../../chat/truncate.js';
import { SLACK_LIMITS as L } from './limits.js';
import { toPlain } from './mrkdwn.js';

const plain = (text: string, max: number) => ({ type: 'plain_text' as const, text: toPlain(text, {}, max), emoji: true });

function element(field: FormField): Record<string, unknown> {
  const base: Record<string, unknown> = { action_id: field.id };
  if (field.placeholder) base['placeholder'] = plain(field.placeholder, L.placeholder);
  switch (field.kind) {
    case 'text':
    case 'longText': {
      const max = Math.min(field.maxLength ?? L.textInputMax, L.textInputMax);
      const out: Record<string, unknown> = { type: 'plain_text_input', ...base, max_length: max };
      if (field.kind === 'longText') out['multiline'] = true;
      if (field.initial) out['initial_value'] = truncate(field.initial, max);
      return out;
    }
    case 'url': {
      const out: Record<string, unknown> = { type: 'url_text_input', ...base };
      if (field.initial && /^https?:\/\//.test(field.initial)) out['initial_value'] = field.initial;
      return out;
    }
    case 'select': {
      const options = (field.options ?? []).slice(0, L.selectOptions).map((o) => ({ text: plain(o.label, L.optionText), value: truncate(o.value, L.optionValue) }));
      const out: Record<string, unknown> = { type: 'static_select', ...base, options };
      const initial = options.find((o) => o.value === field.initial);
      if (initial) out['initial_option'] = initial;
      return out;
    }
    case 'user': {
      const out: Record<string, unknown> = { type: 'users_select', ...base };
      if (field.initial && /^[UW][A-Z0-9]+$/.test(field.initial)) out['initial_user'] = field.initial;
      return out;
    }
  }
}

/** The modal for a form; `metadata` travels in `private_metadata` (at most 3,000 characters). */
export function formView(form: Form, metadata: string): Record<string, unknown> {
  if (metadata.length > L.privateMetadata) throw new Error(`form state too large for Slack (${metadata.length} > ${L.privateMetadata})`);
  return {
    type: 'modal',
    callback_id: truncate(form.id, L.callbackId),
    title: plain(form.title, L.modalTitle),
    submit: plain(form.submitLabel, L.modalSubmit),
    close: plain('Cancel', L.modalClose),
    private_metadata: metadata,
    blocks: form.fields.slice(0, L.modalBlocks).map((field) => {
      const block: Record<string, unknown> = {
        type: 'input',
        block_id: truncate(field.id, L.blockId),
        label: plain(field.label, L.inputLabel),
        optional: !field.required,
        element: element(field),
      };
      if (field.hint) block['hint'] = plain(field.hint, L.inputHint);
      return block;
    }),
  };
}

interface StateValue {
  type?: string;
  value?: string | null;
  selected_option?: { value?: string } | null;
  selected_user?: string | null;
  selected_conversation?: string | null;
  selected_channel?: string | null;
  selected_date?: string | null;
}

/** The submitted values of a modal, by block id; empty inputs are left out. */
export function viewValues(state: unknown): FormValues {
  const out: FormValues = {};
  const values = (state as { values?: Record<string, Record<string, StateValue>> } | undefined)?.values ?? {};
  for (const [blockId, actions] of Object.entries(values)) {
    for (const v of Object.values(actions ?? {})) {
      const value = v?.value ?? v?.selected_option?.value ?? v?.selected_user ?? v?.selected_conversation ?? v?.selected_channel ?? v?.selected_date;
      if (typeof value === 'string' && value !== '') out[blockId] = value;
    }
  }
  return out;
}

/** Form errors as Slack wants them (`response_action: errors`), keyed by input block. */
export function viewErrors(form: Pick<Form, 'fields'> | undefined, errors: Record<string, string>, blockIds: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  const first = form?.fields[0]?.id ?? blockIds[0] ?? 'summary';
  for (const [field, message] of Object.entries(errors)) {
    const block = blockIds.includes(field) ? field : first;
    out[block] = out[block] ? `${out[block]} ${message}` : message;
  }
  return out;
}

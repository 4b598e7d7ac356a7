/**
 * A form filled in at the console, one field at a time. Each answer is checked as it is typed (a
 * required field, a length, a web address, a choice), so that a mistake is fixed on the spot; what
 * only the feature can judge comes back after the last field, and just those fields are asked again.
 */
import type { Form, FormField, FormValues } from '../../chat/message.js';
import type { Person } from '../../config/team-config-schema.js';
import type { SubmitAnswer } from '../../core/interactions.js';

export type Complete = (values: FormValues) => Promise<SubmitAnswer>;

/** A person by id, full name or first name (any case). */
export function findPerson(people: readonly Person[], name: string): Person | undefined {
  const needle = name.trim().toLowerCase();
  return people.find((p) => p.id === needle || p.name.toLowerCase() === needle || p.name.toLowerCase().split(' ')[0] === needle);
}

function isWebAddress(text: string): boolean {
  try {
    const url = new URL(text);
    return (url.protocol === 'https:' || url.protocol === 'http:') && url.hostname !== '';
  } catch {
    return false;
  }
}

export class FormSession {
  index = 0;
  values: FormValues = {};

  constructor(
    public form: Form,
    readonly complete: Complete,
    private readonly people: () => readonly Person[],
  ) {}

  get field(): FormField | undefined {
    return this.form.fields[this.index];
  }

  /** Checks one answer: the value to keep (none for a skipped field), or what is wrong with it. */
  check(field: FormField, raw: string): { value?: string; problem?: string } {
    const answer = raw || field.initial || '';
    if (!answer) return field.required ? { problem: `${field.label} is required.` } : {};
    if (field.maxLength !== undefined && answer.length > field.maxLength) {
      return { problem: `${field.label} is too long (${answer.length} characters; at most ${field.maxLength}).` };
    }
    switch (field.kind) {
      case 'url':
        return isWebAddress(answer) ? { value: answer } : { problem: `${field.label} must be a web address starting with https:// (or http://).` };
      case 'select': {
        const options = field.options ?? [];
        // A scale (0–10, 1–5) is answered with the value itself; other lists by value, label or number.
        const scale = options.every((o) => /^\d+$/.test(o.value));
        const named = options.find((o) => o.value.toLowerCase() === answer.toLowerCase() || o.label.toLowerCase() === answer.toLowerCase());
        const match = named ?? (scale || !/^\d+$/.test(answer) ? undefined : options[Number(answer) - 1]);
        if (match) return { value: match.value };
        if (scale) return { problem: `Type ${options[0]?.value}–${options.at(-1)?.value}.` };
        return { problem: `There is no ${field.label.toLowerCase()} "${answer}". Pick one of: ${options.map((o, i) => `${i + 1}) ${o.label}`).join(', ')} (its number or its name).` };
      }
      case 'user': {
        const person = findPerson(this.people(), answer);
        return person ? { value: person.id } : { problem: `No one called "${answer}". People: ${this.people().map((p) => p.id).join(', ')}.` };
      }
      default:
        return { value: answer };
    }
  }

  /**
   * Takes the answer to the current field. Returns a problem to show (the field is asked again),
   * or `done` once the last field is answered.
   */
  answer(line: string): { problem: string } | { done: boolean } {
    const field = this.field as FormField;
    const { value, problem } = this.check(field, line);
    if (problem) return { problem };
    if (value !== undefined) this.values[field.id] = value;
    else delete this.values[field.id];
    this.index += 1;
    return { done: this.index >= this.form.fields.length };
  }

  /** After the feature found problems: ask again for just those fields, keeping the other answers. */
  retry(errors: Record<string, string>): boolean {
    const fields = this.form.fields.filter((f) => errors[f.id] !== undefined);
    if (fields.length === 0) return false;
    for (const f of fields) delete this.values[f.id];
    this.form = { ...this.form, fields: fields.map((f) => ({ ...f, initial: undefined })) };
    this.index = 0;
    return true;
  }
}

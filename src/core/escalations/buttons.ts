/**
 * The card's buttons: what each one asks for (its form, prefilled from the record) and how its
 * answers become an action — or field problems, answered on the form itself. Pure.
 */
import type { Form, FormValues } from '../../chat/message.js';
import { parseDuration } from '../../config/duration.js';
import type { Participant } from '../roster.js';
import { assignForm, editForm, INPUT_MAX, NO_CUSTOMER, noteForm, parseEscalation, reopenForm, resolveForm, snoozeForm, SNOOZE_CHOICES, WAKE } from './form.js';
import { LIMITS, isSnoozed, type Escalation } from './model.js';
import type { EscalationRules } from './rules.js';
import type { Action, PersonAction } from './state-machine.js';
import { truncate } from '../../chat/truncate.js';

export const BUTTON_KINDS = ['acknowledge', 'assign', 'resolve', 'reopen', 'note', 'edit', 'snooze'] as const satisfies readonly PersonAction[];
export type ButtonKind = (typeof BUTTON_KINDS)[number];

export function buttonKind(actionId: string): ButtonKind | undefined {
  const kind = actionId.replace(/^escalation\./, '');
  return (BUTTON_KINDS as readonly string[]).includes(kind) ? (kind as ButtonKind) : undefined;
}

/** The form a button asks with, if it asks for anything. */
export function buttonForm(kind: ButtonKind, e: Escalation, rules: EscalationRules, now: Date): Form | undefined {
  switch (kind) {
    case 'acknowledge':
      return undefined;
    case 'assign':
      return assignForm(e.id, rules.roster.choices(e.platform));
    case 'resolve':
      return resolveForm(e.id);
    case 'reopen':
      return reopenForm(e.id);
    case 'note':
      return noteForm(e.id);
    case 'edit':
      return editForm(e, rules);
    case 'snooze':
      return snoozeForm(e.id, isSnoozed(e, now));
  }
}

export type Reading = { action: Action } | { errors: Record<string, string> };

const count = (n: number) => n.toLocaleString('en-US');

/** A required text of at most `max` characters, or its problem. */
function text(values: FormValues, field: string, max: number, missing: string, what: string): string | Record<string, string> {
  const value = (values[field] ?? '').trim();
  if (!value) return { [field]: missing };
  if (value.length > max) return { [field]: `That ${what} is ${count(value.length)} characters; the most is ${count(max)}. Shorten it and submit again.` };
  return value;
}

export interface ReadContext {
  rules: EscalationRules;
  now: Date;
  /** The participant for a user picked on the platform (`name`: what the platform called them). */
  participant(user: string, name?: string): Participant;
}

/** What a button's answers mean. */
export function readButton(kind: ButtonKind, values: FormValues, e: Escalation, ctx: ReadContext): Reading {
  switch (kind) {
    case 'acknowledge':
      return { action: { type: 'acknowledge' } };
    case 'assign': {
      const owner = (values['owner'] ?? '').trim();
      return owner ? { action: { type: 'assign', owner: ctx.participant(owner, values['ownerName']) } } : { errors: { owner: 'Pick someone.' } };
    }
    case 'resolve': {
      const note = text(values, 'note', LIMITS.resolution, 'Add a resolution note.', 'note');
      return typeof note === 'string' ? { action: { type: 'resolve', note } } : { errors: note };
    }
    case 'reopen': {
      const reason = text(values, 'reason', LIMITS.note, 'Say why it is open again.', 'reason');
      return typeof reason === 'string' ? { action: { type: 'reopen', reason } } : { errors: reason };
    }
    case 'note': {
      const note = text(values, 'text', LIMITS.note, 'Write the note.', 'note');
      return typeof note === 'string' ? { action: { type: 'note', text: note } } : { errors: note };
    }
    case 'snooze': {
      const choice = (values['duration'] ?? '').trim();
      if (choice === WAKE) return { action: { type: 'snooze' } };
      const ms = SNOOZE_CHOICES.some((c) => c.value === choice) ? parseDuration(choice) : undefined;
      if (ms === undefined) return { errors: { duration: `Pick how long: ${SNOOZE_CHOICES.map((c) => c.value).join(', ')}.` } };
      return { action: { type: 'snooze', until: new Date(ctx.now.getTime() + ms).toISOString() } };
    }
    case 'edit': {
      const parsed = parseEscalation(values, ctx.rules);
      if (!parsed.ok) return parsed;
      const input = parsed.input;
      // A details field prefilled with a shortened copy of long details, sent back as it was, keeps them whole.
      const details = e.details && e.details.length > INPUT_MAX && input.details === truncate(e.details, INPUT_MAX) ? e.details : input.details;
      const customer = input.customer === '' && e.customer === NO_CUSTOMER ? e.customer : input.customer;
      return {
        action: {
          type: 'edit',
          changes: { customer, ticketUrl: input.ticketUrl, summary: input.summary, details, severity: input.severity, department: input.department },
        },
      };
    }
  }
}

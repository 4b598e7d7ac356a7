/** The escalation forms (the same on every platform) and the validation of what comes back. */
import { z } from 'zod';
import type { Choice, Form, FormField, FormValues } from '../../chat/message.js';
import { truncate } from '../../chat/truncate.js';
import { LIMITS, type Escalation } from './model.js';
import type { EscalationRules } from './rules.js';

export const CREATE_FORM_ID = 'escalation.create';
/** What a platform can carry in one text input (Slack's plain_text_input max). */
export const INPUT_MAX = 3_000;

export interface Prefill {
  summary?: string;
  details?: string;
  customer?: string;
  ticket?: string;
  severity?: string;
  department?: string;
}

const initial = (value: string | undefined) => (value ? { initial: value } : {});

function fields(rules: EscalationRules, prefill: Prefill): FormField[] {
  return [
    { id: 'customer', label: 'Customer or account', kind: 'text', required: true, maxLength: LIMITS.customer, placeholder: 'Acme Corp (account 4411)', ...initial(prefill.customer) },
    { id: 'ticket', label: 'Ticket link', kind: 'url', required: false, maxLength: LIMITS.ticketUrl, placeholder: 'https://helpdesk.example.com/tickets/123', hint: 'A link to the ticket in your helpdesk.', ...initial(prefill.ticket) },
    { id: 'severity', label: 'Severity', kind: 'select', required: true, options: rules.severities.map((s) => ({ value: s.id, label: `${s.id} · ${s.label}` })), ...initial(prefill.severity) },
    { id: 'department', label: 'Department', kind: 'select', required: true, options: rules.departments.map((d) => ({ value: d.id, label: d.name })), ...initial(prefill.department) },
    { id: 'summary', label: 'Summary', kind: 'text', required: true, maxLength: LIMITS.summary, placeholder: 'What is wrong, in one line', ...initial(prefill.summary) },
    { id: 'details', label: 'Details', kind: 'longText', required: false, maxLength: INPUT_MAX, placeholder: 'Steps taken, impact, what the customer was told', ...initial(prefill.details && truncate(prefill.details, INPUT_MAX)) },
  ];
}

export function escalationForm(rules: EscalationRules, prefill: Prefill, state: string | undefined): Form {
  const form: Form = { id: CREATE_FORM_ID, title: 'Escalate', submitLabel: 'Escalate', fields: fields(rules, prefill) };
  if (state !== undefined) form.state = state;
  return form;
}

/** A placeholder customer (a reaction-made record's) is left for the person to fill in. */
export const NO_CUSTOMER = '—';

/** The form behind **Edit…**, prefilled with the record (its state: the record id). */
export function editForm(e: Escalation, rules: EscalationRules): Form {
  const prefill: Prefill = { summary: e.summary, severity: e.severity, department: e.department };
  if (e.customer !== NO_CUSTOMER) prefill.customer = e.customer;
  if (e.ticketUrl) prefill.ticket = e.ticketUrl;
  if (e.details) prefill.details = e.details;
  return { id: 'escalation.edit', title: `Edit ${e.id}`, submitLabel: 'Save', fields: fields(rules, prefill), state: e.id };
}

/** The form behind **Assign…**: its id is the button's action, its state the record id. The
 * roster's people are offered where the platform has no people picker of its own. */
export function assignForm(id: string, people: Choice[]): Form {
  const owner: FormField = { id: 'owner', label: 'Assign to', kind: 'user', required: true };
  if (people.length > 0) owner.options = people;
  return { id: 'escalation.assign', title: `Assign ${id}`, submitLabel: 'Assign', fields: [owner], state: id };
}

/** A button's form that asks for one text: its id is the button's action, its state the record id. */
function textForm(action: string, title: string, submitLabel: string, id: string, field: { id: string; label: string; max: number; placeholder: string }): Form {
  return {
    id: `escalation.${action}`,
    title,
    submitLabel,
    fields: [{ id: field.id, label: field.label, kind: 'longText', required: true, maxLength: field.max, placeholder: field.placeholder }],
    state: id,
  };
}

/** The form behind **Resolve…**. */
export function resolveForm(id: string): Form {
  return textForm('resolve', `Resolve ${id}`, 'Resolve', id, { id: 'note', label: 'Resolution note', max: LIMITS.resolution, placeholder: 'What was done, and what the customer was told' });
}

/** The form behind **Reopen…**: the reason goes to the requester and the owner. */
export function reopenForm(id: string): Form {
  return textForm('reopen', `Reopen ${id}`, 'Reopen', id, { id: 'reason', label: 'Why is it open again?', max: LIMITS.note, placeholder: 'The requester and the owner are told' });
}

/** The form behind **Add note…**. Its field is not "note": Teams shows every button's form on one card, and input ids must differ. */
export function noteForm(id: string): Form {
  return textForm('note', `Note on ${id}`, 'Add note', id, { id: 'text', label: 'Note', max: LIMITS.note, placeholder: 'What happened, what was agreed' });
}

/** How long a snooze can last (leads and managers pick one). */
export const SNOOZE_CHOICES: readonly Choice[] = [
  { value: '30m', label: '30 minutes' },
  { value: '1h', label: '1 hour' },
  { value: '2h', label: '2 hours' },
  { value: '4h', label: '4 hours' },
  { value: '8h', label: '8 hours' },
  { value: '1d', label: '1 day' },
];
export const WAKE = 'off';

/** The form behind **Snooze…**. */
export function snoozeForm(id: string, snoozed: boolean): Form {
  const options = snoozed ? [{ value: WAKE, label: 'Wake the reminders now' }, ...SNOOZE_CHOICES] : [...SNOOZE_CHOICES];
  return {
    id: 'escalation.snooze',
    title: `Snooze ${id}`,
    submitLabel: 'Snooze',
    fields: [{ id: 'duration', label: 'Pause the reminders for', kind: 'select', required: true, options, hint: 'The deadlines stay as they are in reports.' }],
    state: id,
  };
}

export interface EscalationInput {
  customer: string;
  ticketUrl?: string;
  severity: string;
  department: string;
  summary: string;
  details?: string;
}

const count = (n: number) => n.toLocaleString('en-US');
const tooLong = (label: string, max: number) => (text: string) => text.length <= max || `${label} is too long: ${count(text.length)} characters (the most is ${count(max)}).`;

/** Validates submitted values: field id → problem, or the clean input. */
export function parseEscalation(values: FormValues, rules: EscalationRules): { ok: true; input: EscalationInput } | { ok: false; errors: Record<string, string> } {
  const errors: Record<string, string> = {};
  const text = (id: string) => (values[id] ?? '').trim();
  const check = (id: string, label: string, required: boolean, max: number) => {
    const value = text(id);
    if (!value) {
      if (required) errors[id] = `${label} is required.`;
      return undefined;
    }
    const long = tooLong(label, max)(value);
    if (long !== true) errors[id] = long;
    return value;
  };
  const customer = check('customer', 'Customer or account', true, LIMITS.customer);
  const summary = check('summary', 'Summary', true, LIMITS.summary);
  const details = check('details', 'Details', false, LIMITS.details);
  const ticket = check('ticket', 'Ticket link', false, LIMITS.ticketUrl);
  if (ticket !== undefined && errors['ticket'] === undefined && !z.url({ protocol: /^https?$/ }).safeParse(ticket).success) {
    errors['ticket'] = 'Ticket link must be a web address starting with https:// (or http://).';
  }
  const severity = text('severity');
  if (!severity) errors['severity'] = 'Pick a severity.';
  else if (!rules.severity(severity)) errors['severity'] = `Unknown severity "${severity}"; pick one of ${rules.severities.map((s) => s.id).join(', ')}.`;
  const department = text('department');
  if (!department) errors['department'] = 'Pick a department.';
  else if (!rules.department(department)) errors['department'] = `Unknown department "${department}"; pick one of ${rules.departments.map((d) => d.id).join(', ')}.`;
  if (Object.keys(errors).length > 0) return { ok: false, errors };
  return {
    ok: true,
    input: {
      customer: customer as string,
      severity,
      department,
      summary: summary as string,
      ...(ticket ? { ticketUrl: ticket } : {}),
      ...(details ? { details } : {}),
    },
  };
}

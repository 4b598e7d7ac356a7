/** The escalation form (the same on every platform) and the validation of what comes back. */
import { z } from 'zod';
import type { Form, FormValues } from '../../chat/message.js';
import { LIMITS } from './model.js';
import type { EscalationRules } from './rules.js';

export const CREATE_FORM_ID = 'escalation.create';
/** What a platform can carry in one text input (Slack's plain_text_input max). */
export const INPUT_MAX = 3_000;

export interface Prefill {
  summary?: string;
  details?: string;
  customer?: string;
}

export function escalationForm(rules: EscalationRules, prefill: Prefill, state: string | undefined): Form {
  const form: Form = {
    id: CREATE_FORM_ID,
    title: 'Escalate',
    submitLabel: 'Escalate',
    fields: [
      { id: 'customer', label: 'Customer or account', kind: 'text', required: true, maxLength: LIMITS.customer, placeholder: 'Acme Corp (account 4411)', ...(prefill.customer ? { initial: prefill.customer } : {}) },
      { id: 'ticket', label: 'Ticket link', kind: 'url', required: false, maxLength: LIMITS.ticketUrl, placeholder: 'https://helpdesk.example.com/tickets/123', hint: 'A link to the ticket in your helpdesk.' },
      { id: 'severity', label: 'Severity', kind: 'select', required: true, options: rules.severities.map((s) => ({ value: s.id, label: `${s.id} · ${s.label}` })) },
      { id: 'department', label: 'Department', kind: 'select', required: true, options: rules.departments.map((d) => ({ value: d.id, label: d.name })) },
      { id: 'summary', label: 'Summary', kind: 'text', required: true, maxLength: LIMITS.summary, placeholder: 'What is wrong, in one line', ...(prefill.summary ? { initial: prefill.summary } : {}) },
      { id: 'details', label: 'Details', kind: 'longText', required: false, maxLength: INPUT_MAX, placeholder: 'Steps taken, impact, what the customer was told', ...(prefill.details ? { initial: prefill.details } : {}) },
    ],
  };
  if (state !== undefined) form.state = state;
  return form;
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

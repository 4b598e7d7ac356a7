/** The escalations feature: its commands, card buttons, forms, SLA timers and upkeep, on every platform. */
import type { Feature } from '../feature.js';
import { InvalidTimerError } from '../feature.js';
import type { Actor, Answer, SourceMessage } from '../interactions.js';
import { SLA_TIMER } from './effects.js';
import { CREATE_FORM_ID } from './form.js';
import type { EscalationService } from './service.js';

const RECORD_ID = /^(esc-\d+)\b\s*([\s\S]*)$/i;

/** `/escalate …`: `list …`, `note ESC-3 <text>`, `show ESC-3`, or a summary for a new one. */
function escalate(service: EscalationService, actor: Actor, text: string, source?: SourceMessage): Promise<Answer> {
  const trimmed = text.trim();
  const [word = ''] = trimmed.split(/\s+/);
  const tail = trimmed.slice(word.length).trim();
  const record = RECORD_ID.exec(tail);
  switch (word.toLowerCase()) {
    case 'list':
      return service.list(actor, tail);
    case 'note':
      if (record) return service.addNote(actor, (record[1] as string).toUpperCase(), record[2] ?? '');
      break;
    case 'show':
      if (record && !record[2]) return service.show(actor, (record[1] as string).toUpperCase());
      break;
  }
  // Anything else is the summary of a new escalation.
  return service.openForm(actor, text, source);
}

export function escalationsFeature(service: EscalationService): Feature {
  return {
    name: 'escalations',
    commands: [
      {
        names: ['escalate'],
        usage: '[summary]  raise an escalation (a form opens) · note ESC-3 <text> · show ESC-3 · list',
        run: (actor, text, source) => escalate(service, actor, text, source),
      },
      {
        names: ['escalations'],
        usage: '[mine|breached|resolved|customer <text>|since <date>|<department>|page <n>]  shown only to you',
        run: (actor, text) => service.list(actor, text),
      },
    ],
    actions: [{ prefix: 'escalation.', run: (actor, actionId, value, values) => service.press(actor, actionId, value, values) }],
    forms: [
      {
        prefix: 'escalation.',
        submit: async (actor, formId, values, state) => {
          if (formId === CREATE_FORM_ID) return service.submit(actor, values, state);
          // A button's form (Assign…, Resolve…, Edit…): its id is the button's action, its state the record id.
          return service.submitButton(actor, formId, state ?? '', values);
        },
      },
    ],
    timers: [
      {
        kind: SLA_TIMER,
        fire: async (payload) => {
          const { tenant, id, clock, cycle, miss, level, plan } = payload;
          const step = typeof level === 'number' ? { level } : typeof miss === 'number' ? { miss } : undefined;
          if (typeof id !== 'string' || (clock !== 'acknowledge' && clock !== 'resolve') || typeof cycle !== 'number' || !step || (plan !== undefined && typeof plan !== 'number')) {
            throw new InvalidTimerError('malformed SLA timer');
          }
          await service.deadlinePassed(tenant, id, clock, cycle, step, plan);
        },
      },
    ],
    upkeep: () => service.reconcileAll(),
  };
}

/** The escalations feature: its commands, card buttons, forms, SLA timers and upkeep, on every platform. */
import type { Feature } from '../feature.js';
import { InvalidTimerError } from '../feature.js';
import { SLA_TIMER } from './effects.js';
import { CREATE_FORM_ID } from './form.js';
import type { EscalationService } from './service.js';

export function escalationsFeature(service: EscalationService): Feature {
  return {
    name: 'escalations',
    commands: [
      {
        names: ['escalate'],
        usage: '[summary]  raise an escalation (a form opens); /escalate list shows open ones',
        run: (actor, text, source) => {
          const list = /^list\b/i.exec(text.trim());
          return list ? service.list(actor, text.trim().slice(4)) : service.openForm(actor, text, source);
        },
      },
      {
        names: ['escalations'],
        usage: '[mine|breached|all]  open escalations, shown only to you',
        run: (actor, text) => service.list(actor, text),
      },
    ],
    actions: [{ prefix: 'escalation.', run: (actor, actionId, value, values) => service.press(actor, actionId, value, values) }],
    forms: [
      {
        prefix: 'escalation.',
        submit: async (actor, formId, values, state) => {
          if (formId === CREATE_FORM_ID) return service.submit(actor, values, state);
          // A button's form (Assign…, Resolve): its id is the button's action, its state the record id.
          if (formId === 'escalation.resolve' && !(values['note'] ?? '').trim()) return { ok: false, errors: { note: 'Add a resolution note.' } };
          if (formId === 'escalation.assign' && !(values['owner'] ?? '').trim()) return { ok: false, errors: { owner: 'Pick someone.' } };
          const answer = await service.press(actor, formId, state ?? '', values);
          return answer.reply ? { ok: true, reply: answer.reply } : { ok: true };
        },
      },
    ],
    timers: [
      {
        kind: SLA_TIMER,
        fire: async (payload) => {
          const { tenant, id, clock, cycle, miss } = payload;
          if (typeof id !== 'string' || (clock !== 'acknowledge' && clock !== 'resolve') || typeof cycle !== 'number' || typeof miss !== 'number') {
            throw new InvalidTimerError('malformed SLA timer');
          }
          await service.deadlinePassed(tenant, id, clock, cycle, miss);
        },
      },
    ],
    upkeep: () => service.reconcileAll(),
  };
}

/** Wires the escalation use cases to commands, buttons and forms on every platform. */
import type { Interactions } from '../interactions.js';
import { CREATE_FORM_ID } from './form.js';
import type { EscalationService } from './service.js';

export function registerEscalations(interactions: Interactions, service: EscalationService): void {
  interactions.addCommand({
    names: ['escalate'],
    usage: '[summary]  raise an escalation (a form opens); /escalate list shows open ones',
    run: (actor, text, source) => {
      const list = /^list\b/i.exec(text.trim());
      return list ? service.list(actor, text.trim().slice(4)) : service.openForm(actor, text, source);
    },
  });
  interactions.addCommand({
    names: ['escalations'],
    usage: '[mine|breached|all]  open escalations, shown only to you',
    run: (actor, text) => service.list(actor, text),
  });
  interactions.addActions({
    prefix: 'escalation.',
    run: (actor, actionId, value, values) => service.press(actor, actionId, value, values),
  });
  interactions.addForms({
    prefix: 'escalation.',
    submit: async (actor, formId, values, state) => {
      if (formId === CREATE_FORM_ID) return service.submit(actor, values, state);
      // A button's form (Assign…, Resolve): its id is the button's action, its state the record id.
      if (formId === 'escalation.resolve' && !(values['note'] ?? '').trim()) return { ok: false, errors: { note: 'Add a resolution note.' } };
      if (formId === 'escalation.assign' && !(values['owner'] ?? '').trim()) return { ok: false, errors: { owner: 'Pick someone.' } };
      const answer = await service.press(actor, formId, state ?? '', values);
      return answer.reply ? { ok: true, reply: answer.reply } : { ok: true };
    },
  });
}

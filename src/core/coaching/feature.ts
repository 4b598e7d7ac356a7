/**
 * Coaching, as one feature: `/nudge` (a private note from a lead or manager, at the person's next
 * working moment, with Thanks and Reply), `/nudge list`, suggested nudges from signals (Send, Edit
 * & send, Dismiss; capped per person), and `/nudges off|on`, on every platform.
 */
import type { Feature } from '../feature.js';
import type { CoachingContext } from './context.js';
import { DISMISS_ACTION, EDIT_ACTION, REPLY_ACTION, say, SEND_ACTION, THANKS_ACTION } from './messages.js';
import { NUDGE_USAGE, NudgeService } from './nudges.js';
import { SIGNALS_KIND, signalOccurrences, SuggestionService } from './suggestions.js';

export function coachingFeature(ctx: CoachingContext): Feature {
  const nudges = new NudgeService(ctx);
  const suggestions = new SuggestionService(ctx, nudges);
  const outOfDate = { ok: false as const, errors: { _form: 'This form is out of date.' } };
  return {
    name: 'coaching',
    commands: [
      { names: ['nudge'], usage: NUDGE_USAGE, run: (actor, text) => nudges.command(actor, text) },
      { names: ['nudges'], usage: 'off | on  stop (or restart) nudges suggested from signals about you; notes your lead writes still arrive', run: (actor, text) => suggestions.optCommand(actor, text) },
    ],
    actions: [
      {
        prefix: 'coaching.',
        run: (actor, actionId, value, values) => {
          if (actionId === THANKS_ACTION) return nudges.thanks(actor, value);
          if (actionId === REPLY_ACTION) return nudges.replyPress(actor, value, values);
          if (actionId === SEND_ACTION) return suggestions.send(actor, value);
          if (actionId === EDIT_ACTION) return suggestions.editPress(actor, value, values);
          if (actionId === DISMISS_ACTION) return suggestions.dismiss(actor, value);
          return Promise.resolve({ reply: say('This button is out of date.') });
        },
      },
    ],
    forms: [
      {
        prefix: 'coaching.',
        submit: async (actor, formId, values, state) => {
          if (formId === REPLY_ACTION) return nudges.reply(actor, state ?? '', values['reply']);
          if (formId === EDIT_ACTION) return suggestions.editSubmit(actor, state ?? '', values['text']);
          return outOfDate;
        },
      },
    ],
    timers: [nudges.timer()],
    schedules: [
      {
        kind: SIGNALS_KIND,
        // Evaluating late finds the same signals (each is claimed once): late runs are harmless, a skipped one is made up by the next.
        late: { kind: 'drop', afterMs: 30 * 60_000 },
        occurrences: (from, to) => Promise.resolve(signalOccurrences(from, to)),
        fire: async () => void (await suggestions.evaluate()),
      },
    ],
    upkeep: () => nudges.upkeep(),
  };
}

/**
 * Listening, as one feature: quick polls (`/poll`, `/csat`), CSAT after a resolved escalation, and
 * the anonymous team pulse (`/pulse`), with their buttons, forms, timers and schedule.
 */
import type { Feature, TimerHandler } from '../feature.js';
import { InvalidTimerError } from '../feature.js';
import type { TimerPayload } from '../ports.js';
import { COMMENT_ACTION, type CsatService } from './csat-after-resolve.js';
import { CLOSE_ACTION, say, VOTE_ACTION } from './poll-messages.js';
import { CSAT_USAGE, POLL_USAGE } from './poll-parse.js';
import { POLL_CLOSE_TIMER, POLL_REFRESH_TIMER, type PollService } from './poll-service.js';
import { PULSE_ASK, pulseOccurrences } from './pulse-schedule.js';
import { ANSWER_ACTION, PULSE_ASK_TIMER, PULSE_CLOSE_TIMER, type PulseService } from './pulse-service.js';
import type { Settings } from '../settings.js';

export interface ListeningServices {
  polls: PollService;
  csat: CsatService;
  pulses: PulseService;
  settings: Settings;
}

function field(payload: TimerPayload, name: string): string {
  const value = payload[name];
  if (typeof value !== 'string' || !value) throw new InvalidTimerError(`malformed ${payload.kind} timer: no ${name}`);
  return value;
}

export function listeningFeature({ polls, csat, pulses, settings }: ListeningServices): Feature {
  const timers: TimerHandler[] = [
    { kind: POLL_CLOSE_TIMER, fire: async (p) => void (await polls.close(p.tenant, field(p, 'id'))) },
    { kind: POLL_REFRESH_TIMER, fire: (p) => polls.refresh(p.tenant, field(p, 'id')) },
    { kind: PULSE_CLOSE_TIMER, fire: (p) => pulses.closeRound(field(p, 'round')) },
    { kind: PULSE_ASK_TIMER, fire: (p) => pulses.ask(field(p, 'round'), field(p, 'person')) },
  ];
  return {
    name: 'listening',
    commands: [
      { names: ['poll'], usage: `${POLL_USAGE.slice('/poll '.length)}  a quick poll in this channel`, run: (actor, text) => polls.create(actor, text, 'choice') },
      { names: ['csat'], usage: `${CSAT_USAGE.slice('/csat '.length)}  a 1–5 satisfaction poll in this channel`, run: (actor, text) => polls.create(actor, text, 'rating') },
      { names: ['pulse'], usage: '[now <pulse id> | close <pulse id>]  the anonymous team pulse: results (managers), start or close a round', run: (actor, text) => pulses.command(actor, text) },
    ],
    actions: [
      {
        prefix: 'poll.',
        run: (actor, actionId, value) => {
          if (actionId === VOTE_ACTION) return polls.vote(actor, value);
          if (actionId === CLOSE_ACTION) return polls.closePress(actor, value);
          return Promise.resolve({ reply: say('This poll button is out of date.') });
        },
      },
      { prefix: 'csat.', run: (actor, actionId, value, values) => csat.press(actor, actionId, value, values) },
      { prefix: 'pulse.', run: (actor, actionId, value, values) => (actionId === ANSWER_ACTION ? pulses.answerPress(actor, value, values) : Promise.resolve({ reply: say('This pulse button is out of date.') })) },
    ],
    forms: [
      { prefix: 'csat.', submit: (actor, formId, values, state) => (formId === COMMENT_ACTION ? csat.submit(actor, values, state) : Promise.resolve({ ok: false, errors: { _form: 'This form is out of date.' } })) },
      { prefix: 'pulse.', submit: (actor, formId, values, state) => (formId === ANSWER_ACTION ? pulses.submit(actor, values, state) : Promise.resolve({ ok: false, errors: { _form: 'This form is out of date.' } })) },
    ],
    timers,
    schedules: [
      {
        kind: PULSE_ASK,
        // A pulse question is still worth asking late, as long as its round is open (ask checks).
        late: { kind: 'send' },
        occurrences: async (from, to) => pulseOccurrences(settings.config, from, to),
        fire: (o) => pulses.fire(o),
      },
    ],
    upkeep: async () => {
      await polls.upkeep();
      await pulses.upkeep();
    },
  };
}

/** The shifts feature: `/shift`, cover and assignments, `/handoff`, reminders and handoff deadlines, on every platform. */
import { escapeText } from '../../chat/message.js';
import type { Feature } from '../feature.js';
import type { Answer } from '../interactions.js';
import { addDays, localDate } from '../schedule/local-time.js';
import type { ShiftContext } from './context.js';
import { shiftGlance } from './glance.js';
import { HandoffService } from './handoffs.js';
import { ACK_HANDOFF, answers, HANDOFF_FORM_ID, handoffForm, TAKE_COVER } from './messages.js';
import { ShiftReminders } from './reminders.js';
import { ShiftService } from './service.js';

export function shiftsFeature(ctx: ShiftContext): Feature {
  const shifts = new ShiftService(ctx);
  const handoffs = new HandoffService(ctx);
  const reminders = new ShiftReminders(ctx);
  const unknown = (id: string): Answer => ({ reply: answers.say(`Shiftlead does not know the button "${escapeText(id)}".`) });
  return {
    name: 'shifts',
    commands: [
      { names: ['shift', 'shifts'], usage: '[cover <shift> <date> | assign <person> <shift> <date>]  who is on shift now, your next shifts; cover and assignments', run: (actor, text) => shifts.command(actor, text) },
      { names: ['handoff'], usage: '[last]  write the handoff for the next shift (a form opens); last shows the latest', run: (actor, text) => handoffs.command(actor, text) },
    ],
    actions: [
      { prefix: 'shift.', run: (actor, actionId, value) => (actionId === TAKE_COVER ? shifts.take(actor, value) : Promise.resolve(unknown(actionId))) },
      {
        prefix: 'handoff.',
        run: async (actor, actionId, value, values) => {
          if (actionId === ACK_HANDOFF) return handoffs.acknowledge(actor, value);
          if (actionId !== HANDOFF_FORM_ID) return unknown(actionId);
          // **Write handoff**: the form, or (where the platform shows its fields on the card) the answers.
          if (!values || Object.keys(values).length === 0) {
            const department = (() => {
              try {
                const shift = (JSON.parse(value) as { shift?: string }).shift;
                return ctx.config.shifts.find((s) => s.id === shift)?.department;
              } catch {
                return undefined;
              }
            })();
            return { form: handoffForm(ctx.config, department, value) };
          }
          const result = await handoffs.submit(actor, values, value);
          if (result.ok) return result.reply ? { reply: result.reply } : {};
          return { reply: answers.say(`The handoff was not saved: ${Object.values(result.errors).join(' ')}`) };
        },
      },
    ],
    forms: [{ prefix: 'handoff.', submit: (actor, _formId, values, state) => handoffs.submit(actor, values, state) }],
    timers: [handoffs.timer()],
    schedules: reminders.kinds(),
    // Who is on shift and a handoff waiting, in briefings and on each person's Home page.
    ...shiftGlance(ctx),
    // Overrides of occurrences two weeks gone are of no further use.
    upkeep: async () => void (await ctx.deps.store.forgetOverridesBefore(addDays(localDate(ctx.now(), 'UTC'), -14))),
  };
}

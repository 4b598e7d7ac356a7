/** `/shiftlead`: for managers, reload the team configuration without a restart. */
import { escapeText, type Message } from '../../chat/message.js';
import type { Feature } from '../feature.js';
import type { Settings } from '../settings.js';

export type ReloadResult = { ok: true; summary: string } | { ok: false; problems: string[] };

const say = (text: string): Message => ({ text, blocks: [{ type: 'section', text }] });

export function adminFeature(deps: { settings: Settings; reload: () => Promise<ReloadResult> }): Feature {
  return {
    name: 'admin',
    commands: [
      {
        names: ['shiftlead'],
        usage: 'reload  (managers) re-read the team configuration without a restart',
        run: async (actor, text) => {
          const word = text.trim().toLowerCase();
          const person = deps.settings.roster.find(actor.platform, actor.user, actor.email);
          if (word !== 'reload') return { reply: say(`**/shiftlead reload** re-reads the team configuration (managers only). You are ${person ? `${escapeText(person.name)} (${person.role})` : 'not in the roster'}.`) };
          if (person?.role !== 'manager') return { reply: say('Only managers can reload the team configuration.') };
          const result = await deps.reload();
          if (result.ok) return { reply: say(`✅ Reloaded: ${escapeText(result.summary)}. Schedules were replanned.`) };
          const problems = result.problems.slice(0, 15).map((p) => `• ${escapeText(p)}`);
          return { reply: say(`The configuration has problems, so the one in force stays:\n${problems.join('\n')}${result.problems.length > 15 ? `\n…and ${result.problems.length - 15} more` : ''}`) };
        },
      },
    ],
  };
}

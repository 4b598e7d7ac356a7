/** The `coaching:` block of the team configuration: defaults, each rule switched off, and clear errors. */
import { describe, expect, it } from 'vitest';
import { parseTeamConfig, TeamConfigError } from '../../src/config/team-config.js';
import { EXAMPLE_YAML, withoutShifts } from '../support/configs.js';

const base = withoutShifts(EXAMPLE_YAML).replace(/\ncoaching:[\s\S]*?(?=\n[a-z]|$)/, '');
const problems = (yaml: string): string[] => {
  try {
    parseTeamConfig(yaml);
    return [];
  } catch (error) {
    if (error instanceof TeamConfigError) return error.problems;
    throw error;
  }
};

describe('coaching configuration', () => {
  it('has defaults when left out: every signal on, a streak of 5, one a day and three a week', () => {
    expect(parseTeamConfig(base).coaching).toEqual({ signals: { missedAcknowledge: true, lowRating: true, streak: { resolvedWithinSla: 5 } }, maxPerDay: 1, maxPerWeek: 3, maxLateInARow: 3, maxHoursPerWeek: 45 });
  });

  it('the example’s block parses; its weekly summary, uncommented, too', () => {
    expect(parseTeamConfig(EXAMPLE_YAML).coaching.signals).toEqual({ missedAcknowledge: true, lowRating: true, streak: { resolvedWithinSla: 5 } });
    const on = EXAMPLE_YAML.replace('  # weeklySummary: {', '  weeklySummary: {');
    expect(parseTeamConfig(on).coaching.weeklySummary).toEqual({ day: 'mon', at: '08:00', timezone: 'Europe/Lisbon' });
  });

  it('each rule can be switched off', () => {
    const c = parseTeamConfig(`${base}\ncoaching:\n  signals: { missedAcknowledge: false, lowRating: false, streak: false }\n  maxPerDay: 2\n  maxPerWeek: 5\n`).coaching;
    expect(c.signals).toEqual({ missedAcknowledge: false, lowRating: false, streak: false });
    expect([c.maxPerDay, c.maxPerWeek]).toEqual([2, 5]);
  });

  it('bad values are errors that name the key', () => {
    const found = problems(`${base}\ncoaching:\n  maxPerDay: 4\n  maxPerWeek: 2\n  signals: { streak: { resolvedWithinSla: 1 }, typo: true }\n  weeklySummary: { day: someday, at: "9am" }\n`).join('\n');
    expect(found).toContain('coaching.maxPerWeek');
    expect(found).toContain('maxPerWeek must be at least maxPerDay');
    expect(found).toContain('coaching.signals.streak');
    expect(found).toContain('typo');
    expect(found).toContain('coaching.weeklySummary.day');
    expect(found).toContain('coaching.weeklySummary.at');
  });
});

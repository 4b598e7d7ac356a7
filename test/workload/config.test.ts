/** The `kudos:` and `coaching:` keys of the team configuration: defaults, and problems named by path and line. */
import { describe, expect, it } from 'vitest';
import { parseTeamConfig, TeamConfigError } from '../../src/config/team-config.js';
import { EXAMPLE_YAML } from '../support/configs.js';

function problems(text: string): string[] {
  try {
    parseTeamConfig(text);
    return [];
  } catch (error) {
    if (error instanceof TeamConfigError) return error.problems;
    throw error;
  }
}

const strip = (yaml: string) => yaml.replace(/\nkudos:[\s\S]*?(?=\n[a-z#]|$)/, '').replace(/\ncoaching:[\s\S]*?(?=\n[a-z#]|$)/, '');

describe('kudos and coaching configuration', () => {
  it('the example parses; left out, the defaults apply and no summary is sent', () => {
    const example = parseTeamConfig(EXAMPLE_YAML);
    expect(example.kudos).toEqual({ maxPerDay: 5 });
    expect(example.coaching).toMatchObject({ maxLateInARow: 3, maxHoursPerWeek: 45 });
    expect(example.coaching.weeklySummary).toBeUndefined();
    const bare = parseTeamConfig(strip(EXAMPLE_YAML));
    expect(bare.kudos).toEqual({ maxPerDay: 5 });
    expect(bare.coaching.weeklySummary).toBeUndefined();
  });

  it('names bad values and unknown keys', () => {
    const text = `${strip(EXAMPLE_YAML)}
kudos:
  maxPerDay: 0
  channel: { slack: general }
coaching:
  weeklySummary: { day: monday, at: "8am", timezone: Europe/Lisbn }
  maxHoursPerWeek: -1
  colour: blue
`;
    const found = problems(text).map((p) => p.replace(/ \(line \d+\)$/, ''));
    expect(found).toEqual(
      expect.arrayContaining([
        'kudos.maxPerDay: Too small: expected number to be >=1',
        'kudos.channel.slack: must be a Slack channel id such as C0123ABCD',
        'coaching.weeklySummary.day: must be one of mon, tue, wed, thu, fri, sat, sun',
        'coaching.weeklySummary.at: must be a 24-hour time such as 08:30',
        'coaching.weeklySummary.timezone: "Europe/Lisbn" is not an IANA time zone (e.g. Europe/Berlin)',
        'coaching.maxHoursPerWeek: Too small: expected number to be >0',
        'coaching.colour: unknown key',
      ]),
    );
  });
});

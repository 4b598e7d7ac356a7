/** The configuration keys of briefings and reports: defaults, and every wrong reference named with its line. */
import { describe, expect, it } from 'vitest';
import { parseTeamConfig } from '../../src/config/team-config.js';
import { EXAMPLE_YAML } from '../support/configs.js';

describe('briefing and report configuration', () => {
  it('reads the example: a briefing with its departments and late window, and the weekly report', () => {
    const config = parseTeamConfig(EXAMPLE_YAML);
    const [briefing] = config.briefings;
    expect(briefing?.lateWithin).toBe(2 * 3600_000);
    expect(config.reports?.weekly).toMatchObject({ day: 'mon', at: '09:00', to: ['ana'] });
  });

  it('names unknown departments and people, and a bad late window, with their lines', () => {
    const yaml = EXAMPLE_YAML.replace('    lateWithin: 2h', '    departments: [support, legal]\n    lateWithin: soon').replace(
      'to: [ana]',
      'to: [ana, zed]',
    );
    let problems: string[] = [];
    try {
      parseTeamConfig(yaml);
    } catch (error) {
      problems = (error as { problems: string[] }).problems;
    }
    expect(problems).toEqual([
      expect.stringMatching(/^briefings\[0\]\.lateWithin: "soon" is not a duration \(e\.g\. 15m, 4h, 1h30m\) \(line \d+\)$/),
      expect.stringMatching(/^briefings\[0\]\.departments\[1\]: "legal" is not a department in departments \(line \d+\)$/),
      expect.stringMatching(/^reports\.weekly\.to\[1\]: "zed" is not a person in people \(line \d+\)$/),
    ]);
  });
});

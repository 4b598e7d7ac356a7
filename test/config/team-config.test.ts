import { readFileSync } from 'node:fs';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadTeamConfig, parseTeamConfig, TeamConfigError } from '../../src/config/team-config.js';

const example = readFileSync(new URL('../../shiftlead.example.yaml', import.meta.url), 'utf8');

function problems(text: string): string[] {
  try {
    parseTeamConfig(text);
  } catch (error) {
    if (error instanceof TeamConfigError) return error.problems;
    throw error;
  }
  return [];
}

const lineOf = (text: string, needle: string) => text.split('\n').findIndex((l) => l.includes(needle)) + 1;

describe('team configuration', () => {
  it('accepts the example, with durations in milliseconds and defaults filled in', () => {
    const config = parseTeamConfig(example);
    expect(config.severities[0]).toEqual({ id: 'P1', label: 'Critical', acknowledgeWithin: 15 * 60_000, resolveWithin: 4 * 3600_000 });
    expect(config.departments.find((d) => d.id === 'billing')?.sla['P1']).toEqual({ acknowledgeWithin: 10 * 60_000, resolveWithin: 2 * 3600_000 });
    expect(config.escalations.renotifyEvery).toBe(10 * 60_000);
  });

  it('names the key path and the line of a bad time zone', () => {
    const text = example.replace('timezone: Asia/Kolkata', 'timezone: Europe/Berln');
    expect(problems(text)).toEqual([`people[3].timezone: "Europe/Berln" is not an IANA time zone (e.g. Europe/Berlin) (line ${lineOf(text, 'Europe/Berln')})`]);
  });

  it('rejects unknown keys at their line instead of ignoring them', () => {
    const text = example.replace('    role: lead\n', '    role: lead\n    colour: blue\n');
    expect(problems(text)).toEqual([`people[1].colour: unknown key (line ${lineOf(text, 'colour: blue')})`]);
  });

  it('reports missing fields, bad durations, bad ids and broken references', () => {
    const text = example
      .replace("  - { id: P2, label: High, acknowledgeWithin: 30m, resolveWithin: 8h }", "  - { id: P2, label: High, acknowledgeWithin: soon, resolveWithin: 8h }")
      .replace("  - { id: P3, label: Normal, acknowledgeWithin: 2h, resolveWithin: 2d }", "  - { id: P3, label: Normal, acknowledgeWithin: 120, resolveWithin: 2d }")
      .replace('    onDuty: [dev]', '    onDuty: [devon]')
      .replace('    slack: U0BENOKAF\n', '    slack: ben\n')
      .replace('    name: Carolina Díaz\n', '');
    const lines = problems(text);
    expect(lines).toEqual(
      expect.arrayContaining([
        `severities[1].acknowledgeWithin: "soon" is not a duration (e.g. 15m, 4h, 1h30m) (line ${lineOf(text, 'acknowledgeWithin: soon')})`,
        `severities[2].acknowledgeWithin: must be a duration with its unit, e.g. 15m, 4h or 1h30m (line ${lineOf(text, 'acknowledgeWithin: 120')})`,
        `departments[1].onDuty[0]: "devon" is not a person in people (line ${lineOf(text, 'onDuty: [devon]')})`,
        `people[1].slack: must be a Slack user id such as U0123ABCD (line ${lineOf(text, 'slack: ben')})`,
        expect.stringMatching(/^people\[2\]\.name: is required \(line \d+\)$/),
      ]),
    );
    expect(lines).toHaveLength(5);
    // Structure and cross-references are reported together, in one pass.
  });

  it('reports duplicate ids and YAML syntax errors with their lines', () => {
    const dup = example.replace('  - id: ben\n', '  - id: ana\n');
    const secondAna = dup.split('\n').findIndex((l, n) => n >= lineOf(dup, '- id: ana') && l.includes('- id: ana')) + 1;
    expect(problems(dup)).toContain(`people[1].id: id "ana" is already used by people[0] (line ${secondAna})`);
    const syntax = problems('people: [\n  - id: x\n');
    expect(syntax.length).toBeGreaterThan(0);
    for (const line of syntax) expect(line).toMatch(/\(line \d+\)$/);
    expect(problems('')).toEqual(['the file is empty: start from shiftlead.example.yaml']);
  });

  it('reports every problem of a shift roster with key and line', () => {
    const text = `${example}\nshifts:\n  - { id: early, name: Early, department: sales, start: "06:00", end: "06:00", timezone: Mars/Olympus, people: [ben, zed] }\n  - { id: late, name: Late, department: support, start: "14:00", end: "22:00", rotation: weekly, rotationStart: 2026-02-30 }\n  - { id: late, name: Night, department: support, start: "25:00", end: "06:00", days: [funday] }\n`.replace(/\nshifts:[\s\S]*?\n(?=shifts:)/, '\n');
    const line = (needle: string) => lineOf(text, needle);
    const lines = problems(text);
    expect(lines).toEqual(
      expect.arrayContaining([
        `shifts[0].timezone: "Mars/Olympus" is not an IANA time zone (e.g. Europe/Berlin) (line ${line('Mars/Olympus')})`,
        `shifts[0].department: "sales" is not a department in departments (line ${line('department: sales')})`,
        `shifts[0].people[1]: "zed" is not a person in people (line ${line('zed')})`,
        `shifts[0].end: is the same as start; a shift needs a length (an end before the start runs past midnight) (line ${line('department: sales')})`,
        `shifts[1].rotation: has no people to rotate; list them under people (line ${line('rotation: weekly')})`,
        `shifts[1].rotationStart: is not a real date (line ${line('2026-02-30')})`,
        `shifts[2].id: id "late" is already used by shifts[1] (line ${line('name: Night')})`,
        `shifts[2].start: must be a 24-hour time such as 08:30 (line ${line('25:00')})`,
        `shifts[2].days[0]: must be one of mon, tue, wed, thu, fri, sat, sun (line ${line('funday')})`,
      ]),
    );
    expect(lines).toHaveLength(9);
  });

  it('turns reminders and handoff prompts off with `off`, and fills in the defaults otherwise', () => {
    const off = parseTeamConfig(`${example}`.replace(/\nreminders:[\s\S]*?(?=\n[a-z#]|$)/, '\nreminders: { beforeShift: off, eveningBefore: off }').replace(/\nhandoffs:[\s\S]*?(?=\n[a-z#]|$)/, '\nhandoffs: { promptBefore: off, acknowledgeWithin: off }'));
    expect([off.reminders, off.handoffs]).toEqual([{ beforeShift: null, eveningBefore: 'off' }, { promptBefore: null, acknowledgeWithin: null }]);
    const defaults = parseTeamConfig(`${example}`.replace(/\nreminders:[\s\S]*?(?=\n[a-z#]|$)/, '').replace(/\nhandoffs:[\s\S]*?(?=\n[a-z#]|$)/, ''));
    expect([defaults.reminders, defaults.handoffs]).toEqual([{ beforeShift: 3_600_000, eveningBefore: { ifStartsBefore: '07:00', at: '18:00' } }, { promptBefore: 1_800_000, acknowledgeWithin: 900_000 }]);
  });

  it('checks escalation levels: their people exist, and they replace managerAfterMisses rather than join it', () => {
    const text = example.replace('  # levels:\n  #   - { notify: onDuty }\n  #   - { notify: leads, after: 20m }\n', '  levels:\n    - { notify: onDuty }\n    - { notify: [ben, zed], after: 20m }\n    - { notify: everyone }\n').replace('  #   - { notify: managers, after: 1h }\n', '');
    expect(problems(text).sort()).toEqual([
      `escalations.levels[2].notify: must be onDuty, leads, managers or a list of person ids (line ${lineOf(text, 'notify: everyone')})`,
      `escalations.managerAfterMisses: levels replace managerAfterMisses; remove it (it meant: the managers, (managerAfterMisses − 1) × renotifyEvery after the deadline) (line ${lineOf(text, 'managerAfterMisses: 3')})`,
      `escalations.levels[1].notify[1]: "zed" is not a person in people (line ${lineOf(text, '[ben, zed]')})`,
    ].sort());
    const fine = text.replace('    - { notify: [ben, zed], after: 20m }\n    - { notify: everyone }\n', '    - { notify: leads, after: 20m }\n').replace(/ {2}managerAfterMisses: 3.*\n/, '');
    expect(parseTeamConfig(fine).escalations.levels).toEqual([{ notify: 'onDuty' }, { notify: 'leads', after: 20 * 60_000 }]);
    expect(problems(example.replace('defaultSeverity: P3', 'defaultSeverity: P9'))).toEqual([`escalations.defaultSeverity: "P9" is not a severity in severities (line ${lineOf(example, 'defaultSeverity: P3')})`]);
  });

  it('says so when the file is missing', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'shiftlead-config-'));
    await expect(loadTeamConfig(join(dir, 'nope.yaml'))).rejects.toMatchObject({ problems: ['file not found (copy shiftlead.example.yaml to start)'] });
    await writeFile(join(dir, 'ok.yaml'), example);
    await expect(loadTeamConfig(join(dir, 'ok.yaml'))).resolves.toMatchObject({ organization: { name: 'Acme Support' } });
  });
});

describe('team configuration: CSAT and pulses', () => {
  const pulse = (extra: string) => `${example}\n`.replace('    minResponses: 3              # this roster has four people; use 5 or more for larger teams\n', extra);

  it('fills in the defaults', () => {
    const config = parseTeamConfig(example);
    expect(config.departments.map((d) => d.csat.afterResolve)).toEqual(['requester', 'requester']);
    expect(config.pulses[0]).toMatchObject({ id: 'team-pulse', every: 2, day: 'fri', at: '15:00', openFor: 3 * 86_400_000, minResponses: 3 });
    expect(parseTeamConfig(pulse('')).pulses[0]?.minResponses).toBe(5);
  });

  it('refuses minResponses below 3, a time in quiet hours, unknown people, and a round longer than the gap between rounds — with key and line', () => {
    const text = pulse('    minResponses: 2\n    who: { people: [ana, zed] }\n').replace('    at: "15:00"', '    at: "21:30"').replace('    openFor: 3d ', '    openFor: 15d');
    expect(problems(text)).toEqual(
      expect.arrayContaining([
        `pulses[0].minResponses: must be at least 3: fewer answers could identify who wrote them (line ${lineOf(text, 'minResponses: 2')})`,
        `pulses[0].at: 21:30 is inside quiet hours (20:00–08:00); pick a time outside them (line ${lineOf(text, 'at: "21:30"')})`,
        `pulses[0].who.people[1]: "zed" is not a person in people (line ${lineOf(text, 'who: { people')})`,
        `pulses[0].openFor: must be shorter than every (2w), so that a round closes before the next one (line ${lineOf(text, 'openFor: 15d')})`,
      ]),
    );
    expect(problems(text)).toHaveLength(4);
    const rating = example.replace('        text: How manageable was your workload over the last two weeks?\n', '');
    expect(problems(rating)).toEqual([`pulses[0].questions[1]: a rating question needs its text (line ${lineOf(rating, '- kind: rating')})`]);
    const csat = example.replace('      afterResolve: requester ', '      afterResolve: sometimes ');
    expect(problems(csat)).toEqual([`departments[0].csat.afterResolve: must be requester, channel or off (line ${lineOf(csat, 'afterResolve: sometimes')})`]);
  });
});

/**
 * How commands name people (/nudge, /kudos, /shift assign): one lookup in the roster for every
 * feature — ids, names, emails, platform ids, Slack mentions and Teams' `@Display Name`.
 */
import { describe, expect, it } from 'vitest';
import { Roster } from '../../src/core/roster.js';
import { exampleConfig } from '../support/app.js';

const roster = new Roster(exampleConfig().people);
const id = (r: ReturnType<Roster['leading']>) => (r.person ? [r.person.id, r.rest] : ['?', r.unknown]);

describe('people named in commands', () => {
  it('finds a person by id, full or unique first name, email, platform id or Slack mention, in any case', () => {
    for (const word of ['caro', 'CARO', '@caro', 'Carolina', 'carolina díaz', 'U0CARODIA', '<@U0CARODIA>', '<@U0CARODIA|caro>']) expect(roster.named(word)?.id, word).toBe('caro');
    expect(roster.named('nobody')).toBeUndefined();
    expect(roster.named('')).toBeUndefined();
    expect(roster.named('<@U0NOTHERE|x>')).toBeUndefined();
  });

  it('a first name two people share names nobody', () => {
    const twins = new Roster([...exampleConfig().people, { ...exampleConfig().people[2]!, id: 'carol', name: 'Carolina Silva', slack: 'U0CAROLSI' }]);
    expect(twins.named('carolina')).toBeUndefined();
    expect(twins.named('Carolina Silva')?.id).toBe('carol');
  });

  it('takes the longest run of leading words that names someone, and keeps the rest as written', () => {
    expect(id(roster.leading('@Carolina Díaz great call with <b>Acme</b>'))).toEqual(['caro', 'great call with <b>Acme</b>']);
    expect(id(roster.leading('<@U0BENOKAF|ben>   for the rota'))).toEqual(['ben', 'for the rota']);
    expect(id(roster.leading('ben'))).toEqual(['ben', '']);
    expect(id(roster.leading('Carolina thanks'))).toEqual(['caro', 'thanks']);
    expect(id(roster.leading('nobody here'))).toEqual(['?', 'nobody']);
    expect(id(roster.leading('<@U0NOTHERE> hi'))).toEqual(['?', '<@U0NOTHERE>']);
  });
});

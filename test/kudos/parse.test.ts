/** Who `/kudos` names, and what the thanks says, from each platform's command text. */
import { describe, expect, it } from 'vitest';
import { parseKudos, slackPlain } from '../../src/core/kudos/parse.js';
import { Roster } from '../../src/core/roster.js';
import { exampleConfig } from '../support/app.js';

const roster = new Roster(exampleConfig().people);
const parse = (text: string) => {
  const r = parseKudos(text, roster);
  return r.ok ? { person: r.person.id, text: r.text } : r;
};

describe('parsing /kudos', () => {
  it('finds the person by Slack mention, Teams @Name, id, full name, first name or email', () => {
    expect(parse('<@U0BENOKAF|ben> for the refund')).toEqual({ person: 'ben', text: 'for the refund' });
    expect(parse('<@U0BENOKAF> thanks')).toEqual({ person: 'ben', text: 'thanks' });
    expect(parse('@Carolina Díaz for the calm handoff')).toEqual({ person: 'caro', text: 'for the calm handoff' });
    expect(parse('caro great call')).toEqual({ person: 'caro', text: 'great call' });
    expect(parse('Carolina for the rota')).toEqual({ person: 'caro', text: 'for the rota' });
    expect(parse('dev@acme.example for nights')).toEqual({ person: 'dev', text: 'for nights' });
    expect(parse('  ')).toEqual({ ok: false, problem: 'empty' });
    expect(parse('zed for x')).toEqual({ ok: false, problem: 'unknown', word: 'zed' });
    expect(parse('<@U0NOBODY1> for x')).toEqual({ ok: false, problem: 'unknown', word: '<@U0NOBODY1>' });
  });

  it('reads Slack’s escaped text as it was written', () => {
    expect(parse('<@U0BENOKAF|ben> for helping <@U0CARODIA|caro> in <#C0SUPPORT|support> &amp; fixing <https://acme.example/t/1|the ticket> &lt;3')).toEqual({
      person: 'ben',
      text: 'for helping @Carolina Díaz in #support & fixing the ticket (https://acme.example/t/1) <3',
    });
    expect(slackPlain('<!here> see <https://acme.example>', roster)).toBe('@here see https://acme.example');
  });
});

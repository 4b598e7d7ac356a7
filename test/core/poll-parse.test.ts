/** /poll and /csat arguments: what is accepted, and the one clear sentence for everything else. */
import { describe, expect, it } from 'vitest';
import { parseCloses, parseCsat, parsePoll } from '../../src/core/polls/poll-parse.js';

const NOW = new Date('2027-01-08T10:00:00Z');
const ZONE = 'Europe/Lisbon';
const poll = (text: string) => parsePoll(text, NOW, ZONE);
const problem = (text: string) => {
  const parsed = poll(text);
  return parsed.ok ? 'accepted' : parsed.message;
};

describe('/poll arguments', () => {
  it('takes a quoted question (straight or typographic quotes), 2–10 options and the flags', () => {
    expect(poll('"Where shall we eat?" pizza | sushi | tacos')).toEqual({ ok: true, request: { question: 'Where shall we eat?', options: ['pizza', 'sushi', 'tacos'], anonymous: false, closesAt: new Date('2027-01-09T10:00:00Z') } });
    expect(poll('“Lunch?” pizza|sushi --anonymous --closes 2h')).toMatchObject({ ok: true, request: { question: 'Lunch?', options: ['pizza', 'sushi'], anonymous: true, closesAt: new Date('2027-01-08T12:00:00Z') } });
    expect(poll('Lunch? pizza | sushi --closes 17:30')).toMatchObject({ ok: true, request: { question: 'Lunch?', closesAt: new Date('2027-01-08T17:30:00Z') } });
    expect(poll('"Offsite?" yes | no --closes 2027-01-20 09:00')).toMatchObject({ ok: true, request: { closesAt: new Date('2027-01-20T09:00:00Z') } });
    expect(poll(`"Q?" ${Array.from({ length: 10 }, (_, i) => `o${i}`).join(' | ')}`)).toMatchObject({ ok: true });
  });

  it('answers bad input with one clear sentence', () => {
    expect(problem('"Lunch?" pizza')).toContain('A poll needs 2 to 10 options separated by |; this one has 1.');
    expect(problem(`"Lunch?" ${Array.from({ length: 11 }, (_, i) => `o${i}`).join(' | ')}`)).toContain('this one has 11.');
    expect(problem('"" a | b')).toContain('The poll needs a question');
    expect(problem(`"${'q'.repeat(301)}" a | b`)).toBe('The question is 301 characters; the most is 300. Shorten it and try again.');
    expect(problem(`"Q?" a | ${'o'.repeat(76)}`)).toBe('Option 2 is 76 characters; the most is 75.');
    expect(problem('"Q?" a || b')).toBe('Option 2 is empty; separate options with a single |.');
    expect(problem('"Q?" pizza | Pizza')).toBe('Options 1 and 2 are the same ("Pizza").');
    expect(problem('"Q?" a | b --closes 09:00')).toBe('That closing time (09:00 today, Europe/Lisbon) has already passed; pick a time in the future.');
    expect(problem('"Q?" a | b --closes 2026-12-01 09:00')).toContain('has already passed');
    expect(problem('"Q?" a | b --closes 31d')).toBe('A poll can stay open at most 30 days (--closes 31d is 31d away).');
    expect(problem('"Q?" a | b --closes soon')).toContain('"--closes soon" is not a time');
    expect(problem('"Q?" a | b --closes')).toContain('--closes needs a time');
    expect(problem('"Q?" a | b --secret')).toBe('Unknown option "--secret": use --anonymous or --closes 2h.');
    expect(problem('Lunch pizza | sushi')).toContain('Put the question in quotes');
    expect(problem('"Lunch? pizza | sushi')).toContain("closing quote is missing");
  });
});

describe('/csat arguments', () => {
  it('has a default question, takes one, and checks it', () => {
    expect(parseCsat('', NOW, ZONE)).toMatchObject({ ok: true, request: { question: 'How satisfied are you with the support you received?', options: [], anonymous: false } });
    expect(parseCsat('"How was the onboarding call?" --anonymous', NOW, ZONE)).toMatchObject({ ok: true, request: { question: 'How was the onboarding call?', anonymous: true } });
    expect(parseCsat('x'.repeat(301), NOW, ZONE)).toMatchObject({ ok: false, message: expect.stringContaining('301 characters') });
  });

  it('reads closing times in the person’s zone, across a DST change', () => {
    // New York on the spring-forward day: 02:30 does not exist, so it is 03:00 local (07:00 UTC).
    expect(parseCloses('2027-03-14 02:30', new Date('2027-03-13T12:00:00Z'), 'America/New_York')).toEqual({ ok: true, at: new Date('2027-03-14T07:00:00Z') });
  });
});

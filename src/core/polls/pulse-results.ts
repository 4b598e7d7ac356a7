/**
 * Pulse results: eNPS (% promoters 9–10 − % detractors 0–6), each rating's average and
 * distribution, the change from the previous round and the response rate — shown only when at
 * least `minResponses` people answered, and free text only then, sorted so that its order says
 * nothing about who wrote it or when.
 */
import { escapeText, timeToken, type Block, type Message } from '../../chat/message.js';
import type { PulseAnswer, Question, RoundState } from './pulse-model.js';

export type QuestionResult =
  | { kind: 'enps'; text: string; n: number; enps: number; promoters: number; passives: number; detractors: number; change?: number }
  | { kind: 'rating'; text: string; n: number; average: number; distribution: number[]; change?: number }
  | { kind: 'text'; text: string; answers: string[] };

export interface PulseResults {
  round: RoundState;
  responses: number;
  /** False below `minResponses`: nothing but the counts may be shown. */
  shown: boolean;
  questions: QuestionResult[];
}

const scores = (answers: PulseAnswer[], i: number) => answers.map((a) => a[i]).filter((v): v is number => typeof v === 'number');

function questionResult(q: Question, i: number, answers: PulseAnswer[]): QuestionResult {
  if (q.kind === 'text') {
    const texts = answers.map((a) => a[i]).filter((v): v is string => typeof v === 'string' && v.trim() !== '');
    return { kind: 'text', text: q.text, answers: texts.sort((a, b) => a.localeCompare(b)) };
  }
  const values = scores(answers, i);
  const n = values.length;
  if (q.kind === 'enps') {
    const share = (test: (v: number) => boolean) => (n === 0 ? 0 : (100 * values.filter(test).length) / n);
    const promoters = share((v) => v >= 9);
    const detractors = share((v) => v <= 6);
    return { kind: 'enps', text: q.text, n, enps: Math.round(promoters - detractors), promoters: Math.round(promoters), passives: Math.round(100 - promoters - detractors), detractors: Math.round(detractors) };
  }
  const distribution = [1, 2, 3, 4, 5].map((s) => values.filter((v) => v === s).length);
  return { kind: 'rating', text: q.text, n, average: n === 0 ? 0 : values.reduce((a, b) => a + b, 0) / n, distribution };
}

/** The results of a round, compared with the previous round's when both were shown. */
export function pulseResults(round: RoundState, answers: PulseAnswer[], previous?: PulseResults): PulseResults {
  const shown = answers.length >= round.minResponses;
  const questions = round.questions.map((q, i) => questionResult(q, i, answers));
  if (shown && previous?.shown) {
    questions.forEach((r, i) => {
      const before = previous.questions[i];
      if (!before || before.kind !== r.kind || before.text !== r.text) return;
      if (r.kind === 'enps' && before.kind === 'enps') r.change = r.enps - before.enps;
      if (r.kind === 'rating' && before.kind === 'rating') r.change = Math.round((r.average - before.average) * 10) / 10;
    });
  }
  return { round, responses: answers.length, shown, questions };
}

const signed = (n: number, digits = 0) => `${n > 0 ? '+' : n < 0 ? '−' : '±'}${Math.abs(n).toFixed(digits)}`;

function rate(results: PulseResults): string {
  const { responses, round } = results;
  const pct = round.asked > 0 ? ` (${Math.round((100 * responses) / round.asked)}%)` : '';
  return `Response rate: ${responses} of ${round.asked} asked${pct}.`;
}

function questionLines(r: QuestionResult, withText: boolean): string | undefined {
  switch (r.kind) {
    case 'enps': {
      const change = r.change !== undefined ? ` · ${signed(r.change)} since the last round` : '';
      return `**eNPS ${signed(r.enps)}**${change}\n${escapeText(r.text)}\npromoters (9–10) ${r.promoters}% · passives (7–8) ${r.passives}% · detractors (0–6) ${r.detractors}%`;
    }
    case 'rating': {
      const change = r.change !== undefined ? ` · ${signed(r.change, 1)} since the last round` : '';
      const bars = r.distribution.map((n, i) => `${i + 1}: ${n}`).join(' · ');
      return `**${r.average.toFixed(1)} / 5**${change} — ${escapeText(r.text)}\n${bars}`;
    }
    case 'text': {
      if (!withText) return `${escapeText(r.text)}\nWritten answers are shown when the round closes, so that a new one cannot be spotted as it arrives.`;
      if (r.answers.length === 0) return `${escapeText(r.text)}\nNo written answers.`;
      return `${escapeText(r.text)} (${r.answers.length} written answers, in alphabetical order, without names or times)\n${r.answers.map((a) => `• ${escapeText(a)}`).join('\n')}`;
    }
  }
}

/** The results as managers read them (at close by DM, or privately with /pulse). */
export function resultsBlocks(results: PulseResults, final: boolean): Block[] {
  const { round } = results;
  const when = final ? `closed ${timeToken(round.closedAt ?? round.closesAt)}` : `open until ${timeToken(round.closesAt)}`;
  const blocks: Block[] = [{ type: 'header', text: `📋 ${round.name}: ${final ? 'results' : 'results so far'}` }];
  if (!results.shown) {
    blocks.push({ type: 'section', text: `Not enough responses to show results without identifying anyone: ${results.responses} answered, ${round.minResponses} needed. ${rate(results)}` });
  } else {
    for (const r of results.questions) {
      const lines = questionLines(r, final);
      if (lines) blocks.push({ type: 'section', text: lines });
    }
    blocks.push({ type: 'section', text: rate(results) });
  }
  blocks.push({ type: 'context', text: `Round ${round.id} · ${when} · answers are anonymous: nobody can see who answered what.` });
  return blocks;
}

export function resultsMessage(results: PulseResults, final: boolean): Message {
  const text = results.shown ? `${results.round.name}: ${final ? 'results' : 'results so far'} (${results.responses} answered)` : `${results.round.name}: not enough responses to show results`;
  return { text, blocks: resultsBlocks(results, final) };
}

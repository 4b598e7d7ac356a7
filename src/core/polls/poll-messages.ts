/** How polls read in chat: the poll with its live summary, the closed poll, the result line, private answers. */
import { escapeText, mention, timeToken, type Block, type Button, type Message, type PersonHandle } from '../../chat/message.js';
import type { Roster } from '../roster.js';
import { RATING_LABELS, type PollState } from './poll-model.js';

export const POLL_KEY = (id: string) => `poll.${id}`;
export const VOTE_ACTION = 'poll.vote';
export const CLOSE_ACTION = 'poll.close';
/** The longest question shown as a header. */
const HEADER_MAX = 140;
/** Buttons per row: five keeps every Teams action set within its six actions. */
const PER_ROW = 5;

export const say = (text: string): Message => ({ text, blocks: [{ type: 'section', text }] });

export function optionLabel(state: Pick<PollState, 'poll'>, index: number): string {
  const { poll } = state;
  return poll.kind === 'rating' ? `${index} · ${RATING_LABELS[index - 1] ?? ''}` : (poll.options[index - 1] ?? `option ${index}`);
}

/** Ratings are shown best first; choices in the order they were asked. */
function order(state: PollState): number[] {
  const indexes = state.counts.map((_, i) => i + 1);
  return state.poll.kind === 'rating' ? indexes.reverse() : indexes;
}

export function totals(state: PollState): { responses: number; average?: number } {
  const responses = state.counts.reduce((a, b) => a + b, 0);
  if (state.poll.kind !== 'rating' || responses === 0) return { responses };
  const sum = state.counts.reduce((a, c, i) => a + c * (i + 1), 0);
  return { responses, average: sum / responses };
}

const plural = (n: number, one: string, many = `${one}s`) => `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;
const pct = (n: number, of: number) => (of === 0 ? 0 : Math.round((100 * n) / of));

/** Counts only, never names: a bar, the count and the share of each option. */
function summary(state: PollState, final: boolean): string {
  const { responses, average } = totals(state);
  const max = Math.max(1, ...state.counts);
  const head =
    responses === 0 ? (final ? '**No responses.**' : '**No responses yet.**')
    : `**${plural(responses, 'response')}**${average !== undefined ? ` · average **${average.toFixed(1)}** / 5` : ''}`;
  const lines = order(state).map((i) => {
    const n = state.counts[i - 1] ?? 0;
    const bar = n === 0 ? '·' : '█'.repeat(Math.max(1, Math.round((10 * n) / max)));
    return `${escapeText(optionLabel(state, i))}  ${bar} ${n} (${pct(n, responses)}%)`;
  });
  return [head, ...lines].join('\n');
}

function buttonRows(state: PollState): Block[] {
  const { poll } = state;
  const buttons: Button[] = state.counts.map((_, i) => ({ actionId: VOTE_ACTION, label: optionLabel(state, i + 1), value: `${poll.id} ${i + 1}` }));
  const rows: Block[] = [];
  for (let i = 0; i < buttons.length; i += PER_ROW) rows.push({ type: 'actions', buttons: buttons.slice(i, i + PER_ROW) });
  rows.push({ type: 'actions', buttons: [{ actionId: CLOSE_ACTION, label: 'Close poll', value: poll.id, style: 'danger' }] });
  return rows;
}

/** Who can see what, in one line. */
export function privacyLine(state: Pick<PollState, 'poll'>): string {
  return state.poll.anonymous ? 'Anonymous: nobody, not even its creator, can see who voted what.' : 'Only totals are shown; names are never shown.';
}

/** The poll as posted and updated in place: the question, the live summary, the buttons (until it closes). */
export function pollMessage(state: PollState, roster: Roster): Message {
  const { poll } = state;
  const creator = roster.handle(poll.creator);
  const people: Record<string, PersonHandle> = { [creator.key]: creator.handle };
  const open = state.status === 'open';
  const title = `${poll.kind === 'rating' ? '⭐' : '📊'} ${poll.question}`;
  // Headers are short on every platform (Slack: 150): a longer question is a bold section instead.
  const blocks: Block[] = [title.length <= HEADER_MAX ? { type: 'header', text: title } : { type: 'section', text: `**${escapeText(title)}**` }, { type: 'section', text: summary(state, !open) }];
  if (open) blocks.push(...buttonRows(state));
  let when: string;
  if (open) when = `closes ${timeToken(poll.closesAt)}`;
  else if (state.closedBy) {
    const closer = roster.handle(state.closedBy);
    people[closer.key] = closer.handle;
    when = `closed ${timeToken(state.closedAt ?? poll.closesAt)} by ${mention(closer.key)}`;
  } else when = `closed ${timeToken(state.closedAt ?? poll.closesAt)}`;
  blocks.push({ type: 'context', text: `${poll.id} · asked by ${mention(creator.key)} · ${when} · ${privacyLine(state)}` });
  const { responses } = totals(state);
  const text = `${open ? 'Poll' : 'Poll closed'}: ${poll.question} (${plural(responses, 'response')})`;
  return { text, blocks, people };
}

/** The one line a closed poll adds to its thread. */
export function resultLine(state: PollState): Message {
  const { poll } = state;
  const { responses, average } = totals(state);
  let text: string;
  if (responses === 0) text = `📊 ${poll.id} closed with no responses.`;
  else if (average !== undefined) text = `⭐ ${poll.id} closed: average **${average.toFixed(1)}** / 5 from ${plural(responses, 'response')}.`;
  else {
    const top = Math.max(...state.counts);
    const winners = state.counts.flatMap((n, i) => (n === top ? [`**${escapeText(optionLabel(state, i + 1))}**`] : []));
    text =
      winners.length === 1 ? `📊 ${poll.id} closed: ${winners[0]} won with ${plural(top, 'vote')} of ${responses} (${pct(top, responses)}%).`
      : `📊 ${poll.id} closed: ${winners.join(' and ')} tied with ${plural(top, 'vote')} each, of ${responses}.`;
  }
  return say(text);
}

/** The neutral chart block on each platform, within each platform's documented limits. */
import { describe, expect, it } from 'vitest';
import { Message, type ChartBlock } from '../../src/chat/message.js';
import { renderMessage as renderText } from '../../src/platforms/console/render.js';
import { renderMessage as renderSlack } from '../../src/platforms/slack/blocks.js';
import { renderCard } from '../../src/platforms/teams/cards.js';
import { cardProblems, chartsIn } from '../support/adaptive-cards.js';
import { messageProblems, viewProblems } from '../support/block-kit.js';

const days = Array.from({ length: 24 }, (_, i) => `Day ${i + 1}`);
const chart = (title: string, series = 2): ChartBlock => ({
  type: 'chart',
  title,
  summary: `${title}: 4.6 on the last day (target 4.5).`,
  categories: days,
  series: Array.from({ length: series }, (_, s) => ({ name: s === 0 ? 'Frontline support, all shifts' : `Frontline support, all shifts ${s}`, values: days.map((_, i) => 4 + ((i * (s + 1)) % 7) / 10) })),
  xLabel: 'Day',
  yLabel: 'CSAT (1–5), the average of the day’s ratings',
});

const message: Message = Message.parse({
  text: 'Morning briefing',
  blocks: [{ type: 'header', text: 'Morning briefing' }, chart('CSAT over the last twenty-four days, by department and target', 8), chart('First response'), chart('A third chart')],
});

describe('charts', () => {
  it('the neutral model refuses a series that does not fit its categories', () => {
    expect(Message.safeParse({ text: 'x', blocks: [{ ...chart('x'), series: [{ name: 'a', values: [1, 2] }] }] }).success).toBe(false);
    expect(Message.safeParse({ text: 'x', blocks: [{ ...chart('x'), categories: ['a', 'a'], series: [{ name: 'a', values: [1, 2] }] }] }).success).toBe(false);
  });

  it('Slack: two native line charts within the limits, a third as text, each with its summary', () => {
    const slack = renderSlack(message);
    expect(messageProblems(slack as never)).toEqual([]);
    const native = slack.blocks.filter((b) => b.type === 'data_visualization');
    expect(native).toHaveLength(2);
    const [first] = native as Array<Extract<(typeof slack.blocks)[number], { type: 'data_visualization' }>>;
    expect(first?.title).toHaveLength(50);
    expect(first?.chart.series).toHaveLength(6);
    expect(first?.chart.axis_config.categories).toEqual(days.slice(4));
    expect(new Set(first?.chart.series.map((s) => s.name)).size).toBe(6);
    expect(first?.chart.series[0]?.data[0]).toEqual({ label: 'Day 5', value: 4.4 });
    expect(JSON.stringify(slack.blocks)).toContain('A third chart: 4.6 on the last day (target 4.5).');
    expect(JSON.stringify(slack.blocks)).toMatch(/▁|▂|▃|▄|▅|▆|▇|█/);
  });

  it('Slack Home tab and the plain-text retry: no native chart at all', () => {
    const home = renderSlack(message, { surface: 'home' });
    expect(viewProblems({ type: 'home', blocks: home.blocks })).toEqual([]);
    expect(home.blocks.some((b) => b.type === 'data_visualization')).toBe(false);
    expect(renderSlack(message, { charts: false }).blocks.some((b) => b.type === 'data_visualization')).toBe(false);
  });

  it('the Block Kit checker catches a broken chart and a third chart', () => {
    const slack = renderSlack(message);
    const [dv] = slack.blocks.filter((b) => b.type === 'data_visualization');
    const broken = { ...dv, chart: { ...(dv as { chart: object }).chart, series: [{ name: 'x'.repeat(21), data: [{ label: 'Day 5', value: 1 }] }] } };
    expect(messageProblems({ text: 'x', blocks: [broken, dv, dv] }).join('\n')).toMatch(/name must be 1-20[\s\S]*one point per category[\s\S]*3 data_visualization blocks/);
  });

  it('Teams: a Chart.Line with a table fallback per chart, and the summary as text; the card validates', () => {
    const card = renderCard(message);
    expect(cardProblems(card)).toEqual([]);
    const charts = chartsIn(card);
    expect(charts).toHaveLength(3);
    expect(charts[0]).toMatchObject({ type: 'Chart.Line', xAxisTitle: 'Day', fallback: { type: 'Table', firstRowAsHeader: true } });
    expect((charts[0]?.['data'] as unknown[]).length).toBe(8);
    expect(JSON.stringify(card)).toContain('First response: 4.6 on the last day (target 4.5).');
    // Without its fallback the checker refuses the chart.
    const bare = JSON.parse(JSON.stringify(card).replace(/"fallback":\{"type":"Table"/, '"fallbackX":{"type":"Table"')) as Record<string, unknown>;
    expect(cardProblems(bare).join('\n')).toContain('no fallback element');
  });

  it('console: a sparkline per series on one scale, then the summary', () => {
    const { lines } = renderText(message);
    expect(lines).toContain('▌ First response (Day 1 – Day 24)');
    const row = lines.find((l) => l.startsWith('  Frontline support, all shifts  ')) ?? '';
    expect(row).toMatch(/^ {2}Frontline support, all shifts +[▁▂▃▄▅▆▇█]{24} {2}4 → 4\.2$/);
    expect(lines).toContain('· First response: 4.6 on the last day (target 4.5).');
  });
});

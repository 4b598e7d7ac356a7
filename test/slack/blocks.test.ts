/** The Block Kit renderer never emits a payload Slack would reject, whatever the message holds. */
import { describe, expect, it } from 'vitest';
import { escapeText, type Message } from '../../src/chat/message.js';
import { renderMessage } from '../../src/platforms/slack/blocks.js';
import { toMrkdwn } from '../../src/platforms/slack/mrkdwn.js';
import { formView } from '../../src/platforms/slack/views.js';
import { messageProblems, viewProblems } from '../support/block-kit.js';

const long = (n: number, unit = 'word ') => unit.repeat(Math.ceil(n / unit.length)).slice(0, n);

describe('Block Kit renderer', () => {
  it('keeps an oversized message within every documented limit, and says it was cut', () => {
    const message: Message = {
      text: long(50_000),
      blocks: [
        { type: 'header', text: long(400) },
        ...Array.from({ length: 70 }, (_, i) => ({ type: 'section' as const, text: `${i}: ${long(5_000)}` })),
        { type: 'fields', fields: Array.from({ length: 23 }, (_, i) => ({ label: `Field ${i}`, value: long(2_500) })) },
        { type: 'context', text: long(4_000) },
        { type: 'actions', buttons: Array.from({ length: 30 }, (_, i) => ({ actionId: 'same.action', label: long(100), value: long(2_500) + i })) },
      ],
    };
    const rendered = renderMessage(message);
    expect(messageProblems(rendered as unknown as Record<string, unknown>)).toEqual([]);
    expect(rendered.blocks).toHaveLength(50);
    expect(JSON.stringify(rendered.blocks.at(-1))).toContain('more (too long for one Slack message)');
    expect(rendered.text.endsWith('…')).toBe(true);
    const header = rendered.blocks[0] as { text: { text: string } };
    expect(header.text.text).toHaveLength(150);
  });

  it('escapes what people type, so that user text can never ping a channel or break a link', () => {
    const summary = 'Call <!channel> now & see <https://evil.example|here> **loud** <@ana>';
    const out = toMrkdwn(`**${escapeText('ESC-1')}** ${escapeText(summary)}`);
    expect(out).toBe('*ESC-1* Call &lt;!channel&gt; now &amp; see &lt;https://evil.example|here&gt; **loud** &lt;@ana&gt;');
  });

  it('renders mentions, links and times as Slack tokens, and never cuts one in half', () => {
    const people = { ben: { name: 'Ben Okafor', slack: 'U0BENOKAF' }, dev: { name: 'Dev Patel' } };
    const text = 'Ping <@ben> and <@dev>, see [ticket 4411](https://help.example.com/t/4411) by <time:2026-03-29T01:30:00Z>';
    expect(toMrkdwn(text, people)).toBe(
      'Ping <@U0BENOKAF> and *Dev Patel*, see <https://help.example.com/t/4411|ticket 4411> by <!date^1774747800^{date_short_pretty} {time}|2026-03-29 01:30 UTC>',
    );
    for (let max = 5; max < 120; max += 7) {
      const cut = toMrkdwn(text, people, max);
      expect(cut.length).toBeLessThanOrEqual(max);
      expect(cut.split('<').length).toBe(cut.split('>').length);
    }
  });

  it('builds modals within the view limits', () => {
    const view = formView(
      {
        id: 'escalation.create',
        title: 'A title far longer than twenty-four characters',
        submitLabel: 'Submit this escalation now please',
        state: 'x'.repeat(2000),
        fields: [
          { id: 'summary', label: long(2_500), kind: 'text', required: true, maxLength: 40_000, initial: long(5_000), placeholder: long(300), hint: long(2_500) },
          { id: 'severity', label: 'Severity', kind: 'select', required: true, options: Array.from({ length: 130 }, (_, i) => ({ value: `v${i}-${long(200, 'x')}`, label: long(100) })) },
          { id: 'owner', label: 'Owner', kind: 'user', required: false },
          { id: 'ticket', label: 'Ticket', kind: 'url', required: false, initial: 'not a url' },
        ],
      },
      JSON.stringify({ s: 'x'.repeat(2000), c: 'C0123' }),
    );
    expect(viewProblems(view)).toEqual([]);
    expect(() => formView({ id: 'f', title: 't', submitLabel: 's', fields: [{ id: 'a', label: 'a', kind: 'text', required: true }] }, 'x'.repeat(3001))).toThrow(/too large/);
  });
});

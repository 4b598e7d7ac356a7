import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger, scrub } from '../src/log.js';

function capture() {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(...chunk.toString().trim().split('\n'));
      done();
    },
  });
  return { lines, log: createLogger({ destination, level: 'debug' }) };
}

describe('logs', () => {
  it('redacts tokens, secrets, emails and phone numbers in messages and fields', async () => {
    const { lines, log } = capture();
    log.info(
      { token: 'xoxb-123-456-abcdef', headers: { authorization: 'Bearer eyJhbGciOi.x.y' }, person: { email: 'ana@acme.example', note: 'call +44 20 7946 0958' } },
      'installed with xoxb-999-888-zzz for ana@acme.example, phone (415) 555-2671',
    );
    log.error({ err: new Error('refresh failed for xoxe-1-abc') }, 'oops');
    await new Promise((r) => setTimeout(r, 50));
    const text = lines.join('\n');
    for (const secret of ['xoxb-123', 'eyJhbGci', 'ana@acme', '7946', '555-2671', 'xoxb-999', 'xoxe-1-abc']) expect(text).not.toContain(secret);
    const first = JSON.parse(lines[0] as string) as Record<string, unknown>;
    expect(first).toMatchObject({ level: 'info', token: '[redacted]', person: { email: '[email]', note: 'call [phone]' } });
    expect(first['msg']).toBe('installed with xox?-[redacted] for [email], phone [phone]');
  });

  it('leaves ids, timestamps and ordinary numbers alone', () => {
    expect(scrub('ESC-42 at 1531420618.000100 in C0123 ts 2026-11-23')).toBe('ESC-42 at 1531420618.000100 in C0123 ts 2026-11-23');
  });
});

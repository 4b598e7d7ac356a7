/** The console REPL of an in-process app, typed into and read from. */
import { PassThrough } from 'node:stream';
import { afterEach } from 'vitest';
import { startTestApp } from './app.js';
import { deletePrefix, newRedis } from './redis.js';

/** The console REPL of the running app, typed into in-process. */
export class ConsoleLines {
  readonly input = new PassThrough();
  readonly output = new PassThrough();
  out = '';
  /** Where the output stood when the last line was typed. */
  private mark = 0;
  constructor() {
    this.output.on('data', (c: Buffer) => (this.out += c.toString()));
  }
  /** Waits until everything printed so far matches. */
  async printed(expect: string | RegExp, timeoutMs = 15_000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    while (!(typeof expect === 'string' ? this.out.includes(expect) : expect.test(this.out))) {
      if (Date.now() > deadline) throw new Error(`console did not print ${String(expect)}; printed: ${this.out}`);
      await new Promise((r) => setTimeout(r, 20));
    }
    return this.out;
  }

  /** Types a line; returns what was printed after it once `expect` appears. */
  async type(line: string, expect: string | RegExp, timeoutMs = 10_000): Promise<string> {
    this.mark = this.out.length;
    this.input.write(`${line}\n`);
    return this.waitFor(expect, timeoutMs);
  }

  /** Waits until what was printed since the last typed line matches. */
  async waitFor(expect: string | RegExp, timeoutMs = 10_000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const since = this.out.slice(this.mark);
      if (typeof expect === 'string' ? since.includes(expect) : expect.test(since)) return since;
      if (Date.now() > deadline) throw new Error(`console did not print ${String(expect)}; printed: ${since}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  /** The id and button places of the newest printed message that contains `marker`. */
  latest(marker: string): { message: string; button(label: string): number } {
    const last = this.out.split('┌ ').filter((b) => b.includes(marker)).at(-1) ?? '';
    // Buttons print as "[name] Label", two spaces apart; their place (1, 2, …) works with press too.
    const labels = [...last.matchAll(/\[[a-z0-9-]+\] (.*?)(?= {2}\[|\n)/g)].map((m) => (m[1] as string).trim());
    return {
      message: /· (m\d+)\n/.exec(last)?.[1] ?? '',
      button: (label) => {
        const i = labels.findIndex((l) => l.startsWith(label));
        return i < 0 ? Number.NaN : i + 1;
      },
    };
  }

  /** The id and button places of the newest print of a record's card. */
  card(id: string): { message: string; button(label: string): number } {
    return this.latest(`🚨 ${id} `);
  }
}

type TestApp = Awaited<ReturnType<typeof startTestApp>>;

/**
 * For a test file: starts an in-process app with a console REPL, one per test; after each test it
 * is closed and its Redis keys deleted.
 */
export function consoleAppPerTest(): (options: Omit<Parameters<typeof startTestApp>[0] & object, 'console'>) => Promise<{ app: TestApp; terminal: ConsoleLines }> {
  let running: TestApp | undefined;
  afterEach(async () => {
    const app = running;
    running = undefined;
    if (!app) return;
    await app.close();
    const redis = newRedis();
    await deletePrefix(redis, app.prefix);
    redis.disconnect();
  });
  return async (options) => {
    const terminal = new ConsoleLines();
    running = await startTestApp({ ...options, console: { input: terminal.input, output: terminal.output, onExit: () => undefined } });
    return { app: running, terminal };
  };
}

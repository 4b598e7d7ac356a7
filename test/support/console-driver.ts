/** Drives `npm start`'s console mode (the real main.ts) through stdin and stdout. */
import type { ChildProcess } from 'node:child_process';
import { runTs } from './processes.js';

export class ConsoleDriver {
  out = '';
  err = '';
  private mark = 0;

  private constructor(readonly child: ChildProcess) {
    child.stdout?.on('data', (c: Buffer) => (this.out += c.toString()));
    child.stderr?.on('data', (c: Buffer) => (this.err += c.toString()));
  }

  static async start(env: Record<string, string>): Promise<ConsoleDriver> {
    const child = await runTs('src/main.ts', env);
    const driver = new ConsoleDriver(child);
    await driver.waitFor('Type help', 45_000);
    return driver;
  }

  /** Types a line; returns the output printed after it once `expect` appears. */
  async type(line: string, expect: string | RegExp, timeoutMs = 10_000): Promise<string> {
    this.mark = this.out.length;
    this.child.stdin?.write(`${line}\n`);
    return this.waitFor(expect, timeoutMs);
  }

  /** Waits until the output since the last typed line matches. */
  async waitFor(expect: string | RegExp, timeoutMs = 10_000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const since = this.out.slice(this.mark);
      if (typeof expect === 'string' ? since.includes(expect) : expect.test(since)) return since;
      if (Date.now() > deadline) throw new Error(`console: "${String(expect)}" not printed in ${timeoutMs} ms.\nstdout since: ${since}\nstderr: ${this.err}`);
      await new Promise((r) => setTimeout(r, 25));
    }
  }
}

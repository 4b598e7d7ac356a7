/** Starting the real app (or one of its parts) as a child process, the way a user would. */
import { spawn, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** tsx's loader, by absolute URL, so that an entry point runs from any working directory. */
const TSX = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;

/** Starts a command the way a user would, with only the given environment (and PATH, HOME). */
export function run(command: string, args: string[], env: Record<string, string>, cwd = ROOT): ChildProcess {
  return spawn(command, args, {
    cwd,
    // SHIFTLEAD_ENV_FILE='': a developer's .env never leaks into a test.
    env: { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '', SHIFTLEAD_ENV_FILE: '', ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
}

/** Runs a TypeScript entry point with tsx; resolves once it prints `readyLine` (if given). */
export async function runTs(entry: string, env: Record<string, string>, readyLine?: string, cwd = ROOT): Promise<ChildProcess> {
  const child = run(process.execPath, ['--import', TSX, fileURLToPath(new URL(entry, pathToFileURL(ROOT)))], env, cwd);
  if (readyLine) {
    await new Promise<void>((done, fail) => {
      let out = '';
      let err = '';
      const timer = setTimeout(() => fail(new Error(`${entry} did not print "${readyLine}" in 45 s; stderr: ${err}`)), 45_000);
      child.stdout?.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        if (out.includes(readyLine)) {
          clearTimeout(timer);
          done();
        }
      });
      child.stderr?.on('data', (chunk: Buffer) => (err += chunk.toString()));
      child.once('exit', (code) => {
        clearTimeout(timer);
        fail(new Error(`${entry} exited with ${code} before it was ready; stderr: ${err}`));
      });
    });
  }
  return child;
}

export function exited(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((done) => child.once('exit', (code) => done(code)));
}

/** Everything a child prints, to wait on. */
export class Output {
  out = '';
  err = '';

  constructor(readonly child: ChildProcess) {
    child.stdout?.on('data', (c: Buffer) => (this.out += c.toString()));
    child.stderr?.on('data', (c: Buffer) => (this.err += c.toString()));
  }

  /** Waits until stdout or stderr shows `expect` (or the child exits without it). */
  async waitFor(expect: string | RegExp, timeoutMs = 60_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    const seen = () => [this.out, this.err].some((t) => (typeof expect === 'string' ? t.includes(expect) : expect.test(t)));
    while (!seen()) {
      if (this.child.exitCode !== null || this.child.signalCode !== null) throw new Error(`exited (${this.child.exitCode ?? this.child.signalCode}) before printing "${String(expect)}"; stdout: ${this.out}\nstderr: ${this.err}`);
      if (Date.now() > deadline) throw new Error(`"${String(expect)}" not printed in ${timeoutMs} ms; stdout: ${this.out}\nstderr: ${this.err}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}

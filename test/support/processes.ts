/** Starting the real app (or one of its parts) as a child process, the way a user would. */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Runs a TypeScript entry point with tsx; resolves once it prints `readyLine` (if given). */
export async function runTs(entry: string, env: Record<string, string>, readyLine?: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', entry], {
    cwd: ROOT,
    // SHIFTLEAD_ENV_FILE='': a developer's .env never leaks into a test.
    env: { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '', SHIFTLEAD_ENV_FILE: '', ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
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

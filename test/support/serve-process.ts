import { type ChildProcess, spawn } from 'node:child_process';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const BIN = resolve(dirname(fileURLToPath(import.meta.url)), '../../bin/eightball.js');

export interface ServeProcess {
  child: ChildProcess;
  url: string;
  stderr: () => string;
  /** SIGTERM, then the exit code */
  stop(): Promise<number | null>;
}

/** `eightball serve` on port 0 as a real process; resolves once it says where it listens. */
export function startServe(
  args: string[],
  env: NodeJS.ProcessEnv = {},
  serveArgs: string[] = [],
): Promise<ServeProcess> {
  const child = spawn(process.execPath, [BIN, ...args, 'serve', '--port', '0', ...serveArgs], {
    env: { ...process.env, EIGHTBALL_LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let err = '';
  child.stdout!.resume();
  return new Promise((resolveStart, reject) => {
    const timer = setTimeout(() => reject(new Error(`serve did not start:\n${err}`)), 60_000);
    child.stderr!.on('data', (d: Buffer) => {
      err += d.toString();
      const m = /serving .* on (http:\/\/\S+)/.exec(err);
      if (m) {
        clearTimeout(timer);
        resolveStart({
          child,
          url: m[1]!,
          stderr: () => err,
          stop: () =>
            new Promise((r) => {
              if (child.exitCode !== null) return r(child.exitCode);
              child.once('exit', (code) => r(code));
              child.kill('SIGTERM');
            }),
        });
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`serve exited with ${code} before listening:\n${err}`));
    });
  });
}

import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The shared datasets live beside the repository (../shared/data), never inside it. */
export const SHARED_DATA =
  process.env.EIGHTBALL_SHARED_DATA ??
  resolve(dirname(fileURLToPath(import.meta.url)), '../../../shared/data');

export function sharedFile(...parts: string[]): string {
  return join(SHARED_DATA, ...parts);
}

/** The `skip` option for a test that needs a shared file: a reason when it is missing. */
export function skipUnlessShared(...parts: string[]): string | false {
  const p = sharedFile(...parts);
  return existsSync(p) ? false : `shared data not found at ${p} (set EIGHTBALL_SHARED_DATA)`;
}

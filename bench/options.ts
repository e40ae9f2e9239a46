// What every benchmark reads from its command line and environment.
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The shared datasets: EIGHTBALL_SHARED_DATA, or ../shared/data beside the repository. */
export const SHARED_DATA =
  process.env.EIGHTBALL_SHARED_DATA ?? resolve(dirname(fileURLToPath(import.meta.url)), '../../shared/data');

/** `--name N` from the command line, or `fallback`. */
export function numberArg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

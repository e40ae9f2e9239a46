import { ERROR_CODES, type ErrorCode } from '../domain/index.ts';

export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;
/** 128 + SIGINT, as shells report a command stopped by Ctrl-C */
export const EXIT_INTERRUPTED = 130;

export function exitCodeFor(code: ErrorCode): number {
  return ERROR_CODES[code]?.exit ?? EXIT_FAILURE;
}

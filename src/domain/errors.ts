/** Where a bad record sits in its input, so a person can open the file and find it. */
export interface RecordLocation {
  file: string;
  line: number;
  id?: string | undefined;
}

/** A record that could not be turned into a report: the input is kept so it can be written out. */
export interface RecordError {
  location: RecordLocation;
  field: string;
  reason: string;
  record?: unknown;
  /** The record's original text (a CSV row or JSON line) where the source has it. */
  text?: string | undefined;
}

export function formatRecordError(e: RecordError): string {
  const id = e.location.id ? ` (${e.location.id})` : '';
  return `${e.location.file}:${e.location.line}${id}: ${e.field}: ${e.reason}`;
}

export type ErrorCode =
  | 'usage'
  | 'config'
  | 'unknown-format'
  | 'unknown-column'
  | 'io'
  | 'http'
  | 'database'
  | 'rejected'
  | 'interrupted'
  | 'not-found'
  /** the thing exists already (a task of that name): HTTP 409 */
  | 'conflict'
  /** a service eightball needs (the database, Redis) does not answer now: HTTP 503 */
  | 'unavailable';

/**
 * What each code means to a program: the HTTP status the API answers with and the exit code the
 * CLI ends with. One table, so the two never disagree (an unknown format is a usage error in both).
 */
export const ERROR_CODES: Record<ErrorCode, { http: number; exit: number }> = {
  usage: { http: 400, exit: 2 },
  config: { http: 400, exit: 2 },
  'unknown-format': { http: 400, exit: 2 },
  'unknown-column': { http: 400, exit: 2 },
  rejected: { http: 400, exit: 1 },
  'not-found': { http: 404, exit: 1 },
  conflict: { http: 409, exit: 1 },
  io: { http: 500, exit: 1 },
  http: { http: 502, exit: 1 },
  database: { http: 500, exit: 1 },
  unavailable: { http: 503, exit: 1 },
  interrupted: { http: 500, exit: 130 },
};

/** An expected failure: a code for programs (exit codes, HTTP status) and a message for people. */
export class EightballError extends Error {
  readonly code: ErrorCode;
  override readonly cause: unknown;
  /** the input field at fault, as a dotted path (`reports.3.summary`), where there is one */
  readonly field: string | undefined;

  constructor(code: ErrorCode, message: string, cause?: unknown, field?: string) {
    super(message);
    this.name = 'EightballError';
    this.code = code;
    this.cause = cause;
    this.field = field;
  }

  /** The same error about one input field. */
  static about(field: string, code: ErrorCode, message: string): EightballError {
    return new EightballError(code, message, undefined, field);
  }
}

export function isEightballError(e: unknown): e is EightballError {
  return e instanceof EightballError;
}

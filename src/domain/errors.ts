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
  /** a service eightball needs (the database, Redis) does not answer now: HTTP 503 */
  | 'unavailable';

/** An expected failure: a code for programs (exit codes, HTTP status) and a message for people. */
export class EightballError extends Error {
  readonly code: ErrorCode;
  override readonly cause: unknown;

  constructor(code: ErrorCode, message: string, cause?: unknown) {
    super(message);
    this.name = 'EightballError';
    this.code = code;
    this.cause = cause;
  }
}

export function isEightballError(e: unknown): e is EightballError {
  return e instanceof EightballError;
}

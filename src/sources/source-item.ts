import type { BugReport, RecordError } from '../domain/index.ts';

/** What every source yields: a report (with the line it came from) or a rejected record. */
export type SourceItem =
  | { kind: 'report'; report: BugReport; line: number; text?: string | undefined }
  | { kind: 'error'; error: RecordError };

/** A warning that concerns the whole input rather than one record (an ignored column, say). */
export interface SourceWarning {
  file: string;
  line: number;
  /** the record's id, where the warning is about one record */
  id?: string | undefined;
  message: string;
}

export interface SourceProgress {
  /** Bytes read so far, for a progress bar over a file. */
  bytesRead?: number;
  bytesTotal?: number;
  /** Records seen so far and, where known, in all. */
  records?: number;
  recordsTotal?: number;
}

export interface SourceOptions {
  onWarning?: (w: SourceWarning) => void;
  onProgress?: (p: SourceProgress) => void;
  signal?: AbortSignal;
}

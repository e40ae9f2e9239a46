import type { RecordError } from '../domain/index.ts';
import { EightballError } from '../domain/index.ts';
import { parseDate } from '../sources/values.ts';
import { latestCheckpoint, type Store } from '../store/index.ts';
import type { IngestOptions, IngestPlan, IngestProgress } from './ingest.ts';

/** What every live tracker's sync takes besides its own query. */
export interface TrackerSyncOptions {
  /** overrides the checkpoint: only reports changed on or after this date */
  since?: string;
  /** what the reports are stored as */
  source?: string;
  pageSize?: number;
  /** stop after this many reports (a trial run) */
  limit?: number;
  strict?: boolean;
  rejectsPath?: string;
  signal?: AbortSignal;
  onProgress?: (p: IngestProgress) => void;
  onRejected?: (e: RecordError) => void;
}

/** Where a sync starts: `--since` when given (checked), else the last run's checkpoint. */
export async function syncStart(
  store: Store,
  source: string,
  target: string,
  since?: string,
): Promise<string | null> {
  if (!since) return latestCheckpoint(store.db, source, target);
  const d = parseDate(since);
  if (d instanceof Error || d === null)
    throw EightballError.about('since', 'usage', `--since: "${since}" is not a date (YYYY-MM-DD)`);
  return d;
}

/** The checkpoint of a tracker read oldest change first: the newest update time stored. */
export const newestUpdate: IngestPlan['checkpointAfter'] = (item, _seq, previous) => {
  const t = item.kind === 'report' ? item.report.updatedAt : null;
  return t && (!previous || t > previous) ? t : previous;
};

/** One page, one transaction: a crash loses at most the page in hand. */
export function pageIngestOptions(o: TrackerSyncOptions, pageSize: number): IngestOptions {
  return {
    batchSize: pageSize,
    strict: o.strict,
    rejectsPath: o.rejectsPath,
    signal: o.signal,
    onProgress: o.onProgress,
    onRejected: o.onRejected,
  };
}

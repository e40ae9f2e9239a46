import { EightballError } from '../domain/index.ts';
import { deleteBatch, insertBatch, type Store } from '../store/index.ts';
import { parseReportInput, type ReportInput } from '../triage/index.ts';
import type { JobInfo, JobQueue } from './queue.ts';

export const MAX_BATCH = 10_000;
export const CHUNK_SIZE = 100;

/** Check every report of a batch before anything is stored: a bad one names its index and field. */
export function parseBatch(reports: unknown[]): ReportInput[] {
  if (reports.length === 0 || reports.length > MAX_BATCH) {
    throw EightballError.about('reports', 'usage', `reports: 1 to ${MAX_BATCH} reports`);
  }
  return reports.map((r, i) => parseReportInput(r, `reports.${i}.`));
}

/** Store a batch and queue its classification: the answer for `202 Accepted`. */
export async function submitBatch(
  store: Store,
  queue: JobQueue,
  reports: unknown[],
  userId: number | null,
): Promise<{ batchId: number; job: JobInfo }> {
  const inputs = parseBatch(reports);
  const down = (await queue.health?.()) ?? null;
  if (down) throw new EightballError('unavailable', `batches cannot be queued now: ${down}`);
  const batchId = await insertBatch(store.db, inputs, userId, new Date().toISOString());
  try {
    const job = await queue.enqueue(
      'classify-batch',
      { batchId, total: inputs.length },
      { dedupKey: `batch:${batchId}` },
    );
    return { batchId, job };
  } catch (e) {
    // a batch nobody will ever classify is worse than none: the caller may send it again
    await deleteBatch(store.db, batchId);
    throw e;
  }
}

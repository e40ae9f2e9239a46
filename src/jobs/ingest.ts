import { createWriteStream, type WriteStream } from 'node:fs';
import { hostname } from 'node:os';
import { basename } from 'node:path';
import type { BugReport, RecordError } from '../domain/index.ts';
import { EightballError, formatRecordError } from '../domain/index.ts';
import { enforceFieldLimits } from '../sources/field-limits.ts';
import type { SourceItem, SourceWarning } from '../sources/source-item.ts';
import {
  finishImportRun,
  type ImportRunRow,
  type ImportRunStart,
  type RunProgress,
  recordRunProgress,
  type Store,
  startImportRun,
  upsertReports,
} from '../store/index.ts';

export type ImportStatus = 'completed' | 'interrupted' | 'failed';

export interface ImportCounts {
  imported: number;
  updated: number;
  unchanged: number;
  rejected: number;
}

export interface ImportSummary extends ImportCounts {
  runId: number;
  source: string;
  status: ImportStatus;
  /** records skipped because an earlier run had already stored them */
  resumedFrom: number;
  checkpoint: string | null;
  message: string | null;
}

export interface IngestProgress extends ImportCounts {
  records: number;
  bytesRead?: number;
  bytesTotal?: number;
}

export interface IngestOptions {
  /** import nothing if any record is rejected: everything runs in one transaction */
  strict?: boolean;
  /** write rejected records, one JSON object a line, with where and why */
  rejectsPath?: string;
  batchSize?: number;
  signal?: AbortSignal;
  onProgress?: (p: IngestProgress) => void;
  onRejected?: (e: RecordError) => void;
  /** called on each report before it is stored (labels joined here) */
  enrich?: (r: BugReport) => void;
  /** a record stored with a change (a field cut to its limit, a repeated id): where, and what */
  onWarning?: (w: SourceWarning) => void;
}

export interface IngestPlan {
  run: ImportRunStart;
  items: AsyncIterable<SourceItem>;
  /** items to skip at the start: an interrupted run already stored them */
  skip: number;
  /** the checkpoint after an item: what lets the next run carry on from here */
  checkpointAfter: (item: SourceItem, seq: number, previous: string | null) => string | null;
  /** extra progress (bytes of a file) */
  sourceProgress?: () => { bytesRead?: number; bytesTotal?: number };
}

/** A run on another machine that has not written a heartbeat for this long is taken to be dead. */
const STALE_RUN_MS = 30_000;

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: it exists but belongs to someone else
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Refuse to start while another import of the same input is still running. A run marked
 * "running" whose process is gone (killed, crashed) does not block: the new run resumes it. On
 * this machine that is known at once from its pid; from another machine, by its stale heartbeat.
 */
export async function claimInput(store: Store, previous: ImportRunRow | null, what: string): Promise<void> {
  if (previous?.status !== 'running') return;
  const opts = JSON.parse(previous.options) as { pid?: unknown; host?: unknown };
  const sameHost = opts.host === hostname() && typeof opts.pid === 'number';
  const age = Date.now() - Date.parse(previous.heartbeat_at);
  const alive = sameHost ? opts.pid !== process.pid && processAlive(opts.pid as number) : age < STALE_RUN_MS;
  if (alive) {
    throw new EightballError(
      'usage',
      `another import of ${what} is running (run #${previous.id}${sameHost ? `, pid ${opts.pid}` : ''}, last progress ${Math.round(age / 1000)} s ago)`,
    );
  }
  // its last committed batch and checkpoint stand; the run itself is over
  await finishImportRun(
    store.db,
    previous.id,
    'interrupted',
    {
      imported: previous.imported,
      updated: previous.updated,
      unchanged: previous.unchanged,
      rejected: previous.rejected,
      checkpoint: previous.checkpoint,
    },
    'the importing process ended without finishing (killed or crashed)',
  );
}

/** cyrb53: a fast 53-bit string hash, so a million ids cost numbers, not strings. */
function hash53(s: string): number {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 2654435761);
    h2 = Math.imul(h2 ^ c, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return 4294967296 * (2097151 & h2) + (h1 >>> 0);
}

/** An error raised inside the strict transaction only to roll it back. */
class StrictRollback extends Error {}

class RejectsWriter {
  private stream: WriteStream | null = null;
  constructor(private readonly path: string | undefined) {}
  write(e: RecordError): void {
    if (!this.path) return;
    if (!this.stream) this.stream = createWriteStream(this.path, { flags: 'w' });
    this.stream.write(
      `${JSON.stringify({
        file: e.location.file,
        line: e.location.line,
        id: e.location.id ?? null,
        field: e.field,
        reason: e.reason,
        message: formatRecordError(e),
        text: e.text ?? null,
        record: e.record ?? null,
      })}\n`,
    );
  }
  async close(): Promise<void> {
    const s = this.stream;
    if (!s) return;
    await new Promise<void>((resolve, reject) =>
      s.end((err?: Error | null) => (err ? reject(err) : resolve())),
    );
  }
}

/**
 * The one loop every import runs: read items, reject the bad ones with their reasons, upsert the
 * good ones in batches. Each batch and the run's checkpoint commit together, so a crash or Ctrl-C
 * leaves the database consistent and the next run resumes after the last committed batch.
 */
export async function ingest(
  store: Store,
  plan: IngestPlan,
  opts: IngestOptions = {},
): Promise<ImportSummary> {
  const batchSize = opts.batchSize ?? 500;
  // where warnings say a record is: the file's name, or (a tracker's API) the source's
  const inputName = plan.run.kind === 'file' ? basename(plan.run.target) : plan.run.source;
  // who runs it, so the next run can tell a live import from one that crashed
  const runId = await startImportRun(store.db, {
    ...plan.run,
    options: { ...plan.run.options, pid: process.pid, host: hostname() },
  });
  const counts: ImportCounts = { imported: 0, updated: 0, unchanged: 0, rejected: 0 };
  const rejects = new RejectsWriter(opts.rejectsPath);
  let checkpoint: string | null = plan.run.checkpoint ?? null;
  let seq = 0;
  let status = 'completed' as ImportStatus;
  let message: string | null = null;

  const progress = (): RunProgress => ({ ...counts, checkpoint });
  const report = () => opts.onProgress?.({ ...counts, records: seq, ...(plan.sourceProgress?.() ?? {}) });

  // ids met in this run (53-bit hashes → their first line): the same id twice with other content
  // is said, not passed off as an update
  const seenIds = new Map<number, number>();
  const run = async (db: Store['db'], inTransaction: boolean) => {
    let batch: BugReport[] = [];
    let repeats: { index: number; line: number; first: number }[] = [];
    let batchCheckpoint = checkpoint;
    const flush = async () => {
      if (batch.length === 0) {
        checkpoint = batchCheckpoint;
        return;
      }
      const write = async (tx: Store['db']) => {
        const outcomes = await upsertReports(tx, batch, { sqlite: store.sqlite });
        for (const o of outcomes) counts[o]++;
        for (const r of repeats)
          if (outcomes[r.index] === 'updated')
            opts.onWarning?.({
              file: inputName,
              line: r.line,
              id: batch[r.index]!.externalId,
              message: `externalId: also at line ${r.first} with other content; this later record replaces it`,
            });
        await recordRunProgress(tx, runId, { ...counts, checkpoint: batchCheckpoint });
      };
      if (inTransaction) await write(db);
      else await db.transaction().execute(write);
      checkpoint = batchCheckpoint;
      batch = [];
      repeats = [];
      report();
    };
    const consume = async () => {
      for await (const item of plan.items) {
        seq++;
        if (seq <= plan.skip) {
          batchCheckpoint = plan.checkpointAfter(item, seq, batchCheckpoint);
          if (seq % 1000 === 0) report();
          continue;
        }
        if (item.kind === 'error') {
          counts.rejected++;
          rejects.write(item.error);
          opts.onRejected?.(item.error);
        } else {
          opts.enrich?.(item.report);
          for (const note of enforceFieldLimits(item.report, item.text))
            opts.onWarning?.({ file: inputName, line: item.line, id: item.report.externalId, message: note });
          const key = hash53(`${item.report.source}\u0000${item.report.externalId}`);
          const first = seenIds.get(key);
          if (first === undefined) seenIds.set(key, item.line);
          else repeats.push({ index: batch.length, line: item.line, first });
          batch.push(item.report);
        }
        batchCheckpoint = plan.checkpointAfter(item, seq, batchCheckpoint);
        if (batch.length >= batchSize) await flush();
        else if (seq % 100 === 0) report();
        if (opts.signal?.aborted) {
          status = 'interrupted';
          message = 'interrupted; run the same import again to resume';
          break;
        }
      }
    };
    try {
      await consume();
    } catch (e) {
      // an abort surfaces as an error from the source (a cancelled fetch): keep what was read
      if (!opts.signal?.aborted) throw e;
      status = 'interrupted';
      message = 'interrupted; run the same import again to resume';
    }
    await flush();
    report();
  };

  try {
    if (opts.strict) {
      try {
        await store.db.transaction().execute(async (trx) => {
          await run(trx, true);
          if (counts.rejected > 0) throw new StrictRollback();
          if (status === 'interrupted') throw new StrictRollback();
        });
      } catch (e) {
        if (!(e instanceof StrictRollback)) throw e;
        const why =
          status === 'interrupted' ? 'interrupted' : `${counts.rejected} record(s) rejected with --strict`;
        status = status === 'interrupted' ? 'interrupted' : 'failed';
        message = `${why}: nothing was imported`;
        counts.imported = 0;
        counts.updated = 0;
        counts.unchanged = 0;
        checkpoint = plan.run.checkpoint ?? null;
      }
    } else {
      await run(store.db, false);
    }
  } catch (e) {
    status = 'failed';
    message = e instanceof Error ? e.message : String(e);
    await finishImportRun(store.db, runId, status, progress(), message).catch(() => undefined);
    await rejects.close().catch(() => undefined);
    if (e instanceof EightballError) throw e;
    throw new EightballError('io', `import failed after ${seq} records: ${message}`, e);
  }
  await rejects.close();
  await finishImportRun(store.db, runId, status, progress(), message);
  return {
    runId,
    source: plan.run.source,
    status,
    resumedFrom: plan.skip,
    checkpoint,
    message,
    ...counts,
  };
}

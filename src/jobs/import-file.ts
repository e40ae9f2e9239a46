import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import { EightballError, type RecordError } from '../domain/index.ts';
import type { ColumnMap } from '../sources/csv-source.ts';
import {
  defaultSourceName,
  detectFileFormat,
  type FileFormat,
  readReportFile,
} from '../sources/file-source.ts';
import { labelJoiner, readLabelsFile } from '../sources/labels-file.ts';
import type { SourceWarning } from '../sources/source-item.ts';
import { latestImportRun, type Store } from '../store/index.ts';
import { claimInput, type ImportSummary, type IngestProgress, ingest } from './ingest.ts';

export interface FileImportOptions {
  path: string;
  format?: FileFormat;
  map?: ColumnMap;
  labelsPath?: string;
  source?: string;
  /** a Bugzilla dump's base URL: each bug then links to show_bug.cgi?id=N */
  baseUrl?: string | undefined;
  strict?: boolean;
  rejectsPath?: string;
  batchSize?: number;
  signal?: AbortSignal;
  onProgress?: (p: IngestProgress) => void;
  onWarning?: (w: SourceWarning) => void;
  onRejected?: (e: RecordError) => void;
  /** start over even if an earlier run of this file was interrupted */
  restart?: boolean;
}

export interface FileImportSummary extends ImportSummary {
  format: Exclude<FileFormat, 'auto'>;
  /** label ids in the labels file that matched no report of this import */
  unmatchedLabels: number;
}

/** Import one dump file into the store; the same call serves the CLI and the import job. */
export async function importFile(store: Store, opts: FileImportOptions): Promise<FileImportSummary> {
  let st: ReturnType<typeof statSync>;
  try {
    st = statSync(opts.path);
  } catch {
    throw new EightballError('io', `${opts.path}: no such file`);
  }
  if (!st.isFile()) throw new EightballError('io', `${opts.path}: not a file`);
  if (opts.baseUrl !== undefined && !/^https?:\/\/[^\s/]+/.test(opts.baseUrl))
    throw EightballError.about('baseUrl', 'usage', `--base-url: "${opts.baseUrl}" is not an http(s) URL`);
  const format = !opts.format || opts.format === 'auto' ? await detectFileFormat(opts.path) : opts.format;
  const source = opts.source ?? defaultSourceName(opts.path, format);
  const target = resolve(opts.path);
  const fingerprint = `${st.size}:${Math.floor(st.mtimeMs)}`;

  let skip = 0;
  const previous = await latestImportRun(store.db, source, target);
  await claimInput(store, previous, `${opts.path} into source "${source}"`);
  if (
    !opts.restart &&
    !opts.strict &&
    previous &&
    previous.status !== 'completed' &&
    previous.fingerprint === fingerprint &&
    previous.checkpoint
  ) {
    skip = Number(previous.checkpoint) || 0;
  }

  const table = opts.labelsPath ? await readLabelsFile(opts.labelsPath) : null;
  const joiner = table ? labelJoiner(table) : null;
  let bytes: { bytesRead?: number; bytesTotal?: number } = {};
  const items = readReportFile(opts.path, {
    source,
    format,
    map: opts.map,
    baseUrl: opts.baseUrl,
    onWarning: opts.onWarning,
    onProgress: (p) => {
      if (p.bytesRead !== undefined) bytes = { bytesRead: p.bytesRead, bytesTotal: p.bytesTotal };
    },
  });
  const summary = await ingest(
    store,
    {
      run: {
        source,
        kind: 'file',
        target,
        fingerprint,
        options: { format, map: opts.map ?? {}, labels: opts.labelsPath ?? null, strict: !!opts.strict },
        // a resumed run starts where the last one stopped: killed before its first commit, the
        // next run still knows that much
        checkpoint: skip > 0 ? String(skip) : null,
      },
      items,
      skip,
      checkpointAfter: (_item, seq) => String(seq),
      sourceProgress: () => bytes,
    },
    {
      strict: opts.strict,
      rejectsPath: opts.rejectsPath,
      batchSize: opts.batchSize,
      signal: opts.signal,
      onProgress: opts.onProgress,
      onRejected: opts.onRejected,
      onWarning: opts.onWarning,
      enrich: joiner?.join,
    },
  );
  return {
    ...summary,
    format,
    unmatchedLabels: table && joiner ? [...table.keys()].filter((k) => !joiner.matched.has(k)).length : 0,
  };
}

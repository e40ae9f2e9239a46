import type { BugReport, RecordError } from '../domain/index.ts';
import type { ColumnMap } from './csv-source.ts';
import { defaultSourceName, detectFileFormat, type FileFormat, readReportFile } from './file-source.ts';
import { labelJoiner, readLabelsFile } from './labels-file.ts';
import type { SourceWarning } from './source-item.ts';

export interface LoadOptions {
  format?: FileFormat;
  map?: ColumnMap;
  labelsPath?: string;
  onWarning?: (w: SourceWarning) => void;
  onProgress?: (p: { bytesRead?: number; bytesTotal?: number }) => void;
  /** keep each report's raw record (file localisation reads a dump's resolution date from it) */
  keepRaw?: boolean;
}

/**
 * Every report of a file in memory, labels joined, without the source's raw record (unless asked): for evaluating
 * straight from files, no database.
 */
export async function loadReports(
  path: string,
  opts: LoadOptions = {},
): Promise<{ reports: BugReport[]; rejected: RecordError[] }> {
  const format = !opts.format || opts.format === 'auto' ? await detectFileFormat(path) : opts.format;
  const joiner = opts.labelsPath ? labelJoiner(await readLabelsFile(opts.labelsPath)) : null;
  const reports: BugReport[] = [];
  const rejected: RecordError[] = [];
  for await (const it of readReportFile(path, {
    source: defaultSourceName(path, format),
    format,
    map: opts.map,
    onWarning: opts.onWarning,
    onProgress: opts.onProgress,
  })) {
    if (it.kind === 'error') rejected.push(it.error);
    else {
      joiner?.join(it.report);
      // evaluating never reads the source's raw record, and all reports are held at once: Mozilla's
      // REST records take 28 MiB with it, 2.4 MiB without (1,014 reports)
      reports.push(opts.keepRaw ? it.report : { ...it.report, raw: null });
    }
  }
  return { reports, rejected };
}

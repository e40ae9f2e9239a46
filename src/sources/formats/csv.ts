import { normaliseHeader } from '../column-aliases.ts';
import { detectDelimiter, readCsvReports } from '../csv-source.ts';
import type { DumpFormat, FileProbe } from './dump-format.ts';

/** The header row's columns, normalised (`Short Description` → its field's short name). */
export function headerColumns(probe: FileProbe): { line: string; columns: string[] } {
  const line = probe.head.split(/\r?\n/, 1)[0] ?? '';
  const delimiter = detectDelimiter(line);
  return { line, columns: line.split(delimiter).map((h) => normaliseHeader(h.replace(/"/g, ''))) };
}

/** Two columns and neither a summary: an `id,label` file meant for --labels, not a dump. */
export function looksLikeLabelsFile(probe: FileProbe): boolean {
  const { columns } = headerColumns(probe);
  return (
    columns.filter((c) => c !== '').length === 2 &&
    !columns.some((c) => ['sd', 'summary', 'title'].includes(c))
  );
}

export const csv: DumpFormat = {
  name: 'csv',
  tracker: 'csv',
  description:
    'Bugzilla buglist exports (short columns sd, pd, co, bsr, ... or long names) and any CSV/TSV whose headers name the fields; the delimiter is detected',
  detect(probe) {
    if (probe.head.startsWith('<') || probe.head.startsWith('{') || probe.head.startsWith('[')) return false;
    if (['.json', '.jsonl', '.ndjson'].includes(probe.ext)) return false;
    return headerColumns(probe).columns.length > 1 && !looksLikeLabelsFile(probe);
  },
  read: (path, opts) => readCsvReports(path, opts),
};

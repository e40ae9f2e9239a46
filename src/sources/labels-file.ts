import { parse } from 'csv-parse';
import { type BugReport, EightballError } from '../domain/index.ts';
import { COLUMN_ALIASES, normaliseHeader } from './column-aliases.ts';
import { detectDelimiter } from './csv-source.ts';
import { displayName, progressStream, readHead } from './file-reading.ts';

/** Labels by report id: label name (the column header) → value. */
export type LabelTable = Map<string, Record<string, string>>;

/**
 * Read a labels file: a CSV whose first column (or the one named like an id) holds report ids and
 * whose other columns are labels, named by their headers (`bug_id,category`).
 */
export async function readLabelsFile(path: string): Promise<LabelTable> {
  const file = displayName(path);
  const head = await readHead(path, 4096);
  const delimiter = detectDelimiter(head.split(/\r?\n/, 1)[0] ?? '');
  const table: LabelTable = new Map();
  let header: string[] | null = null;
  let idIdx = 0;
  const parser = progressStream(path, {}).pipe(
    parse({ delimiter, bom: true, skip_empty_lines: true, relax_column_count: true, info: true }),
  );
  for await (const { record, info } of parser as AsyncIterable<{
    record: string[];
    info: { lines: number };
  }>) {
    if (header === null) {
      header = record.map((h) => h.trim());
      const found = header.findIndex((h) => COLUMN_ALIASES.externalId.includes(normaliseHeader(h)));
      idIdx = Math.max(found, 0);
      if (header.length < 2) {
        throw new EightballError(
          'unknown-format',
          `${file}:1: a labels file needs an id column and a label column`,
        );
      }
      continue;
    }
    const id = (record[idIdx] ?? '').trim();
    if (id === '') {
      throw new EightballError('rejected', `${file}:${info.lines}: ${header[idIdx]}: missing id`);
    }
    const labels: Record<string, string> = {};
    header.forEach((h, i) => {
      const v = (record[i] ?? '').trim();
      if (i !== idIdx && h !== '' && v !== '') labels[h] = v;
    });
    table.set(id, { ...(table.get(id) ?? {}), ...labels });
  }
  if (header === null) throw new EightballError('unknown-format', `${file}: empty labels file`);
  return table;
}

/**
 * A function that merges a report's labels from the table, matching the report's id or, for
 * `owner/repo#N` GitHub ids, the bare number. It records which table ids matched.
 */
export function labelJoiner(table: LabelTable): { join: (r: BugReport) => void; matched: Set<string> } {
  const matched = new Set<string>();
  return {
    matched,
    join(r) {
      const short = r.externalId.includes('#') ? r.externalId.slice(r.externalId.lastIndexOf('#') + 1) : null;
      const key = table.has(r.externalId) ? r.externalId : short && table.has(short) ? short : null;
      if (key === null) return;
      matched.add(key);
      Object.assign(r.labels, table.get(key));
    },
  };
}

import { createHash } from 'node:crypto';
import { parse } from 'csv-parse';
import { EightballError } from '../domain/index.ts';
import { COLUMN_ALIASES, KNOWN_EXTRA_COLUMNS, LABEL_COLUMNS, normaliseHeader } from './column-aliases.ts';
import { displayName, progressStream, readHead } from './file-reading.ts';
import { buildReport, isMappableField, MAPPABLE_FIELDS, type RawFields } from './report-fields.ts';
import type { SourceItem, SourceOptions } from './source-item.ts';

/** Larger than any real report (descriptions with pasted logs run to a few hundred KB). */
const MAX_RECORD_BYTES = 4 * 1024 * 1024;

/** A field (or `labels.NAME`) and the header of the column it reads from. */
export type ColumnMap = Record<string, string>;

/** Parse `--map summary=IssueTitle,description=Description` into a field → column map. */
export function parseColumnMap(spec: string | undefined): ColumnMap {
  const map: ColumnMap = {};
  if (!spec) return map;
  for (const part of spec.split(',')) {
    const trimmed = part.trim();
    if (trimmed === '') continue;
    const eq = trimmed.indexOf('=');
    if (eq <= 0 || eq === trimmed.length - 1) {
      throw new EightballError('usage', `--map: "${trimmed}" is not field=column (e.g. summary=IssueTitle)`);
    }
    const field = trimmed.slice(0, eq).trim();
    const column = trimmed.slice(eq + 1).trim();
    if (field === 'id') {
      map.externalId = column;
    } else if (isMappableField(field) || /^labels\.[A-Za-z0-9_.-]+$/.test(field)) {
      map[field] = column;
    } else {
      throw new EightballError(
        'usage',
        `--map: unknown field "${field}"; fields are ${MAPPABLE_FIELDS.join(', ')}, or labels.NAME`,
      );
    }
  }
  return map;
}

/** Which delimiter the header line uses: the one that splits it most, outside quotes. */
export function detectDelimiter(headerLine: string): string {
  const counts = new Map<string, number>([
    [',', 0],
    [';', 0],
    ['\t', 0],
    ['|', 0],
  ]);
  let inQuote = false;
  for (const ch of headerLine) {
    if (ch === '"') inQuote = !inQuote;
    else if (!inQuote && counts.has(ch)) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  }
  let best = ',';
  let bestCount = 0;
  for (const [d, c] of counts) {
    if (c > bestCount) {
      best = d;
      bestCount = c;
    }
  }
  return best;
}

export interface ResolvedColumns {
  /** field or labels.NAME → column index */
  fields: Map<string, number>;
  /** headers that feed nothing and are not known extras */
  unknown: string[];
}

/**
 * Decide which column feeds which field: the user's map first, then the aliases. A mapped
 * column that does not exist is an error, because silently importing without it would lose data.
 */
export function resolveColumns(header: string[], userMap: ColumnMap, file: string): ResolvedColumns {
  const byNorm = new Map<string, number>();
  header.forEach((h, i) => {
    const n = normaliseHeader(h);
    if (n !== '' && !byNorm.has(n)) byNorm.set(n, i);
  });
  const fields = new Map<string, number>();
  const used = new Set<number>();
  for (const [field, column] of Object.entries(userMap)) {
    let idx = header.indexOf(column);
    if (idx < 0) idx = byNorm.get(normaliseHeader(column)) ?? -1;
    if (idx < 0) {
      throw new EightballError(
        'unknown-column',
        `${file}:1: --map ${field}=${column}: no column "${column}"; the columns are ${header.filter((h) => h).join(', ')}`,
      );
    }
    fields.set(field, idx);
    used.add(idx);
  }
  for (const field of MAPPABLE_FIELDS) {
    if (fields.has(field)) continue;
    for (const alias of COLUMN_ALIASES[field]) {
      const idx = byNorm.get(alias);
      if (idx !== undefined && !used.has(idx)) {
        fields.set(field, idx);
        used.add(idx);
        break;
      }
    }
  }
  for (const [norm, label] of Object.entries(LABEL_COLUMNS)) {
    const idx = byNorm.get(norm);
    if (idx !== undefined && !used.has(idx) && !fields.has(`labels.${label}`)) {
      fields.set(`labels.${label}`, idx);
      used.add(idx);
    }
  }
  const unknown = header.filter((h, i) => {
    const n = normaliseHeader(h);
    return n !== '' && !used.has(i) && !KNOWN_EXTRA_COLUMNS.has(n);
  });
  return { fields, unknown };
}

export interface CsvSourceOptions extends SourceOptions {
  source: string;
  map?: ColumnMap;
  delimiter?: string;
}

/** Stream a CSV/TSV export with a header row as reports; bad rows become record errors. */
export async function* readCsvReports(path: string, opts: CsvSourceOptions): AsyncGenerator<SourceItem> {
  const file = displayName(path);
  const head = await readHead(path, 16 * 1024);
  const firstLine = head.split(/\r?\n/, 1)[0] ?? '';
  const delimiter = opts.delimiter ?? detectDelimiter(firstLine);
  // Tab-separated research dumps put bare quotes inside fields; they do not use CSV quoting.
  const quote = delimiter === '\t' ? false : '"';
  const skipped: SourceItem[] = [];
  let lastSkippedLine = -1;
  const parser = progressStream(path, opts).pipe(
    parse({
      delimiter,
      quote,
      bom: true,
      relax_column_count: true,
      relax_quotes: true,
      skip_empty_lines: true,
      info: true,
      skip_records_with_error: true,
      // files whose line endings change half-way still split into records
      record_delimiter: ['\r\n', '\n'],
      // an unclosed quote would otherwise swallow the rest of the file into one field
      max_record_size: MAX_RECORD_BYTES,
      on_skip: (err) => {
        // one runaway record can fail several times over as the parser recovers: report it once
        if (!err || Number(err.lines) === lastSkippedLine) return;
        lastSkippedLine = Number(err.lines);
        skipped.push({
          kind: 'error',
          error: {
            location: { file, line: Number(err.lines) },
            field: 'record',
            reason: `malformed CSV: ${err.message}`,
          },
        });
      },
    }),
  );
  let header: string[] | null = null;
  const derivedSeen = new Map<string, number>();
  let columns: ResolvedColumns | null = null;
  for await (const item of parser as AsyncIterable<{ record: string[]; info: { lines: number } }>) {
    while (skipped.length > 0) yield skipped.shift()!;
    const { record, info } = item;
    const line = info.lines;
    if (header === null) {
      header = record.map((h) => h.trim());
      columns = resolveColumns(header, opts.map ?? {}, file);
      if (!columns.fields.has('summary')) {
        throw new EightballError(
          'unknown-column',
          `${file}:1: no summary column; map one with --map summary=COLUMN (columns: ${header.join(', ')})`,
        );
      }
      if (!columns.fields.has('externalId')) {
        opts.onWarning?.({
          file,
          line: 1,
          message:
            'no id column: ids are derived from product, created date and summary (map one with --map externalId=COLUMN)',
        });
      }
      for (const u of columns.unknown) {
        opts.onWarning?.({ file, line: 1, message: `column "${u}": unknown, kept in the raw record only` });
      }
      continue;
    }
    const rawRow: Record<string, string> = {};
    header.forEach((h, i) => {
      if (h !== '') rawRow[h] = record[i] ?? '';
    });
    if (record.length > header.length && record.slice(header.length).some((v) => v.trim() !== '')) {
      const idIdx = columns!.fields.get('externalId');
      yield {
        kind: 'error',
        error: {
          location: { file, line, id: idIdx !== undefined ? record[idIdx] : undefined },
          field: 'record',
          reason: `${record.length} fields where the header has ${header.length}`,
          record: rawRow,
          text: record.join(delimiter),
        },
      };
      continue;
    }
    const fields: RawFields = { labels: {} };
    for (const [field, idx] of columns!.fields) {
      const v = record[idx];
      if (field.startsWith('labels.')) fields.labels![field.slice(7)] = v;
      else (fields as Record<string, unknown>)[field] = v;
    }
    if (fields.externalId === undefined) fields.externalId = derivedId(fields, derivedSeen);
    const built = buildReport(fields, { file, line, source: opts.source, raw: rawRow });
    if ('location' in built) yield { kind: 'error', error: { ...built, text: record.join(delimiter) } };
    else yield { kind: 'report', report: built, line };
  }
  while (skipped.length > 0) yield skipped.shift()!;
  if (header === null) {
    throw new EightballError('unknown-format', `${file}: empty file, no header row`);
  }
}

/**
 * A stable id for a row that has none, so importing the same file twice still changes nothing.
 * Rows alike in product, date and summary are told apart by their order (`h:...:2` for the second),
 * where one id for both would make the second overwrite the first.
 */
function derivedId(f: RawFields, seen: Map<string, number>): string {
  const key = [f.product, f.createdAt, f.summary].map((v) => String(v ?? '').trim()).join('\u0000');
  const id = `h:${createHash('sha1').update(key).digest('hex').slice(0, 16)}`;
  const n = (seen.get(id) ?? 0) + 1;
  seen.set(id, n);
  return n === 1 ? id : `${id}:${n}`;
}

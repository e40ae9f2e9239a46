import { extname } from 'node:path';
import { EightballError } from '../domain/index.ts';
import { readBliaXml } from './blia-xml.ts';
import { bugzillaBugToReport, looksLikeBugzillaBug } from './bugzilla-json.ts';
import { normaliseHeader } from './column-aliases.ts';
import { type ColumnMap, detectDelimiter, readCsvReports } from './csv-source.ts';
import { displayName, readHead } from './file-reading.ts';
import { githubIssueToReport, looksLikeGithubIssue } from './github-issues.ts';
import { jiraIssueToReport, looksLikeJiraIssue } from './jira-issues.ts';
import { readJsonRecords } from './json-records.ts';
import type { RecordContext } from './report-fields.ts';
import type { SourceItem, SourceOptions } from './source-item.ts';

export const FILE_FORMATS = ['auto', 'bugzilla-json', 'github-json', 'jira-json', 'csv', 'blia-xml'] as const;
export type FileFormat = (typeof FILE_FORMATS)[number];

type JsonFormat = 'bugzilla-json' | 'github-json' | 'jira-json';

function jsonFormatOf(v: unknown): JsonFormat | null {
  if (looksLikeBugzillaBug(v)) return 'bugzilla-json';
  if (looksLikeGithubIssue(v)) return 'github-json';
  if (looksLikeJiraIssue(v)) return 'jira-json';
  return null;
}

/** Recognise a file's format from its name and first bytes. */
export async function detectFileFormat(path: string): Promise<Exclude<FileFormat, 'auto'>> {
  const file = displayName(path);
  const head = await readHead(path);
  const trimmed = head.replace(/^\uFEFF/, '').trimStart();
  const ext = extname(path).toLowerCase();
  if (trimmed.startsWith('<')) return 'blia-xml';
  if (trimmed.startsWith('{') || trimmed.startsWith('[')) {
    for await (const rec of readJsonRecords(path, {})) {
      if (!rec.ok) continue;
      const f = jsonFormatOf(rec.value);
      if (f) return f;
      throw new EightballError(
        'unknown-format',
        `${file}:${rec.line}: unknown JSON record shape (keys: ${Object.keys(rec.value as object)
          .slice(0, 12)
          .join(', ')}); expected a Bugzilla bug, a GitHub issue or a Jira issue`,
      );
    }
    throw new EightballError('unknown-format', `${file}: no JSON record could be read`);
  }
  if (['.json', '.jsonl', '.ndjson'].includes(ext)) {
    throw new EightballError('unknown-format', `${file}: does not start with a JSON value`);
  }
  const headerLine = trimmed.split(/\r?\n/, 1)[0] ?? '';
  const delimiter = detectDelimiter(headerLine);
  const columns = headerLine.split(delimiter).map((h) => normaliseHeader(h.replace(/"/g, '')));
  if (
    columns.filter((c) => c !== '').length === 2 &&
    !columns.some((c) => ['sd', 'summary', 'title'].includes(c))
  ) {
    throw new EightballError(
      'unknown-format',
      `${file}: looks like a labels file (${headerLine.trim()}); pass it with --labels to an import of the reports`,
    );
  }
  if (columns.length > 1) return 'csv';
  throw new EightballError(
    'unknown-format',
    `${file}: unknown format; give --format (${FILE_FORMATS.filter((f) => f !== 'auto').join(', ')})`,
  );
}

export interface FileSourceOptions extends SourceOptions {
  source: string;
  format?: FileFormat;
  map?: ColumnMap;
}

/** Every record of a dump file, whatever its format, as reports or record errors. */
export async function* readReportFile(path: string, opts: FileSourceOptions): AsyncGenerator<SourceItem> {
  const format = !opts.format || opts.format === 'auto' ? await detectFileFormat(path) : opts.format;
  if (format === 'csv') {
    yield* readCsvReports(path, opts);
    return;
  }
  if (format === 'blia-xml') {
    yield* readBliaXml(path, opts);
    return;
  }
  if (opts.map && Object.keys(opts.map).length > 0) {
    throw new EightballError('usage', '--map applies to CSV files only');
  }
  const file = displayName(path);
  let records = 0;
  for await (const rec of readJsonRecords(path, opts)) {
    records++;
    if (!rec.ok) {
      yield {
        kind: 'error',
        error: { location: { file, line: rec.line }, field: 'record', reason: rec.reason, text: rec.text },
      };
      continue;
    }
    const v = rec.value;
    if (typeof v !== 'object' || v === null || Array.isArray(v)) {
      yield {
        kind: 'error',
        error: {
          location: { file, line: rec.line },
          field: 'record',
          reason: 'not a JSON object',
          text: rec.text,
        },
      };
      continue;
    }
    const o = v as Record<string, unknown>;
    const ctx: RecordContext = { file, line: rec.line, source: opts.source, raw: o, text: rec.text };
    const built =
      format === 'bugzilla-json'
        ? bugzillaBugToReport(o, ctx)
        : format === 'github-json'
          ? githubIssueToReport(o, ctx)
          : jiraIssueToReport(o, ctx);
    if ('location' in built) yield { kind: 'error', error: built };
    else yield { kind: 'report', report: built, line: rec.line, text: rec.text };
    opts.onProgress?.({ records });
  }
}

/** A default source name for a file: its format's tracker and the file's base name. */
export function defaultSourceName(path: string, format: Exclude<FileFormat, 'auto'>): string {
  const base = displayName(path).replace(/\.[^.]+$/, '');
  const prefix = {
    'bugzilla-json': 'bugzilla',
    'github-json': 'github',
    'jira-json': 'jira',
    csv: 'csv',
    'blia-xml': 'blia',
  }[format];
  return `${prefix}:${base}`;
}

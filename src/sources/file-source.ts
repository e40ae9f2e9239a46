import { extname } from 'node:path';
import { EightballError } from '../domain/index.ts';
import type { ColumnMap } from './csv-source.ts';
import { displayName, readHead } from './file-reading.ts';
import { headerColumns, looksLikeLabelsFile } from './formats/csv.ts';
import { DUMP_FORMATS, dumpFormat, type FileProbe } from './formats/index.ts';
import { readJsonRecords } from './json-records.ts';
import type { SourceItem, SourceOptions } from './source-item.ts';

/** `auto` and every registered dump format's name: the CLI's --format choices. */
export const FILE_FORMATS: readonly string[] = ['auto', ...DUMP_FORMATS.map((f) => f.name)];
/** A format's name, or `auto` to recognise it. */
export type FileFormat = string;

async function probeOf(path: string): Promise<FileProbe> {
  const head = (await readHead(path)).replace(/^\uFEFF/, '').trimStart();
  let first: Promise<unknown> | null = null;
  return {
    head,
    ext: extname(path).toLowerCase(),
    firstJsonRecord: () => {
      first ??= (async () => {
        for await (const rec of readJsonRecords(path, {})) if (rec.ok) return rec.value;
        return undefined;
      })();
      return first;
    },
  };
}

/** Recognise a file's format from its name and first bytes: the first registered format that claims it. */
export async function detectFileFormat(path: string): Promise<string> {
  const file = displayName(path);
  const probe = await probeOf(path);
  for (const f of DUMP_FORMATS) if (await f.detect(probe)) return f.name;
  // nobody claims it: say what it looks like instead
  if (probe.head.startsWith('{') || probe.head.startsWith('[')) {
    const first = await probe.firstJsonRecord();
    if (first === undefined)
      throw new EightballError('unknown-format', `${file}: no JSON record could be read`);
    const keys =
      typeof first === 'object' && first !== null ? Object.keys(first).slice(0, 12).join(', ') : typeof first;
    throw new EightballError(
      'unknown-format',
      `${file}:1: unknown JSON record shape (keys: ${keys}); expected a Bugzilla bug, a GitHub issue or a Jira issue`,
    );
  }
  if (['.json', '.jsonl', '.ndjson'].includes(probe.ext)) {
    throw new EightballError('unknown-format', `${file}: does not start with a JSON value`);
  }
  if (looksLikeLabelsFile(probe)) {
    throw new EightballError(
      'unknown-format',
      `${file}: looks like a labels file (${headerColumns(probe).line.trim()}); pass it with --labels to an import of the reports`,
    );
  }
  throw new EightballError(
    'unknown-format',
    `${file}: unknown format; give --format (${FILE_FORMATS.filter((f) => f !== 'auto').join(', ')})`,
  );
}

export interface FileSourceOptions extends SourceOptions {
  source: string;
  format?: FileFormat;
  map?: ColumnMap;
  baseUrl?: string | undefined;
}

/** Every record of a dump file, whatever its format, as reports or record errors. */
export async function* readReportFile(path: string, opts: FileSourceOptions): AsyncGenerator<SourceItem> {
  const name = !opts.format || opts.format === 'auto' ? await detectFileFormat(path) : opts.format;
  const format = dumpFormat(name);
  if (!format)
    throw new EightballError('usage', `--format: "${name}" is not one of ${FILE_FORMATS.join(', ')}`);
  yield* format.read(path, opts);
}

/** A default source name for a file: its format's tracker and the file's base name. */
export function defaultSourceName(path: string, format: string): string {
  const base = displayName(path).replace(/\.[^.]+$/, '');
  return `${dumpFormat(format)?.tracker ?? format}:${base}`;
}

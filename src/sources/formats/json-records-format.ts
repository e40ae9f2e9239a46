import { type BugReport, EightballError, type RecordError } from '../../domain/index.ts';
import { displayName } from '../file-reading.ts';
import { readJsonRecords } from '../json-records.ts';
import type { RecordContext } from '../report-fields.ts';
import type { SourceItem } from '../source-item.ts';
import type { DumpFormat, DumpReadOptions } from './dump-format.ts';

/**
 * A format whose file is JSON records (a document, an array or one per line), each one tracker
 * object: recognised by the shape of the first record, read record by record.
 */
export function jsonRecordsFormat(f: {
  name: string;
  tracker: string;
  description: string;
  looksLike: (v: unknown) => boolean;
  toReport: (
    o: Record<string, unknown>,
    ctx: RecordContext & { baseUrl?: string | undefined },
  ) => BugReport | RecordError;
}): DumpFormat {
  return {
    name: f.name,
    tracker: f.tracker,
    description: f.description,
    async detect(probe) {
      if (!probe.head.startsWith('{') && !probe.head.startsWith('[')) return false;
      return f.looksLike(await probe.firstJsonRecord());
    },
    async *read(path: string, opts: DumpReadOptions): AsyncGenerator<SourceItem> {
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
            error: {
              location: { file, line: rec.line },
              field: 'record',
              reason: rec.reason,
              text: rec.text,
            },
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
        const built = f.toReport(o, {
          file,
          line: rec.line,
          source: opts.source,
          raw: o,
          text: rec.text,
          baseUrl: opts.baseUrl,
        });
        if ('location' in built) yield { kind: 'error', error: built };
        else yield { kind: 'report', report: built, line: rec.line, text: rec.text };
        opts.onProgress?.({ records });
      }
    },
  };
}

import { EightballError } from '../../domain/index.ts';
import { importFile } from '../import-file.ts';
import type { SourceKind } from './source-kind.ts';

/** A dump file on the server (re-read when it changes; an unchanged file changes nothing). */
export const fileSource: SourceKind = {
  kind: 'file',
  label: 'file',
  locationHint: 'a path on the server, e.g. /data/bugs.jsonl',
  check({ location }) {
    if (location.trim() === '')
      throw EightballError.about('location', 'usage', 'location: a file path is needed');
  },
  storedAs: (name) => name,
  sync: (store, source, ctx) =>
    importFile(store, {
      path: source.location,
      source: source.name,
      signal: ctx.signal,
      onProgress: ctx.onProgress,
    }),
};

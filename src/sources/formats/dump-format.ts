import type { ColumnMap } from '../csv-source.ts';
import type { SourceItem, SourceOptions } from '../source-item.ts';

/** What a format may look at to recognise a file, read once and shared by every format. */
export interface FileProbe {
  /** the first 64 KiB, byte-order mark removed, leading white space trimmed */
  head: string;
  /** the file name's extension, lower case, with its dot ('.csv'), or '' */
  ext: string;
  /** the first JSON record of the file that could be read, for JSON formats; undefined if none */
  firstJsonRecord(): Promise<unknown>;
}

export interface DumpReadOptions extends SourceOptions {
  source: string;
  /** a CSV column map (`--map`); formats without columns refuse one */
  map?: ColumnMap;
  /** the tracker's web address, for each report's link where the record has none (a Bugzilla's base URL) */
  baseUrl?: string | undefined;
}

/**
 * A dump format: one file in `sources/formats/`, listed in `formats/index.ts`. `detect` says
 * whether a file is this format (the first format that says yes reads it); `read` turns it into
 * reports or record errors, never changing a value silently.
 */
export interface DumpFormat {
  /** the `--format` name */
  name: string;
  /** the source name's prefix for imports that give none (`bugzilla:` + the file's base name) */
  tracker: string;
  /** one line for --help and the README */
  description: string;
  detect(probe: FileProbe): boolean | Promise<boolean>;
  read(path: string, opts: DumpReadOptions): AsyncGenerator<SourceItem>;
}

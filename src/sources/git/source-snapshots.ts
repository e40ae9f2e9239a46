import { type CodeTerms, codeTerms } from '../../ml/code-terms.ts';
import { FileIndex, type IndexedFile } from '../../ml/file-index.ts';
import { BlobReader } from './blob-reader.ts';
import { type GitRepo, git } from './git-command.ts';

/**
 * The source code at any revision, as a FileIndex: the files the globs select, each file's terms
 * read once per blob (an unchanged file is the same blob at every revision, so replaying thousands
 * of commits re-reads only what changed), and the index then built from those terms: the same as a
 * fresh build at that revision by construction.
 */

export const DEFAULT_INCLUDE = [
  '**/*.{java,kt,kts,scala,groovy,aj,c,h,cc,cpp,cxx,hh,hpp,cs,go,rs,py,rb,php,js,jsx,mjs,ts,tsx,swift,m,mm}',
];
export const DEFAULT_EXCLUDE = [
  '**/node_modules/**',
  '**/vendor/**',
  '**/third_party/**',
  '**/thirdparty/**',
  '**/generated/**',
  '**/*.min.js',
  '**/dist/**',
  '**/target/**',
];
/** larger files are generated or data, not code a fix touches by hand */
const MAX_BYTES = 1 << 20;

/** A shell-style glob as a regular expression: `**` any folders, `*` within one, `{a,b}` either. */
export function globRegExp(glob: string): RegExp {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === '*' && glob[i + 1] === '*') {
      i++;
      if (glob[i + 1] === '/') {
        i++;
        re += '(?:.*/)?';
      } else re += '.*';
    } else if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else if (c === '{') {
      const end = glob.indexOf('}', i);
      if (end < 0) re += '\\{';
      else {
        re += `(?:${glob
          .slice(i + 1, end)
          .split(',')
          .map((a) => a.replace(/[.+^$()|[\]\\]/g, '\\$&'))
          .join('|')})`;
        i = end;
      }
    } else re += c.replace(/[.+^$()|[\]\\{}]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

export interface SnapshotOptions {
  include?: string[];
  exclude?: string[];
}

export interface Snapshot {
  revision: string;
  index: FileIndex;
  /** files left out: binary, too large, or a blob the clone lacks */
  skipped: number;
}

interface TreeEntry {
  blob: string;
  path: string;
}

export class SourceSnapshots {
  private readonly include: RegExp[];
  private readonly exclude: RegExp[];
  private readonly terms = new Map<string, CodeTerms | null>();
  private reader: BlobReader | null = null;
  private last: Snapshot | null = null;
  /** blobs read and analysed (each once) */
  blobsRead = 0;

  constructor(
    private readonly repo: GitRepo,
    opts: SnapshotOptions = {},
  ) {
    this.include = (opts.include ?? DEFAULT_INCLUDE).map(globRegExp);
    this.exclude = (opts.exclude ?? DEFAULT_EXCLUDE).map(globRegExp);
  }

  /** The selected files of a revision, with their blobs (no contents read). */
  tree(revision: string): TreeEntry[] {
    const out: TreeEntry[] = [];
    for (const line of git(this.repo, ['ls-tree', '-r', '-z', '--full-tree', revision]).split('\0')) {
      if (!line) continue;
      const tab = line.indexOf('\t');
      const [, type, blob] = line.slice(0, tab).split(' ');
      const path = line.slice(tab + 1);
      if (type !== 'blob') continue;
      if (!this.include.some((r) => r.test(path)) || this.exclude.some((r) => r.test(path))) continue;
      out.push({ blob: blob!, path });
    }
    return out;
  }

  private async termsOf(blob: string, path: string): Promise<CodeTerms | null> {
    // the path's words are part of a file's terms: a renamed blob is read again under its new name
    const key = `${blob}\t${path}`;
    const known = this.terms.get(key);
    if (known !== undefined) return known;
    this.reader ??= new BlobReader(this.repo);
    const bytes = await this.reader.read(blob);
    this.blobsRead++;
    let t: CodeTerms | null = null;
    if (bytes && bytes.length <= MAX_BYTES && !bytes.subarray(0, 8000).includes(0))
      t = codeTerms(path, bytes.toString('utf8'));
    this.terms.set(key, t);
    return t;
  }

  /** The index of a revision (the previous one is kept: reports fixed in a row often share it). */
  async at(revision: string): Promise<Snapshot> {
    if (this.last?.revision === revision) return this.last;
    const files: IndexedFile[] = [];
    let skipped = 0;
    const entries = this.tree(revision);
    // asked all at once: the batch process answers in order while the next ones are written
    const terms = await Promise.all(entries.map((e) => this.termsOf(e.blob, e.path)));
    entries.forEach((e, i) => {
      const t = terms[i];
      if (t) files.push({ path: e.path, terms: t });
      else skipped++;
    });
    this.last = { revision, index: new FileIndex(files), skipped };
    return this.last;
  }

  close(): void {
    this.reader?.close();
    this.reader = null;
  }
}

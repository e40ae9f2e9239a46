import { type CodeTerms, codeTokens } from './code-terms.ts';

/** A source file at one revision and its terms (cached by blob: an unchanged file is read once). */
export interface IndexedFile {
  path: string;
  terms: CodeTerms;
}

/** BM25's term-frequency saturation and length normalisation (Robertson's usual values) */
const K1 = 1.2;
const B = 0.75;

function basename(path: string): string {
  const slash = path.lastIndexOf('/');
  const name = path.slice(slash + 1);
  const dot = name.lastIndexOf('.');
  return dot > 0 ? name.slice(0, dot) : name;
}

/**
 * The files of one revision as an inverted index: BM25 of a report's terms against every file at
 * once, and the lookups the ranker's other features need (a path, a file name, a declared class).
 */
export class FileIndex {
  readonly paths: string[];
  readonly lengths: Float64Array;
  readonly avgLength: number;
  /** each file name's words ("BcelShadow.java" → bcelshadow, bcel, shadow) */
  readonly nameWords: string[][];
  private readonly postings = new Map<string, { files: number[]; tf: number[] }>();
  private readonly byPath = new Map<string, number>();
  /** file name without extension ("BcelShadow") → files */
  private readonly byName = new Map<string, number[]>();
  /** declared type → files */
  private readonly byClass = new Map<string, number[]>();

  constructor(
    private readonly files: readonly IndexedFile[],
    /**
     * false for history-only candidates, whose "text" is their fixers' words: then a file's length
     * and methods mean nothing, and the ranker leaves them out
     */
    readonly fromSource = true,
  ) {
    this.paths = files.map((f) => f.path);
    this.lengths = Float64Array.from(files, (f) => f.terms.length);
    this.nameWords = files.map((f) => [...new Set(codeTokens(basename(f.path)))]);
    let total = 0;
    files.forEach((f, i) => {
      total += f.terms.length;
      this.byPath.set(f.path, i);
      push(this.byName, basename(f.path), i);
      for (const c of f.terms.classes) push(this.byClass, c, i);
      for (const [term, n] of f.terms.counts) {
        let p = this.postings.get(term);
        if (!p) {
          p = { files: [], tf: [] };
          this.postings.set(term, p);
        }
        p.files.push(i);
        p.tf.push(n);
      }
    });
    this.avgLength = files.length ? total / files.length : 0;
  }

  /** The terms of file `i` (what a reason lists as matched). */
  termsOf(i: number): CodeTerms {
    return this.files[i]!.terms;
  }

  /** Inverse document frequency of a term in this revision. */
  idf(term: string): number {
    const df = this.documentFrequency(term);
    const N = this.paths.length;
    return Math.log(1 + (N - df + 0.5) / (df + 0.5));
  }

  get size(): number {
    return this.paths.length;
  }

  indexOf(path: string): number | undefined {
    return this.byPath.get(path);
  }

  /** Files whose name (without extension) is `name`. */
  named(name: string): readonly number[] {
    return this.byName.get(name) ?? [];
  }

  /** Files that declare the type `name`. */
  declaring(name: string): readonly number[] {
    return this.byClass.get(name) ?? [];
  }

  /** Files holding `term`: how many. */
  documentFrequency(term: string): number {
    return this.postings.get(term)?.files.length ?? 0;
  }

  /** BM25 of the query's terms (term → count in the report) for every file. */
  bm25(query: ReadonlyMap<string, number>): Float64Array {
    const out = new Float64Array(this.paths.length);
    const N = this.paths.length;
    const avg = this.avgLength || 1;
    for (const [term, qtf] of query) {
      const p = this.postings.get(term);
      if (!p) continue;
      const idf = Math.log(1 + (N - p.files.length + 0.5) / (p.files.length + 0.5));
      // a term repeated in the report counts more, with diminishing returns
      const qw = idf * (1 + Math.log(qtf));
      for (let j = 0; j < p.files.length; j++) {
        const f = p.files[j]!;
        const tf = p.tf[j]!;
        out[f]! += (qw * (tf * (K1 + 1))) / (tf + K1 * (1 - B + (B * this.lengths[f]!) / avg));
      }
    }
    return out;
  }
}

function push(m: Map<string, number[]>, k: string, v: number): void {
  const list = m.get(k);
  if (list) list.push(v);
  else m.set(k, [v]);
}

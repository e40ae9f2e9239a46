import { codeTokens, namedIdentifiers, stackFrames } from './code-terms.ts';
import type { FileIndex } from './file-index.ts';
import { historyIndex } from './history-index.ts';

/**
 * What the ranker knows of a report and of a file, as numbers: one row of FEATURES per file of the
 * revision the report is ranked against. Each feature is scaled within the report (the best file
 * at 1) where its raw size depends on the report's length, so weights learnt on earlier reports
 * carry over.
 */
export const FEATURES = [
  /** BM25 of the report against the file's identifiers, comments and path */
  'text',
  /** the files fixed for earlier reports like this one (BugLocator's similar-report score) */
  'similar',
  /** the file holds a class of the report's stack trace; topmost frames count most */
  'stack',
  /** the report names the file's class (camelCase identifiers, file names) */
  'named',
  /** how often the file was fixed before (log) */
  'fixCount',
  /** how recently: earlier fixes, each decaying over 30 days */
  'recent30',
  /** and over a year */
  'recent365',
  /** share of the file name's words the report uses */
  'name',
  /** how often earlier fixes of the report's component touched the file */
  'component',
  /** BM25 of the report's summary alone: a title names the broken thing more often than the steps */
  'summary',
  /** BM25 of the report against the words of the earlier reports whose fixes touched the file */
  'fixerText',
  /** the file's size (log of its terms): larger files hold more bugs (BugLocator's length factor) */
  'length',
  /** the report names a method the file declares */
  'method',
  /** how near the top the file's text score puts it (1 / rank, first 50): a top-1 is about the head */
  'textTop',
  /** the same for the similar earlier reports' fixes */
  'similarTop',
] as const;
export type FeatureName = (typeof FEATURES)[number];
export const F = FEATURES.length;

/** An earlier report's fix: when, which files, and the report's words. */
export interface FixRecord {
  /** the report it fixed, to name it in a reason */
  id?: string;
  /** when the fix was committed, ms since the epoch */
  time: number;
  files: readonly string[];
  terms: ReadonlyMap<string, number>;
  component: string | null;
}

export interface RankQuery {
  text: string;
  /** the summary (title) alone, when it is known apart from the text */
  summary?: string;
  /** when it was filed, ms since the epoch: only fixes before it are history */
  time: number;
  component: string | null;
}

const DAY = 86_400_000;
/** the most similar earlier reports whose files count (BugLocator uses every one; most add noise) */
const SIMILAR = 50;

export function termCounts(text: string): Map<string, number> {
  const m = new Map<string, number>();
  for (const t of codeTokens(text)) m.set(t, (m.get(t) ?? 0) + 1);
  return m;
}

function tfidf(terms: ReadonlyMap<string, number>, idf: (t: string) => number): Map<string, number> {
  const v = new Map<string, number>();
  let norm = 0;
  for (const [t, n] of terms) {
    const w = (1 + Math.log(n)) * idf(t);
    if (w > 0) {
      v.set(t, w);
      norm += w * w;
    }
  }
  const s = norm > 0 ? 1 / Math.sqrt(norm) : 0;
  for (const [t, w] of v) v.set(t, w * s);
  return v;
}

function cosine(a: ReadonlyMap<string, number>, b: ReadonlyMap<string, number>): number {
  const [small, big] = a.size <= b.size ? [a, b] : [b, a];
  let s = 0;
  for (const [t, w] of small) s += w * (big.get(t) ?? 0);
  return s;
}

/** The HEAD files by column `from` get 1 / rank in column `to` (ties share the better rank). */
function reciprocalRank(X: Float64Array, n: number, from: number, to: number): void {
  const HEAD = 50;
  const top: number[] = [];
  for (let i = 0; i < n; i++) {
    const v = X[i * F + from]!;
    if (v <= 0) continue;
    if (top.length < HEAD) {
      top.push(i);
      if (top.length === HEAD) top.sort((a, b) => X[b * F + from]! - X[a * F + from]!);
    } else if (v > X[top[HEAD - 1]! * F + from]!) {
      let k = HEAD - 1;
      while (k > 0 && X[top[k - 1]! * F + from]! < v) {
        top[k] = top[k - 1]!;
        k--;
      }
      top[k] = i;
    }
  }
  if (top.length < HEAD) top.sort((a, b) => X[b * F + from]! - X[a * F + from]!);
  let rank = 0;
  for (let k = 0; k < top.length; k++) {
    if (k === 0 || X[top[k]! * F + from]! < X[top[k - 1]! * F + from]!) rank = k + 1;
    X[top[k]! * F + to] = 1 / rank;
  }
}

function scaleToMax(X: Float64Array, f: number): void {
  let max = 0;
  for (let i = f; i < X.length; i += F) if (X[i]! > max) max = X[i]!;
  if (max > 0) for (let i = f; i < X.length; i += F) X[i] = X[i]! / max;
}

/**
 * The fix history as the ranker reads it, computed once: each earlier report's TF-IDF vector (with
 * the history's own document frequencies) and the index of files by their fixers' words. A served
 * model prepares its history once; an evaluation, once per report (its history grows).
 */
export class PreparedHistory {
  readonly vectors: Map<string, number>[];
  readonly byFixers: FileIndex;
  private readonly df = new Map<string, number>();

  constructor(readonly records: readonly FixRecord[]) {
    for (const h of records) for (const t of h.terms.keys()) this.df.set(t, (this.df.get(t) ?? 0) + 1);
    this.vectors = records.map((h) => tfidf(h.terms, (t) => this.idf(t)));
    this.byFixers = historyIndex(records);
  }

  idf(t: string): number {
    return Math.log((1 + this.records.length) / (1 + (this.df.get(t) ?? 0))) + 1;
  }
}

/**
 * The feature rows (files × F, row-major) of `query` against `index`, with `history` the fixes
 * committed before the query was filed (the caller filters by time; later ones would leak).
 */
/** What a reason names: per file, the earlier report that counted most, the stack frame, the class. */
export interface FeatureNotes {
  similar: Map<number, { id: string | undefined; share: number }>;
  frame: Map<number, string>;
  named: Map<number, string>;
}

export function fileFeatures(
  index: FileIndex,
  query: RankQuery,
  fixes: readonly FixRecord[] | PreparedHistory,
  notes?: FeatureNotes,
): Float64Array {
  const prepared = fixes instanceof PreparedHistory ? fixes : new PreparedHistory(fixes);
  const history = prepared.records;
  const n = index.size;
  const X = new Float64Array(n * F);
  const q = termCounts(query.text);
  const text = index.bm25(q);
  for (let i = 0; i < n; i++) X[i * F] = text[i]!;
  scaleToMax(X, 0);

  // similar earlier reports, by TF-IDF cosine with document frequencies of the history itself
  if (history.length > 0) {
    const qv = tfidf(q, (t) => prepared.idf(t));
    const sims = history
      .map((h, j) => ({ h, s: cosine(qv, prepared.vectors[j]!) }))
      .filter((x) => x.s > 0)
      .sort((a, b) => b.s - a.s)
      .slice(0, SIMILAR);
    for (const { h, s } of sims) {
      const share = s / Math.max(1, h.files.length);
      for (const path of h.files) {
        const i = index.indexOf(path);
        if (i === undefined) continue;
        X[i * F + 1]! += share;
        if (notes && share > (notes.similar.get(i)?.share ?? 0)) notes.similar.set(i, { id: h.id, share });
      }
    }
    scaleToMax(X, 1);
  }

  // stack frames: the file of each frame's class, the topmost counting most
  stackFrames(query.text)
    .slice(0, 20)
    .forEach((fr, rank) => {
      const simple = fr.className.slice(fr.className.lastIndexOf('.') + 1);
      const byPath = fr.className.replace(/\./g, '/');
      const candidates = index.named(simple).filter((i) => index.paths[i]!.includes(byPath));
      const found = candidates.length ? candidates : index.declaring(simple);
      const w = 1 / (1 + rank);
      for (const i of found) {
        if (w > X[i * F + 2]!) notes?.frame.set(i, `${fr.className}.${fr.method}`);
        X[i * F + 2] = Math.max(X[i * F + 2]!, w);
      }
    });

  for (const id of namedIdentifiers(query.text)) {
    for (const i of index.named(id)) {
      X[i * F + 3] = 1;
      notes?.named.set(i, id);
    }
    for (const i of index.declaring(id)) {
      X[i * F + 3] = Math.max(X[i * F + 3]!, 0.5);
      if (!notes?.named.has(i)) notes?.named.set(i, id);
    }
  }

  // fix history: how often, how recently, and for this component
  const components = new Map<number, number>();
  let componentFixes = 0;
  for (const h of history) {
    const age = Math.max(0, query.time - h.time) / DAY;
    const sameComponent = query.component !== null && h.component === query.component;
    if (sameComponent) componentFixes++;
    for (const path of h.files) {
      const i = index.indexOf(path);
      if (i === undefined) continue;
      X[i * F + 4]! += 1;
      X[i * F + 5]! += Math.exp(-age / 30);
      X[i * F + 6]! += Math.exp(-age / 365);
      if (sameComponent) components.set(i, (components.get(i) ?? 0) + 1);
    }
  }
  for (let i = 0; i < n; i++) X[i * F + 4] = Math.log1p(X[i * F + 4]!);
  scaleToMax(X, 5);
  scaleToMax(X, 6);
  if (componentFixes > 0) for (const [i, c] of components) X[i * F + 8] = c / componentFixes;

  if (query.summary) {
    const summary = index.bm25(termCounts(query.summary));
    for (let i = 0; i < n; i++) X[i * F + 9] = summary[i]!;
    scaleToMax(X, 9);
  }
  if (history.length > 0) {
    const byFixers = prepared.byFixers;
    const s = byFixers.bm25(q);
    for (let j = 0; j < byFixers.size; j++) {
      const i = index.indexOf(byFixers.paths[j]!);
      if (i !== undefined) X[i * F + 10] = s[j]!;
    }
    scaleToMax(X, 10);
  }

  // a file's size and methods, where the candidates are source files (measured on AspectJ's
  // training reports: MAP 0.323 → 0.335 with the source, 0.303 → 0.299 with history only)
  let maxLen = 0;
  for (let i = 0; i < n; i++) maxLen = Math.max(maxLen, Math.log1p(index.lengths[i]!));
  const idents = namedIdentifiers(query.text);
  for (let i = 0; i < n && index.fromSource; i++) {
    X[i * F + 11] = maxLen > 0 ? Math.log1p(index.lengths[i]!) / maxLen : 0;
    for (const m of index.termsOf(i).methods)
      if (idents.has(m)) {
        X[i * F + 12] = 1;
        break;
      }
  }

  // the head of the text and similar-report rankings (adopted on AspectJ's training reports: MAP
  // 0.335 → 0.347, top-1 0.333 → 0.351; a "the title names the class" feature lost, 0.343 with it)
  reciprocalRank(X, n, 0, 13);
  reciprocalRank(X, n, 1, 14);

  // file-name words the report uses
  for (let i = 0; i < n; i++) {
    const words = index.nameWords[i]!;
    if (words.length === 0) continue;
    let hit = 0;
    for (const w of words) if (q.has(w)) hit++;
    X[i * F + 7] = hit / words.length;
  }
  return X;
}

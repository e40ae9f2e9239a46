import { CorpusCounter, type CorpusCounts, MAX_CANDIDATES } from './corpus-counter.ts';
import { EntryReader } from './entry-codec.ts';
import { RowFiller } from './row-filler.ts';
import { CsrBuilder, type CsrMatrix, type RowSource } from './sparse.ts';
import {
  DEFAULT_VECTORIZER,
  denseOf,
  denseTerms,
  metaTermsOf,
  type TokenizedDoc,
  termsOf,
  type VectorizerParams,
} from './terms.ts';

export {
  DEFAULT_VECTORIZER,
  type DenseSpec,
  denseTerms,
  type TextFieldSpec,
  type TokenizedDoc,
  type VectorizerParams,
} from './terms.ts';

/**
 * A fitted TF-IDF vectorizer: vocabulary (term → column), idf per column.
 *
 * Why a pruned vocabulary rather than feature hashing: every explanation eightball gives names the
 * terms behind a prediction, which hashing cannot; min_df pruning keeps the vocabulary small
 * (about 60k terms on 10k Jira reports) and drops the typos and ids that only add noise. Counting
 * document frequency bounds its memory by evicting the rarest candidates when their table grows
 * past `MAX_CANDIDATES` (lossy counting; measured: a million generated reports with bigrams keep
 * 2.15 million terms within a 3.5 GB peak, bench/RESULTS.md).
 */
export class FittedVectorizer {
  constructor(
    readonly params: VectorizerParams,
    readonly vocabulary: Map<string, number>,
    readonly idf: Float32Array,
    readonly terms: string[],
    readonly nText: number,
  ) {}

  get nFeatures(): number {
    return this.terms.length;
  }

  /** `withDense` false leaves the dense columns empty: text similarity needs no sentence vector. */
  transform(docs: TokenizedDoc[], withDense = true): CsrMatrix {
    const b = new CsrBuilder(this.nFeatures, docs.length * 64);
    const counts = new Map<number, number>();
    const cols: number[] = [];
    const vals: number[] = [];
    const terms: string[] = [];
    for (const doc of docs) {
      cols.length = 0;
      vals.length = 0;
      let sq = 0;
      for (const field of this.params.fields) {
        counts.clear();
        terms.length = 0;
        termsOf(field, doc.text[field.name] ?? [], terms);
        for (const t of terms) {
          const j = this.vocabulary.get(t);
          if (j !== undefined && j < this.nText) counts.set(j, (counts.get(j) ?? 0) + 1);
        }
        for (const [j, c] of counts) {
          const tf = this.params.sublinearTf ? 1 + Math.log(c) : c;
          const v = tf * this.idf[j]! * field.weight;
          cols.push(j);
          vals.push(v);
          sq += v * v;
        }
      }
      const norm = sq > 0 ? 1 / Math.sqrt(sq) : 0;
      for (let k = 0; k < vals.length; k++) vals[k] = vals[k]! * norm;
      this.appendMeta(doc, cols, vals);
      if (withDense) this.appendDense(doc, cols, vals);
      b.addRow(cols, vals);
    }
    return b.build();
  }

  /** The one-hot columns of a document's categorical values, after its text columns. */
  appendMeta(doc: TokenizedDoc, cols: number[], vals: number[]): void {
    if (this.params.metaFields.length === 0) return;
    const terms: string[] = [];
    for (const name of this.params.metaFields) metaTermsOf(name, doc.meta[name], terms, this.params.missing);
    const seen = new Set<number>();
    for (const t of terms) {
      const j = this.vocabulary.get(t);
      if (j !== undefined && !seen.has(j)) {
        seen.add(j);
        cols.push(j);
        vals.push(this.params.metaWeight);
      }
    }
  }

  /** Where the dense columns start (they are the last ones), or -1 without them. */
  get denseStart(): number {
    const d = this.params.dense;
    return d ? this.terms.length - d.dims : -1;
  }

  appendDense(doc: TokenizedDoc, cols: number[], vals: number[]): void {
    const d = this.params.dense;
    if (!d) return;
    const v = denseOf(d, doc);
    const start = this.denseStart;
    for (let i = 0; i < d.dims; i++) {
      cols.push(start + i);
      vals.push(v[i]! * d.weight);
    }
  }

  toJSON(): object {
    return { params: this.params, terms: this.terms, idf: this.idf, nText: this.nText };
  }

  static fromJSON(o: {
    params: VectorizerParams;
    terms: string[];
    idf: number[] | Float32Array;
    nText: number;
  }): FittedVectorizer {
    const vocab = new Map<string, number>();
    o.terms.forEach((t, i) => {
      vocab.set(t, i);
    });
    const idf = o.idf instanceof Float32Array ? o.idf : Float32Array.from(o.idf);
    return new FittedVectorizer(o.params, vocab, idf, o.terms, o.nText);
  }
}

export class TfidfVectorizer {
  constructor(
    readonly params: VectorizerParams = DEFAULT_VECTORIZER,
    /** candidate terms held while counting before the rarest are evicted (see `count`) */
    private readonly maxCandidates = MAX_CANDIDATES,
  ) {}

  fit(docs: Iterable<TokenizedDoc>): FittedVectorizer {
    return this.build(this.count(docs)).vectorizer;
  }

  /**
   * Fit, and the training matrix from the same counting pass: what `transform` would give for
   * `docs` (up to the order of columns within a row), without tokenising into terms twice. The
   * documents are read once, in order, and not kept: a generator can stream a corpus larger than
   * memory would hold as token lists.
   */
  fitTransform(docs: Iterable<TokenizedDoc>): { vectorizer: FittedVectorizer; X: CsrMatrix } {
    return this.fitCounts(this.count(docs));
  }

  /** Fit on counts already made (every document of them), and their matrix. */
  fitCounts(counts: CorpusCounts): { vectorizer: FittedVectorizer; X: CsrMatrix } {
    const { vectorizer, remap } = this.build(counts);
    return { vectorizer, X: this.matrix(counts, vectorizer, remap) };
  }

  /** The counting pass alone: what `fitRows` and `transformRows` then read any part of. */
  count(docs: Iterable<TokenizedDoc>): CorpusCounts {
    const counter = new CorpusCounter(this.params, this.maxCandidates);
    for (const doc of docs) counter.add(doc);
    return counter.finish();
  }

  /**
   * Fit on some documents of a corpus counted once (`rows`, indices into it), and their matrix:
   * what `fitTransform` on those documents alone gives, without tokenising or counting them again.
   * Document frequencies and categorical values come from `rows` only, so terms met only in the
   * other documents (a test window) are not in the vocabulary. The remap reads other rows of the
   * same counts in the fitted columns (`transformRows`).
   */
  fitRows(
    counts: CorpusCounts,
    rows: ArrayLike<number>,
  ): { vectorizer: FittedVectorizer; X: CsrMatrix; remap: Int32Array } {
    const { vectorizer, remap } = this.fitVocabulary(counts, rows);
    return { vectorizer, X: this.matrix(counts, vectorizer, remap, rows), remap };
  }

  /**
   * What `fitRows` fits, with the rows as a source read one at a time instead of a matrix (a model
   * that fits from rows then holds no matrix of them all): the same values to the bit.
   */
  fitRowSource(
    counts: CorpusCounts,
    rows: ArrayLike<number>,
  ): { vectorizer: FittedVectorizer; source: RowSource; remap: Int32Array } {
    const { vectorizer, remap } = this.fitVocabulary(counts, rows);
    return { vectorizer, source: new RowFiller(this.params, counts, vectorizer, remap).rows(rows), remap };
  }

  /** The vocabulary, idf and categorical values of counted documents `rows`. */
  private fitVocabulary(
    counts: CorpusCounts,
    rows: ArrayLike<number>,
  ): { vectorizer: FittedVectorizer; remap: Int32Array } {
    const df = new Int32Array(counts.nTerms);
    const metaSeen = new Uint8Array(counts.metaNames.length);
    const { rowStart, entries, metaStart, metaEntry } = counts;
    const reader = new EntryReader();
    for (let r = 0; r < rows.length; r++) {
      const d = rows[r]!;
      const m = reader.read(entries, rowStart[d]!, rowStart[d + 1]!);
      const term = reader.term;
      for (let k = 0; k < m; k++) df[term[k]!]!++;
      for (let e = metaStart[d]!; e < metaStart[d + 1]!; e++) metaSeen[metaEntry[e]!] = 1;
    }
    // an evicted candidate's entries stay in the counts: it is no term, as in a fresh count
    for (let id = 0; id < counts.nTerms; id++) if (counts.df[id]! < 0) df[id] = -1;
    const own = {
      ...counts,
      nDocs: rows.length,
      df,
      metaNames: counts.metaNames.filter((_, m) => metaSeen[m] === 1),
    };
    return this.build(own);
  }

  /** Rows of counted documents in the columns of a vectorizer `fitRows` made on the same counts. */
  transformRows(
    counts: CorpusCounts,
    rows: ArrayLike<number>,
    vectorizer: FittedVectorizer,
    remap: Int32Array,
  ): CsrMatrix {
    return this.matrix(counts, vectorizer, remap, rows);
  }

  private build(counts: CorpusCounts): { vectorizer: FittedVectorizer; remap: Int32Array } {
    const p = this.params;
    const n = counts.nDocs;
    const maxDf = Math.max(p.minDf, Math.floor(p.maxDfRatio * n));
    // the most frequent terms first, so the weights a solver touches most share cache lines (SVM
    // 37.5 s → 33.2 s on 100,000 generated reports with 770k features; no change on HIVE's 71k);
    // ties by name, so the same data gives the same columns. Grouped by document frequency first and
    // each group's names sorted by the built-in string order: a comparator over a million terms
    // took most of this step (200,000 generated reports: 11.0 s → 6.7 s)
    const kept = (c: number) => c > 0 && c >= p.minDf && c <= maxDf;
    const top = Math.min(maxDf, n);
    const groupSize = new Int32Array(top + 1);
    for (let id = 0; id < counts.nTerms; id++) {
      const c = counts.df[id]!;
      if (kept(c)) groupSize[c]!++;
    }
    // groups laid out from the highest frequency down
    const groupStart = new Int32Array(top + 1);
    let nKept = 0;
    for (let c = top; c >= 1; c--) {
      groupStart[c] = nKept;
      nKept += groupSize[c]!;
    }
    const byFrequency = new Int32Array(nKept);
    const fill = groupStart.slice();
    for (let id = 0; id < counts.nTerms; id++) {
      const c = counts.df[id]!;
      if (kept(c)) byFrequency[fill[c]!++] = id;
    }
    const limit = p.maxFeatures > 0 ? Math.min(p.maxFeatures, nKept) : nKept;
    const vocab = new Map<string, number>();
    const termList: string[] = [];
    const dense = p.dense ? denseTerms(p.dense) : [];
    const idf = new Float32Array(limit + counts.metaNames.length + dense.length);
    const remap = new Int32Array(counts.nTerms).fill(-1);
    for (let c = top; c >= 1 && termList.length < limit; c--) {
      const size = groupSize[c]!;
      if (size === 0) continue;
      const ids = byFrequency.subarray(groupStart[c]!, groupStart[c]! + size);
      const idOf = new Map<string, number>();
      const names: string[] = new Array(size);
      for (let k = 0; k < size; k++) {
        const name = counts.nameOf(ids[k]!);
        names[k] = name;
        idOf.set(name, ids[k]!);
      }
      names.sort();
      const w = Math.log((1 + n) / (1 + c)) + 1;
      for (let k = 0; k < size && termList.length < limit; k++) {
        const name = names[k]!;
        remap[idOf.get(name)!] = termList.length;
        vocab.set(name, termList.length);
        idf[termList.length] = w;
        termList.push(name);
      }
    }
    const nText = termList.length;
    // categorical values seen in training become one-hot columns after the text ones
    for (const t of [...counts.metaNames].sort()) {
      vocab.set(t, termList.length);
      idf[termList.length] = 1;
      termList.push(t);
    }
    for (const t of dense) {
      vocab.set(t, termList.length);
      idf[termList.length] = 1;
      termList.push(t);
    }
    return { vectorizer: new FittedVectorizer(p, vocab, idf, termList, nText), remap };
  }

  /** The tf-idf rows of documents `rows` (default: every one, in order). */
  private matrix(
    counts: CorpusCounts,
    vec: FittedVectorizer,
    remap: Int32Array,
    rows?: ArrayLike<number>,
  ): CsrMatrix {
    const n = rows ? rows.length : counts.nDocs;
    const docAt = rows ? (r: number) => rows[r]! : (r: number) => r;
    const filler = new RowFiller(this.params, counts, vec, remap);
    // sized exactly first: on a million reports a doubling buffer would cost a copy of gigabytes
    let nnz = 0;
    for (let r = 0; r < n; r++) nnz += filler.size(docAt(r));
    // on shared memory, so that SVM worker threads read the matrix without a copy of it
    const indptr = new Int32Array(new SharedArrayBuffer((n + 1) * 4));
    const indices = new Int32Array(new SharedArrayBuffer(nnz * 4));
    const data = new Float32Array(new SharedArrayBuffer(nnz * 4));
    let q = 0;
    for (let r = 0; r < n; r++) {
      q = filler.fill(docAt(r), indices, data, q);
      indptr[r + 1] = q;
    }
    return { nRows: n, nCols: vec.nFeatures, indptr, indices, data };
  }
}

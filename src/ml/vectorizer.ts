import { IntPairTable } from './int-pair-table.ts';
import { CsrBuilder, type CsrMatrix } from './sparse.ts';
import { charNgrams } from './tokenizer.ts';

/** A document as the vectorizer sees it: token lists per text field, and categorical values. */
export interface TokenizedDoc {
  /** field name → tokens, in text order */
  text: Record<string, string[]>;
  /** field name → values (several for multi-valued fields); an empty list means missing */
  meta: Record<string, string[]>;
  /** a dense vector made outside (a sentence encoder's), for a vectorizer with `dense` set */
  dense?: Float32Array;
  /**
   * the text before tokenising, kept by `FittedTextClassifier.tokenize`: a blend whose members
   * tokenise differently re-reads it
   */
  source?: { text: Record<string, string> };
}

/**
 * Dense columns appended to every row after the one-hot ones: a pretrained sentence encoder's
 * vector of the report, which knows words and phrasings that a few hundred training reports never
 * show. The vectorizer only places them; the vectors are made by whoever owns the encoder.
 */
export interface DenseSpec {
  /** the encoder that made the vectors: predictions must get theirs from the same one */
  encoder: string;
  dims: number;
  /** each value is multiplied by this (the text block has norm 1) */
  weight: number;
}

export interface TextFieldSpec {
  name: string;
  /** how much this field's block counts before the whole vector is normalised */
  weight: number;
  /** word n-gram range, e.g. [1, 2] */
  ngrams: [number, number];
  /** character n-gram range of the field's words, or null */
  charNgrams?: [number, number] | null;
}

export interface VectorizerParams {
  fields: TextFieldSpec[];
  metaFields: string[];
  /** value of a present one-hot feature, added after the text part is L2-normalised */
  metaWeight: number;
  /** a term must appear in this many training documents */
  minDf: number;
  /** and in at most this fraction of them */
  maxDfRatio: number;
  /** keep at most this many terms (the most frequent), or 0 for no cap */
  maxFeatures: number;
  sublinearTf: boolean;
  /** dense columns from outside (absent in older artifacts: none) */
  dense?: DenseSpec | null;
}

export const DEFAULT_VECTORIZER: VectorizerParams = {
  fields: [
    // a title word weighs twice a body word: measured on NLBSE'24 and Jira HDFS (bench/RESULTS.md)
    { name: 'summary', weight: 2, ngrams: [1, 2] },
    { name: 'description', weight: 1, ngrams: [1, 2] },
  ],
  metaFields: [],
  metaWeight: 0.3,
  minDf: 2,
  maxDfRatio: 0.9,
  maxFeatures: 0,
  sublinearTf: true,
};

/** Feature names: `summary:crash`, `summary:crash on`, `description:#ove`, `platform=Linux`. */
function termsOf(field: TextFieldSpec, tokens: string[], out: string[]): void {
  const [lo, hi] = field.ngrams;
  const prefix = `${field.name}:`;
  for (let n = lo; n <= hi; n++) {
    for (let i = 0; i + n <= tokens.length; i++) {
      // unigrams and bigrams are nearly all the terms: build them without an intermediate array
      if (n === 1) out.push(prefix + tokens[i]);
      else if (n === 2) out.push(`${prefix}${tokens[i]} ${tokens[i + 1]}`);
      else out.push(prefix + tokens.slice(i, i + n).join(' '));
    }
  }
  if (field.charNgrams) {
    for (const g of charNgrams(tokens, field.charNgrams[0], field.charNgrams[1]))
      out.push(`${field.name}#${g}`);
  }
}

function denseOf(spec: DenseSpec, doc: TokenizedDoc): Float32Array {
  const v = doc.dense;
  if (!v) throw new Error(`this vectorizer needs each document's ${spec.encoder} vector, and one has none`);
  if (v.length !== spec.dims)
    throw new Error(`a ${spec.encoder} vector has ${v.length} values where ${spec.dims} were expected`);
  return v;
}

/** Names of the dense columns, `~use-lite/0` ...: no term or one-hot value starts with `~`. */
export function denseTerms(spec: DenseSpec): string[] {
  return Array.from({ length: spec.dims }, (_, i) => `~${spec.encoder}/${i}`);
}

function metaTermsOf(name: string, values: string[] | undefined, out: string[]): void {
  // missing is a value of its own: "no platform given" says something too
  if (!values || values.length === 0) out.push(`${name}=<missing>`);
  else for (const v of values) out.push(`${name}=${v}`);
}

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
    for (const name of this.params.metaFields) metaTermsOf(name, doc.meta[name], terms);
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
    return { params: this.params, terms: this.terms, idf: Array.from(this.idf), nText: this.nText };
  }

  static fromJSON(o: {
    params: VectorizerParams;
    terms: string[];
    idf: number[];
    nText: number;
  }): FittedVectorizer {
    const vocab = new Map<string, number>();
    o.terms.forEach((t, i) => {
      vocab.set(t, i);
    });
    return new FittedVectorizer(o.params, vocab, Float32Array.from(o.idf), o.terms, o.nText);
  }
}

const MAX_CANDIDATES = 4_000_000;

/** A growable typed array: the vectorizer's per-term and per-entry columns. */
class Column<T extends Int32Array | Uint16Array> {
  data: T;
  length = 0;
  constructor(
    private readonly make: (n: number) => T,
    capacity = 1024,
  ) {
    this.data = make(capacity);
  }
  push(v: number): void {
    if (this.length === this.data.length) {
      const d = this.make(Math.ceil(this.data.length * 1.5) + 16);
      d.set(this.data);
      this.data = d;
    }
    this.data[this.length++] = v;
  }
}

const int32 = (n: number) => new Int32Array(n);
const uint16 = (n: number) => new Uint16Array(n);

/** Term counts of a corpus: every distinct term once, and each document as (term, count) runs. */
interface CorpusCounts {
  nDocs: number;
  /** per candidate term: documents it occurs in, or -1 once evicted */
  df: Int32Array;
  nTerms: number;
  nameOf: (term: number) => string;
  fieldOf: (term: number) => number;
  /** per document, where its entries start in `entryTerm`/`entryCount` (n + 1 offsets) */
  rowStart: Int32Array;
  entryTerm: Int32Array;
  /** occurrences in the document, capped at 65535 (sublinear tf makes the cap immaterial) */
  entryCount: Uint16Array;
  /** categorical values (`os=Linux`) by id, and each document's ids */
  metaNames: string[];
  metaStart: Int32Array;
  metaEntry: Int32Array;
  /** with `dense`: each document's vector, n × dims */
  dense: Float32Array | null;
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
    const counts = this.count(docs);
    const { vectorizer, remap } = this.build(counts);
    return { vectorizer, X: this.matrix(counts, vectorizer, remap) };
  }

  /**
   * One pass over the corpus. Tokens are interned to ids and word unigrams and bigrams counted
   * as (token id, token id and field) pairs in a typed-array table, so no string is built per
   * n-gram; longer n-grams and character n-grams, rarer choices, are counted by name. When the
   * candidates outgrow `maxCandidates` (4 million) the rarest are evicted (seen in fewer than 2 documents, then
   * 3, ... as long as half the table survives: lossy counting), which only happens on corpora in the
   * hundreds of thousands; a term evicted and met again starts its count afresh.
   */
  private count(docs: Iterable<TokenizedDoc>): CorpusCounts {
    const fields = this.params.fields;
    if (fields.length > 16) throw new Error('at most 16 text fields can be vectorised');
    const tokenIds = new Map<string, number>();
    const tokens: string[] = [];
    // bigrams by (token, next token and field) in a hash table; unigrams straight by token id, one
    // array per field: half the lookups, and a small array that stays in cache instead of a probe
    // into a table of millions (with the vocabulary change below: counting and weighting 200,000
    // generated reports with bigrams 55.6-55.9 s → 41.2 s, bench/RESULTS.md)
    const pairs = new IntPairTable(1 << 16);
    const unigram: Int32Array[] = fields.map(() => new Int32Array(1 << 12).fill(-1));
    const named = new Map<string, number>();
    const namedTerms = new Map<number, string>();
    const termA = new Column(int32, 1 << 16);
    const termB = new Column(int32, 1 << 16);
    const termField = new Column(int32, 1 << 16);
    let df = new Int32Array(1 << 16);
    let live = 0;
    let evictBelow = 2;
    let curA = 0;
    let curB = 0;
    let curF = 0;
    const newTerm = (): number => {
      const id = termA.length;
      termA.push(curA);
      termB.push(curB);
      termField.push(curF);
      if (id >= df.length) {
        const d = new Int32Array(df.length * 2);
        d.set(df);
        df = d;
      }
      live++;
      return id;
    };
    const rowStart = new Column(int32, 1 << 12);
    const entryTerm = new Column(int32, 1 << 16);
    const entryCount = new Column(uint16, 1 << 16);
    const metaIds = new Map<string, number>();
    const metaNames: string[] = [];
    const metaStart = new Column(int32, 1 << 12);
    const metaEntry = new Column(int32, 1 << 12);
    const metaTerms: string[] = [];
    let tids = new Int32Array(256);
    let buf = new Int32Array(1024);
    const pushBuf = (id: number, at: number): number => {
      if (at === buf.length) {
        const b = new Int32Array(buf.length * 2);
        b.set(buf);
        buf = b;
      }
      buf[at] = id;
      return at + 1;
    };
    const extra: string[] = [];
    const denseSpec = this.params.dense ?? null;
    let dense = new Float32Array(denseSpec ? denseSpec.dims * 64 : 0);
    let nDocs = 0;
    for (const doc of docs) {
      if (denseSpec) {
        const v = denseOf(denseSpec, doc);
        if ((nDocs + 1) * denseSpec.dims > dense.length) {
          const d = new Float32Array(dense.length * 2);
          d.set(dense);
          dense = d;
        }
        dense.set(v, nDocs * denseSpec.dims);
      }
      nDocs++;
      rowStart.push(entryTerm.length);
      metaStart.push(metaEntry.length);
      for (let f = 0; f < fields.length; f++) {
        const field = fields[f]!;
        const toks = doc.text[field.name] ?? [];
        if (toks.length > tids.length) tids = new Int32Array(toks.length * 2);
        for (let i = 0; i < toks.length; i++) {
          let t = tokenIds.get(toks[i]!);
          if (t === undefined) {
            t = tokens.length;
            if (t >= 1 << 26) throw new Error('more than 67 million distinct tokens');
            tokens.push(toks[i]!);
            tokenIds.set(toks[i]!, t);
          }
          tids[i] = t;
        }
        let m = 0;
        const [lo, hi] = field.ngrams;
        curF = f;
        if (lo <= 1 && hi >= 1) {
          curB = f;
          if (tokens.length > unigram[f]!.length) {
            const u = new Int32Array(Math.max(tokens.length, unigram[f]!.length * 2)).fill(-1);
            u.set(unigram[f]!);
            unigram[f] = u;
          }
          const uni = unigram[f]!;
          for (let i = 0; i < toks.length; i++) {
            curA = tids[i]!;
            let id = uni[curA]!;
            if (id < 0) {
              id = newTerm();
              uni[curA] = id;
            }
            m = pushBuf(id, m);
          }
        }
        if (lo <= 2 && hi >= 2) {
          for (let i = 0; i + 1 < toks.length; i++) {
            curA = tids[i]!;
            curB = (tids[i + 1]! + 1) * 16 + f;
            m = pushBuf(pairs.getOrInsert(curA, curB, newTerm), m);
          }
        }
        if (hi > 2 || field.charNgrams) {
          // the rarer kinds of term, counted by name as the string-keyed `termsOf` builds them
          extra.length = 0;
          termsOf({ ...field, ngrams: [Math.max(lo, 3), hi] }, toks, extra);
          curA = -1;
          curB = -1;
          for (const t of extra) {
            let id = named.get(t);
            if (id === undefined) {
              id = newTerm();
              named.set(t, id);
              namedTerms.set(id, t);
            }
            m = pushBuf(id, m);
          }
        }
        if (m === 0) continue;
        const run = buf.subarray(0, m).sort();
        let k = 0;
        while (k < m) {
          const id = run[k]!;
          let e = k + 1;
          while (e < m && run[e] === id) e++;
          df[id]!++;
          entryTerm.push(id);
          entryCount.push(Math.min(e - k, 65535));
          k = e;
        }
      }
      if (this.params.metaFields.length > 0) {
        metaTerms.length = 0;
        for (const name of this.params.metaFields) metaTermsOf(name, doc.meta[name], metaTerms);
        const first = metaEntry.length;
        for (const t of metaTerms) {
          let id = metaIds.get(t);
          if (id === undefined) {
            id = metaNames.length;
            metaNames.push(t);
            metaIds.set(t, id);
          }
          let dup = false;
          for (let q = first; q < metaEntry.length; q++) if (metaEntry.data[q] === id) dup = true;
          if (!dup) metaEntry.push(id);
        }
      }
      if (live > this.maxCandidates) {
        for (let id = 0; id < termA.length; id++) {
          if (df[id]! >= 0 && df[id]! < evictBelow) {
            df[id] = -1;
            live--;
            const f = termField.data[id]!;
            if (termB.data[id] === f && termA.data[id]! >= 0) unigram[f]![termA.data[id]!] = -1;
            const name = namedTerms.get(id);
            if (name !== undefined) {
              named.delete(name);
              namedTerms.delete(id);
            }
          }
        }
        pairs.retain((id) => df[id]! >= 0);
        if (live > this.maxCandidates / 2) evictBelow++;
      }
    }
    rowStart.push(entryTerm.length);
    metaStart.push(metaEntry.length);
    const nameOf = (id: number): string => {
      const named = namedTerms.get(id);
      if (named !== undefined) return named;
      const f = termField.data[id]!;
      const b = termB.data[id]!;
      const prefix = `${fields[f]!.name}:${tokens[termA.data[id]!]!}`;
      return b === f ? prefix : `${prefix} ${tokens[(b - f) / 16 - 1]!}`;
    };
    return {
      nDocs,
      df,
      nTerms: termA.length,
      nameOf,
      fieldOf: (id) => termField.data[id]!,
      rowStart: rowStart.data,
      entryTerm: entryTerm.data,
      entryCount: entryCount.data,
      metaNames,
      metaStart: metaStart.data,
      metaEntry: metaEntry.data,
      dense: denseSpec ? dense : null,
    };
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

  private matrix(counts: CorpusCounts, vec: FittedVectorizer, remap: Int32Array): CsrMatrix {
    const p = this.params;
    const weight = p.fields.map((f) => f.weight);
    const n = counts.nDocs;
    const { rowStart, entryTerm, entryCount, metaStart, metaEntry } = counts;
    const metaCol = Int32Array.from(counts.metaNames, (t) => vec.vocabulary.get(t)!);
    // sized exactly first: on a million reports a doubling buffer would cost a copy of gigabytes
    const dims = p.dense?.dims ?? 0;
    const denseWeight = p.dense?.weight ?? 0;
    const denseStart = vec.denseStart;
    let nnz = metaStart[n]! + n * dims;
    for (let e = 0; e < rowStart[n]!; e++) if (remap[entryTerm[e]!]! >= 0) nnz++;
    // on shared memory, so that SVM worker threads read the matrix without a copy of it
    const indptr = new Int32Array(new SharedArrayBuffer((n + 1) * 4));
    const indices = new Int32Array(new SharedArrayBuffer(nnz * 4));
    const data = new Float32Array(new SharedArrayBuffer(nnz * 4));
    let q = 0;
    for (let d = 0; d < n; d++) {
      const start = q;
      let sq = 0;
      for (let e = rowStart[d]!; e < rowStart[d + 1]!; e++) {
        const id = entryTerm[e]!;
        const j = remap[id]!;
        if (j < 0) continue;
        const c = entryCount[e]!;
        const tf = p.sublinearTf ? 1 + Math.log(c) : c;
        const v = tf * vec.idf[j]! * weight[counts.fieldOf(id)]!;
        indices[q] = j;
        data[q++] = v;
        sq += v * v;
      }
      const norm = sq > 0 ? 1 / Math.sqrt(sq) : 0;
      for (let k = start; k < q; k++) data[k] = data[k]! * norm;
      for (let e = metaStart[d]!; e < metaStart[d + 1]!; e++) {
        indices[q] = metaCol[metaEntry[e]!]!;
        data[q++] = p.metaWeight;
      }
      for (let i = 0; i < dims; i++) {
        indices[q] = denseStart + i;
        data[q++] = counts.dense![d * dims + i]! * denseWeight;
      }
      indptr[d + 1] = q;
    }
    return { nRows: n, nCols: vec.nFeatures, indptr, indices, data };
  }
}

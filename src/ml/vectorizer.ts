import { CsrBuilder, type CsrMatrix } from './sparse.ts';
import { charNgrams } from './tokenizer.ts';

/** A document as the vectorizer sees it: token lists per text field, and categorical values. */
export interface TokenizedDoc {
  /** field name → tokens, in text order */
  text: Record<string, string[]>;
  /** field name → values (several for multi-valued fields); an empty list means missing */
  meta: Record<string, string[]>;
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
 * document frequency bounds its memory by evicting terms seen once when the candidate table grows
 * past `MAX_CANDIDATES`, which only affects corpora in the millions.
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

  transform(docs: TokenizedDoc[]): CsrMatrix {
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
      terms.length = 0;
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
      b.addRow(cols, vals);
    }
    return b.build();
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

export class TfidfVectorizer {
  constructor(readonly params: VectorizerParams = DEFAULT_VECTORIZER) {}

  fit(docs: TokenizedDoc[]): FittedVectorizer {
    const p = this.params;
    const df = new Map<string, number>();
    const terms: string[] = [];
    const seen = new Set<string>();
    for (const doc of docs) {
      terms.length = 0;
      seen.clear();
      for (const field of p.fields) termsOf(field, doc.text[field.name] ?? [], terms);
      for (const t of terms) {
        if (seen.has(t)) continue;
        seen.add(t);
        df.set(t, (df.get(t) ?? 0) + 1);
      }
      if (df.size > MAX_CANDIDATES) {
        for (const [t, c] of df) if (c < 2) df.delete(t);
      }
    }
    const n = docs.length;
    const maxDf = Math.max(p.minDf, Math.floor(p.maxDfRatio * n));
    let kept = [...df.entries()].filter(([, c]) => c >= p.minDf && c <= maxDf);
    if (p.maxFeatures > 0 && kept.length > p.maxFeatures) {
      kept.sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
      kept = kept.slice(0, p.maxFeatures);
    }
    // sorted, so the same data always gives the same columns
    kept.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
    const vocab = new Map<string, number>();
    const termList: string[] = [];
    const idf: number[] = [];
    for (const [t, c] of kept) {
      vocab.set(t, termList.length);
      termList.push(t);
      idf.push(Math.log((1 + n) / (1 + c)) + 1);
    }
    const nText = termList.length;
    // categorical values seen in training become one-hot columns after the text ones
    const metaSeen = new Set<string>();
    const metaTerms: string[] = [];
    for (const doc of docs) {
      metaTerms.length = 0;
      for (const name of p.metaFields) metaTermsOf(name, doc.meta[name], metaTerms);
      for (const t of metaTerms) metaSeen.add(t);
    }
    for (const t of [...metaSeen].sort()) {
      vocab.set(t, termList.length);
      termList.push(t);
      idf.push(1);
    }
    return new FittedVectorizer(p, vocab, Float32Array.from(idf), termList, nText);
  }
}

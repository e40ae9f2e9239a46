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
  /** what a blank categorical field is: nothing, or (absent in older artifacts) a `<missing>` value */
  missing?: 'none' | 'feature';
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
  missing: 'none',
};

/** Feature names: `summary:crash`, `summary:crash on`, `description:#ove`, `platform=Linux`. */
export function termsOf(field: TextFieldSpec, tokens: string[], out: string[]): void {
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

export function denseOf(spec: DenseSpec, doc: TokenizedDoc): Float32Array {
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

/**
 * A document's categorical values as terms. A blank field is nothing (`missing: 'none'`, the
 * default since 0.1): a reporter who leaves a field blank says nothing about where the report
 * belongs, and a `<missing>` value learned from another tracker's reports (which never fill it)
 * pulled a Firefox crash towards HDFS components. Artifacts made before it (no `missing` set)
 * keep `<missing>` as a value of its own, as they were trained.
 */
export function metaTermsOf(
  name: string,
  values: string[] | undefined,
  out: string[],
  missing: VectorizerParams['missing'] = 'feature',
): void {
  if (!values || values.length === 0) {
    if (missing === 'feature') out.push(`${name}=<missing>`);
  } else for (const v of values) out.push(`${name}=${v}`);
}

import { DEFAULT_VECTORIZER, type VectorizerParams } from '../ml/index.ts';
import { OWN, type SentenceVectors } from './report-docs.ts';

/**
 * Training reports up to which data counts as small: the model search also tries n-gram ranges
 * and tokenizers, and its candidates may be blended (the pool is varied then; every member is
 * fitted and asked, so a blend costs its members' fits and predictions together).
 */
export const SMALL_DATA = 5000;

/**
 * How much the sentence vectors weigh beside the text block (norm 1): as much as it. Judged
 * leave-one-data-set-out on training sides alone (bench/training-only `sentence-weight`, NLBSE'24's
 * five repositories and Mozilla bug / not a bug): 1 beat the earlier 0.3 on 5 of 6 held out, by 1.3
 * points of macro-F1 on average. The 0.3 had come from cross-validation in a scikit-learn
 * experiment, and a 0.6 had been dropped on test-set figures (bench/RESULTS.md).
 */
const SENTENCE_WEIGHT = 1;

/** the weight `metaSearch` also tries for a categorical value (the default's is 0.3) */
const META_SEARCH_WEIGHT = 1;

/** the character n-grams the search may add (scikit-learn's char_wb range in the tuned baseline) */
const CHAR_NGRAMS: [number, number] = [2, 5];

/** How much a title word, a categorical value and the sentence vectors weigh, where not the defaults'. */
export interface FieldWeights {
  title?: number;
  meta?: number;
  /** the sentence vectors' (SENTENCE_WEIGHT) */
  sentence?: number;
}

/**
 * Which terms a vectorizer keeps and how it counts them, where not as DEFAULT_VECTORIZER says
 * (a term in at least 2 reports and at most 90% of them, sublinear tf): what bench/training-only
 * judges those defaults by.
 */
export type TermThresholds = Partial<Pick<VectorizerParams, 'minDf' | 'maxDfRatio' | 'sublinearTf'>>;

/** What of the search's options decides the vectorizers it tries (see SearchOptions). */
export interface VectorizerChoices {
  metaFields: string[];
  ownCopies: boolean;
  missing?: 'none' | 'feature';
  weights?: FieldWeights;
  thresholds?: TermThresholds;
  charNgrams?: [number, number];
  charSearch?: boolean;
  metaSearch?: boolean;
  sentenceVectors?: SentenceVectors;
}

/**
 * The vectorizers the model search cross-validates: the defaults (with at most `maxFeatures`
 * terms), unigrams too on small data, and where asked character n-grams, categorical values at a
 * one-hot column's weight and sentence vectors.
 */
export function searchVectorizers(
  opts: VectorizerChoices,
  maxFeatures: number,
  nTrain: number,
): VectorizerParams[] {
  const vectorizer = {
    ...DEFAULT_VECTORIZER,
    maxFeatures,
    metaFields: opts.metaFields,
    metaWeight: opts.weights?.meta ?? DEFAULT_VECTORIZER.metaWeight,
    ...(opts.missing ? { missing: opts.missing } : {}),
    ...opts.thresholds,
    fields: DEFAULT_VECTORIZER.fields
      .map((f) =>
        f.name === 'summary' && opts.weights?.title !== undefined ? { ...f, weight: opts.weights.title } : f,
      )
      .flatMap((f) => (opts.ownCopies ? [f, { ...f, name: OWN + f.name }] : [f]))
      .map((f) => ({ ...f, charNgrams: opts.charNgrams ?? null })),
  };
  const unigrams = {
    ...vectorizer,
    fields: vectorizer.fields.map((f) => ({ ...f, ngrams: [1, 1] as [number, number] })),
  };
  // n-gram range is part of the search where the data is small enough for it to pay
  const wordVectorizers = nTrain <= SMALL_DATA ? [vectorizer, unigrams] : [vectorizer];
  const withChars = (v: typeof vectorizer) => ({
    ...v,
    fields: v.fields.map((f) => ({ ...f, charNgrams: CHAR_NGRAMS })),
  });
  const textVectorizers =
    opts.charSearch && !opts.charNgrams ? [...wordVectorizers, withChars(vectorizer)] : wordVectorizers;
  // categorical values also at a one-hot column's weight, where the search is asked to try it
  const plainVectorizers =
    opts.metaSearch && opts.metaFields.length > 0
      ? textVectorizers.flatMap((v) => [v, { ...v, metaWeight: META_SEARCH_WEIGHT }])
      : textVectorizers;
  const sv = opts.sentenceVectors;
  // with sentence vectors, each vectorizer is tried with and without them: cross-validation says
  // whether the encoder's English helps this tracker's reports
  return sv
    ? plainVectorizers.flatMap((v) => [
        v,
        {
          ...v,
          dense: { encoder: sv.encoder, dims: sv.dims, weight: opts.weights?.sentence ?? SENTENCE_WEIGHT },
        },
      ])
    : plainVectorizers;
}

import { crossFittedCorrection, fitClassBiases } from './bias-correction.ts';
import { fitTemperature, softmaxRows } from './calibration.ts';
import { blockedFolds, stratifiedFolds } from './folds.ts';
import { acceptsNegative } from './model-kinds.ts';
import type { OnProgress } from './progress.ts';
import { argmaxRows } from './rows.ts';
import { describeModel, fitModel, type ModelSpec, type TextClassifierParams } from './text-classifier.ts';
import {
  DEFAULT_VECTORIZER,
  TfidfVectorizer,
  type TokenizedDoc,
  type VectorizerParams,
} from './vectorizer.ts';

// Model selection: cross-validated scores of candidate settings on the training data alone, and
// the names the search reports them by.

export interface CandidateScore {
  model: ModelSpec;
  vectorizer: VectorizerParams;
  description: string;
  accuracy: number;
  macroF1: number;
  top3: number;
  score: number;
  seconds: number;
}

export interface SelectionResult {
  best: TextClassifierParams;
  temperature: number;
  /** with `biasCorrection`: the best candidate's per-class biases, fitted on its out-of-fold rows */
  biases?: Float64Array;
  /** the best candidate's out-of-fold scores (n × K, classes sorted) */
  bestScores: Float64Array;
  candidates: CandidateScore[];
  scores?: Float64Array[];
}

/**
 * What "best" means (a task's objective): `accuracy` top-1; `topk` top-1 and top-3 accuracy alike
 * (routing, where a triager reads the first few answers); `macroF1` every class alike; `mean`
 * accuracy and macro-F1 alike.
 */
export type SelectionMetric = 'accuracy' | 'macroF1' | 'mean' | 'topk';
export const SELECTION_METRICS: readonly SelectionMetric[] = ['accuracy', 'macroF1', 'mean', 'topk'];

/** Share of rows whose true class is among the three highest scores (ties count against). */
export function topKShare(scores: Float64Array, y: Int32Array, K: number, k = 3): number {
  let hit = 0;
  for (let i = 0; i < y.length; i++) {
    const o = i * K;
    const truth = scores[o + y[i]!]!;
    let above = 0;
    for (let c = 0; c < K && above < k; c++) if (c !== y[i] && scores[o + c]! >= truth) above++;
    if (above < k) hit++;
  }
  return y.length ? hit / y.length : 0;
}

/** Accuracy, macro-F1 and top-3 of row-major n × K scores against true classes. */
export function scoreMetrics(
  scores: Float64Array,
  y: Int32Array,
  K: number,
): { accuracy: number; macroF1: number; top3: number } {
  return { ...cvMetrics(argmaxRows(scores, K), y, K), top3: topKShare(scores, y, K) };
}

/** Accuracy and macro-F1 of predicted classes against true ones. */
export function cvMetrics(pred: Int32Array, y: Int32Array, K: number): { accuracy: number; macroF1: number } {
  const tp = new Float64Array(K);
  const fp = new Float64Array(K);
  const fn = new Float64Array(K);
  let correct = 0;
  for (let i = 0; i < y.length; i++) {
    if (pred[i] === y[i]) {
      correct++;
      tp[y[i]!]!++;
    } else {
      fp[pred[i]!]!++;
      fn[y[i]!]!++;
    }
  }
  let f1 = 0;
  for (let k = 0; k < K; k++) {
    const d = 2 * tp[k]! + fp[k]! + fn[k]!;
    f1 += d > 0 ? (2 * tp[k]!) / d : 0;
  }
  return { accuracy: correct / y.length, macroF1: f1 / K };
}

/** One number for "best": the search's metric of accuracy and macro-F1. */
export function selectionScore(
  m: { accuracy: number; macroF1: number; top3?: number },
  metric: SelectionMetric,
): number {
  if (metric === 'accuracy') return m.accuracy;
  if (metric === 'macroF1') return m.macroF1;
  // where only the top answer is known (a blend's halvings), top-3 falls back to top-1
  if (metric === 'topk') return (m.accuracy + (m.top3 ?? m.accuracy)) / 2;
  return (m.accuracy + m.macroF1) / 2;
}

export interface SelectionOptions {
  folds: number;
  seed: number;
  /** threads each SVM fit may use (default 1): how the search runs, not what it finds */
  threads?: number;
  /** what "best" means: the task's objective */
  metric: SelectionMetric;
  /**
   * judge each candidate after per-class bias correction (cross-fitted across the folds: no row
   * is corrected by biases it helped fit), and return the best one's biases
   */
  biasCorrection?: boolean;
  /** vectorizer settings to try (n-gram ranges, say); each is crossed with every model */
  vectorizers?: VectorizerParams[];
  onProgress?: OnProgress;
  /** return every candidate's out-of-fold scores (n × K, classes sorted) */
  keepScores?: boolean;
  /** the documents are in filing order: hold out consecutive periods (`blockedFolds`), not random rows */
  blockedFolds?: boolean;
}

/**
 * Choose the model by k-fold cross-validation on the training data only, then fit the
 * temperature on the winner's out-of-fold scores. The vectorizer is refitted inside each fold,
 * so no fold sees the vocabulary or idf of its own held-out part.
 */
export function selectModel(
  docs: TokenizedDoc[],
  y: string[],
  models: ModelSpec[],
  opts: SelectionOptions,
): SelectionResult {
  const vecList = opts.vectorizers ?? [DEFAULT_VECTORIZER];
  // naive Bayes counts: it has no meaning for dense columns, whose values go below zero
  const candidates = vecList
    .flatMap((v, vi) => models.map((m) => ({ vectorizer: v, model: m, vi })))
    .filter((c) => acceptsNegative(c.model) || !c.vectorizer.dense);
  const classes = [...new Set(y)].sort();
  const K = classes.length;
  const index = new Map(classes.map((c, i) => [c, i]));
  const codes = Int32Array.from(y, (c) => index.get(c)!);
  const folds = opts.blockedFolds
    ? blockedFolds(codes.length, opts.folds)
    : stratifiedFolds(codes, opts.folds, opts.seed);
  const oof = candidates.map(() => new Float64Array(y.length * K));
  const seconds = candidates.map(() => 0);
  const total = opts.folds * candidates.length;
  let done = 0;
  // each vectorizer counts the documents once; every fold's vocabulary and idf then come from its
  // own training rows of those counts (what counting them afresh gives), its held-out rows read in
  // the fold's columns
  const counted = vecList.map((v) => new TfidfVectorizer(v).count(docs));
  for (let f = 0; f < opts.folds; f++) {
    const trainIdx: number[] = [];
    const testIdx: number[] = [];
    for (let i = 0; i < y.length; i++) (folds[i] === f ? testIdx : trainIdx).push(i);
    const ytr = trainIdx.map((i) => y[i]!);
    vecList.forEach((vecParams, v) => {
      const tfidf = new TfidfVectorizer(vecParams);
      const { vectorizer: vec, X: Xtr, remap } = tfidf.fitRows(counted[v]!, trainIdx);
      const Xte = tfidf.transformRows(counted[v]!, testIdx, vec, remap);
      candidates.forEach((cand, c) => {
        if (cand.vi !== v) return;
        const spec = cand.model;
        const t0 = performance.now();
        const model = fitModel(spec, Xtr, ytr, opts.seed, opts.threads ?? 1);
        const s = model.decision(Xte);
        seconds[c]! += (performance.now() - t0) / 1000;
        // map the fold model's classes (a class may be missing from a fold) onto all classes
        const Kf = model.classes.length;
        const target = oof[c]!;
        testIdx.forEach((row, r) => {
          for (let k = 0; k < K; k++) target[row * K + k] = -1e9;
          for (let kf = 0; kf < Kf; kf++) target[row * K + index.get(model.classes[kf]!)!] = s[r * Kf + kf]!;
        });
        done++;
        opts.onProgress?.(describeCandidate(candidates[c]!), done, total);
      });
    });
  }
  const scored: CandidateScore[] = candidates.map((cand, c) => {
    const judged = opts.biasCorrection
      ? crossFittedCorrection(oof[c]!, K, codes, folds, opts.folds)
      : oof[c]!;
    const m = scoreMetrics(judged, codes, K);
    const score = selectionScore(m, opts.metric);
    return {
      vectorizer: cand.vectorizer,
      model: cand.model,
      description: describeCandidate(cand),
      ...m,
      score,
      seconds: seconds[c]!,
    };
  });
  let bestIdx = 0;
  scored.forEach((s, i) => {
    if (s.score > scored[bestIdx]!.score) bestIdx = i;
  });
  const temperature = fitTemperature(oof[bestIdx]!, K, codes);
  const biases = opts.biasCorrection
    ? fitClassBiases(softmaxRows(oof[bestIdx]!, K, temperature), K, codes)
    : undefined;
  return {
    best: { vectorizer: candidates[bestIdx]!.vectorizer, model: candidates[bestIdx]!.model, seed: opts.seed },
    temperature,
    bestScores: oof[bestIdx]!,
    ...(biases ? { biases } : {}),
    candidates: scored,
    ...(opts.keepScores ? { scores: oof } : {}),
  };
}

function ngramLabel(v: VectorizerParams): string {
  const r = v.fields.map(
    (f) =>
      `${f.ngrams[0]}-${f.ngrams[1]}${f.charNgrams ? ` + chars ${f.charNgrams[0]}-${f.charNgrams[1]}` : ''}`,
  );
  const dense = v.dense ? ` + ${v.dense.encoder} ×${v.dense.weight}` : '';
  return [...new Set(r)].join('/') + dense;
}

export function describeCandidate(c: { vectorizer: VectorizerParams; model: ModelSpec }): string {
  // a categorical value's weight is named only where it is not the default's
  const meta =
    c.vectorizer.metaFields.length > 0 && c.vectorizer.metaWeight !== DEFAULT_VECTORIZER.metaWeight
      ? `, metadata ×${c.vectorizer.metaWeight}`
      : '';
  return `${describeModel(c.model)} ngrams ${ngramLabel(c.vectorizer)}${meta}`;
}

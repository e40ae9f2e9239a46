import { fitTemperature } from './calibration.ts';
import { stratifiedFolds } from './folds.ts';
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
  score: number;
  seconds: number;
}

export interface SelectionResult {
  best: TextClassifierParams;
  temperature: number;
  candidates: CandidateScore[];
  scores?: Float64Array[];
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
  m: { accuracy: number; macroF1: number },
  metric: SelectionOptions['metric'],
): number {
  return metric === 'accuracy' ? m.accuracy : metric === 'macroF1' ? m.macroF1 : (m.accuracy + m.macroF1) / 2;
}

export interface SelectionOptions {
  folds: number;
  seed: number;
  /** threads each SVM fit may use (default 1): how the search runs, not what it finds */
  threads?: number;
  /** what "best" means: the mean of accuracy and macro-F1 balances common and rare classes */
  metric: 'accuracy' | 'macroF1' | 'mean';
  /** vectorizer settings to try (n-gram ranges, say); each is crossed with every model */
  vectorizers?: VectorizerParams[];
  onProgress?: OnProgress;
  /** return every candidate's out-of-fold scores (n × K, classes sorted) */
  keepScores?: boolean;
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
  const folds = stratifiedFolds(codes, opts.folds, opts.seed);
  const oof = candidates.map(() => new Float64Array(y.length * K));
  const seconds = candidates.map(() => 0);
  const total = opts.folds * candidates.length;
  let done = 0;
  for (let f = 0; f < opts.folds; f++) {
    const trainIdx: number[] = [];
    const testIdx: number[] = [];
    for (let i = 0; i < y.length; i++) (folds[i] === f ? testIdx : trainIdx).push(i);
    const ytr = trainIdx.map((i) => y[i]!);
    vecList.forEach((vecParams, v) => {
      const { vectorizer: vec, X: Xtr } = new TfidfVectorizer(vecParams).fitTransform(
        trainIdx.map((i) => docs[i]!),
      );
      const Xte = vec.transform(testIdx.map((i) => docs[i]!));
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
    const m = cvMetrics(argmaxRows(oof[c]!, K), codes, K);
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
  return {
    best: { vectorizer: candidates[bestIdx]!.vectorizer, model: candidates[bestIdx]!.model, seed: opts.seed },
    temperature,
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
  return `${describeModel(c.model)} ngrams ${ngramLabel(c.vectorizer)}`;
}

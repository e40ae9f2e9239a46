import { roundToHalf } from './half-float.ts';
import { balancedClassWeights, encodeLabels, FittedLinearModel } from './linear-model.ts';
import type { ModelKind } from './model-kind.ts';
import { rowWeightsOf } from './recency.ts';
import { type CsrMatrix, rowSquaredNorms } from './sparse.ts';
import { DEFAULT_MIN_WORK, type SharedWork, solveInParallel } from './svm-pool.ts';
import type { SvmProblem } from './svm-solver.ts';

export interface LinearSvmParams {
  C: number;
  classWeight: 'balanced' | null;
  maxIter: number;
  /** stop when the projected gradient's spread falls below this (LIBLINEAR's eps) */
  tol: number;
  seed: number;
  /** threads the one-vs-rest problems may share, the calling one included (the model is the same) */
  threads: number;
  /** non-zeros × problems below which the fit stays on one thread */
  minWork: number;
}

export const DEFAULT_SVM: LinearSvmParams = {
  C: 0.5,
  classWeight: null,
  maxIter: 200,
  tol: 0.1,
  seed: 1,
  threads: 1,
  minWork: DEFAULT_MIN_WORK,
};

/** One-vs-rest linear SVM (L2-regularised squared hinge loss), one binary problem per class. */
export class LinearSvm {
  readonly params: LinearSvmParams;
  /** after a fit: how its problems were shared over threads */
  lastWork: SharedWork | null = null;
  constructor(params: Partial<LinearSvmParams> = {}) {
    this.params = { ...DEFAULT_SVM, ...params };
  }

  /** `rowWeights`: each row's weight on its loss (its own C, as LIBLINEAR's instance weights) */
  fit(X: CsrMatrix, y: string[], rowWeights: Float64Array | null = null): FittedLinearModel {
    const { classes, codes } = encodeLabels(y);
    const K = classes.length;
    const n = X.nRows;
    const cw =
      this.params.classWeight === 'balanced' ? balancedClassWeights(codes, K) : new Float64Array(K).fill(1);
    const sq = rowSquaredNorms(X);
    const Dii = new Float64Array(n);
    const QD = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      Dii[i] = 1 / (2 * this.params.C * cw[codes[i]!]! * (rowWeights ? rowWeights[i]! : 1));
      // the bias is a feature of constant value 1, as in LIBLINEAR
      QD[i] = sq[i]! + 1 + Dii[i]!;
    }
    const problem: SvmProblem = {
      X,
      codes,
      Dii,
      QD,
      nClasses: K,
      maxIter: this.params.maxIter,
      tol: this.params.tol,
      seed: this.params.seed,
    };
    const { W, bias, work } = solveInParallel(problem, X.nCols * K, K, this.params);
    this.lastWork = work;
    return new FittedLinearModel('svm', classes, X.nCols, roundToHalf(W), bias);
  }
}

/**
 * maxIter: passes over the data per class (default 200, with LIBLINEAR's stopping rule first);
 * recency: rows in filing order, the oldest weighing this much of the newest (recency.ts)
 */
export interface SvmSpec {
  kind: 'svm';
  C: number;
  classWeight: 'balanced' | null;
  maxIter?: number;
  recency?: number;
}

export const SVM_KIND: ModelKind<SvmSpec> = {
  kind: 'svm',
  describe: (s) =>
    `svm(C=${s.C}${s.classWeight ? ',balanced' : ''}${s.recency !== undefined ? `,recency=${s.recency}` : ''})`,
  fit: (s, X, y, run) =>
    new LinearSvm({
      C: s.C,
      classWeight: s.classWeight,
      seed: run.seed,
      threads: run.threads,
      ...(s.maxIter ? { maxIter: s.maxIter } : {}),
    }).fit(X, y, rowWeightsOf(s, X.nRows)),
  acceptsNegative: true,
};

import { roundToHalf } from './half-float.ts';
import { encodeLabels, FittedLinearModel } from './linear-model.ts';
import type { ModelKind } from './model-kind.ts';
import type { CsrMatrix } from './sparse.ts';

export interface ComplementNbParams {
  alpha: number;
}

/**
 * Complement naive Bayes (Rennie et al., 2003), as scikit-learn's ComplementNB with norm=False:
 * each class is scored by how unlike its complement a document is. Its decision is linear in the
 * features, so it shares the linear model's scoring, explanations and serialisation.
 */
export class ComplementNb {
  readonly params: ComplementNbParams;
  constructor(params: Partial<ComplementNbParams> = {}) {
    this.params = { alpha: 0.3, ...params };
  }

  fit(X: CsrMatrix, y: string[]): FittedLinearModel {
    const { classes, codes } = encodeLabels(y);
    const K = classes.length;
    const d = X.nCols;
    // per class, then feature: a report's features all land in its class's row, and the reports
    // are walked a class at a time, so the row being filled stays in cache (feature by class, a
    // million reports' entries missed the cache at almost every one). A class's reports are walked
    // in their order and the totals in row order: every sum is the one a walk in row order makes
    const fc = new Float64Array(K * d);
    const total = new Float64Array(d);
    for (let p = X.indptr[0]!; p < X.indptr[X.nRows]!; p++) {
      const v = X.data[p]!;
      if (v < 0) throw new Error('complement naive Bayes takes counts or weights of at least 0');
      total[X.indices[p]!]! += v;
    }
    const start = new Int32Array(K + 1);
    for (let i = 0; i < X.nRows; i++) start[codes[i]! + 1]!++;
    for (let k = 0; k < K; k++) start[k + 1]! += start[k]!;
    const byClass = new Int32Array(X.nRows);
    const next = start.slice(0, K);
    for (let i = 0; i < X.nRows; i++) byClass[next[codes[i]!]!++] = i;
    for (let k = 0; k < K; k++) {
      const row = k * d;
      for (let r = start[k]!; r < start[k + 1]!; r++) {
        const i = byClass[r]!;
        for (let p = X.indptr[i]!; p < X.indptr[i + 1]!; p++) fc[row + X.indices[p]!]! += X.data[p]!;
      }
    }
    const W = new Float32Array(d * K);
    const sums = new Float64Array(K);
    // each class's sum runs over the features in order, whichever loop is outside
    for (let k = 0; k < K; k++) {
      const row = k * d;
      for (let j = 0; j < d; j++) sums[k]! += total[j]! - fc[row + j]! + this.params.alpha;
    }
    const logSums = sums.map(Math.log);
    // most features never occur in most classes: their complement is the feature's whole count,
    // one logarithm per feature instead of one per class (33,000 rows × 559,240 features × 60
    // classes: 1.5 s → 1.2 s)
    const whole = total.map((t) => t + this.params.alpha);
    const logWhole = whole.map(Math.log);
    // a tile of features at a time: its class rows are read in order and its weights (feature by
    // class) stay in cache while every class fills them
    const TILE = 1024;
    for (let j0 = 0; j0 < d; j0 += TILE) {
      const j1 = Math.min(d, j0 + TILE);
      for (let k = 0; k < K; k++) {
        const row = k * d;
        const ls = logSums[k]!;
        for (let j = j0; j < j1; j++) {
          const f = fc[row + j]!;
          W[j * K + k] = ls - (f === 0 ? logWhole[j]! : Math.log(whole[j]! - f));
        }
      }
    }
    return new FittedLinearModel('nb', classes, d, roundToHalf(W), new Float32Array(K));
  }
}

export interface NbSpec {
  kind: 'nb';
  alpha: number;
}

export const NB_KIND: ModelKind<NbSpec> = {
  kind: 'nb',
  describe: (s) => `nb(alpha=${s.alpha})`,
  fit: (s, X, y) => new ComplementNb({ alpha: s.alpha }).fit(X, y),
  // it counts: a feature below 0 has no meaning to it
  acceptsNegative: false,
};

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
    const fc = new Float64Array(d * K);
    const total = new Float64Array(d);
    for (let i = 0; i < X.nRows; i++) {
      const c = codes[i]!;
      for (let p = X.indptr[i]!; p < X.indptr[i + 1]!; p++) {
        const j = X.indices[p]!;
        const v = X.data[p]!;
        if (v < 0) throw new Error('complement naive Bayes takes counts or weights of at least 0');
        fc[j * K + c]! += v;
        total[j]! += v;
      }
    }
    const W = new Float32Array(d * K);
    const sums = new Float64Array(K);
    for (let j = 0; j < d; j++) {
      for (let k = 0; k < K; k++) sums[k]! += total[j]! - fc[j * K + k]! + this.params.alpha;
    }
    const logSums = sums.map(Math.log);
    for (let j = 0; j < d; j++) {
      // most features never occur in most classes: their complement is the feature's whole count,
      // one logarithm per feature instead of one per class (33,000 rows × 559,240 features × 60
      // classes: 1.5 s → 1.2 s)
      const whole = total[j]! + this.params.alpha;
      const logWhole = Math.log(whole);
      for (let k = 0; k < K; k++) {
        const f = fc[j * K + k]!;
        W[j * K + k] = logSums[k]! - (f === 0 ? logWhole : Math.log(whole - f));
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

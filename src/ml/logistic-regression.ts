import { lbfgs } from './lbfgs.ts';
import { balancedClassWeights, encodeLabels, FittedLinearModel } from './linear-model.ts';
import type { CsrMatrix } from './sparse.ts';

export interface LogisticRegressionParams {
  /** inverse regularisation, as in scikit-learn: C × Σ loss + ½‖W‖² */
  C: number;
  classWeight: 'balanced' | null;
  maxIter: number;
  tol: number;
}

// 100 iterations, scikit-learn's default: on NLBSE'24 pooled (1,500 issues, 31k features) 150 took
// the fit from 1.74 to 2.83 s for the same macro-F1 (0.778) and Brier (0.312), ECE 0.056 vs 0.053
export const DEFAULT_LOGREG: LogisticRegressionParams = { C: 10, classWeight: null, maxIter: 100, tol: 1e-4 };

/** Multinomial logistic regression (softmax), L2-regularised, fitted by L-BFGS over sparse rows. */
export class LogisticRegression {
  readonly params: LogisticRegressionParams;
  constructor(params: Partial<LogisticRegressionParams> = {}) {
    this.params = { ...DEFAULT_LOGREG, ...params };
  }

  fit(X: CsrMatrix, y: string[]): FittedLinearModel {
    const { classes, codes } = encodeLabels(y);
    const K = classes.length;
    const d = X.nCols;
    const n = X.nRows;
    const C = this.params.C;
    const cw =
      this.params.classWeight === 'balanced' ? balancedClassWeights(codes, K) : new Float64Array(K).fill(1);
    const { indptr, indices, data } = X;
    const scores = new Float64Array(K);
    // parameters: W (d × K, feature-major) then the K biases
    const theta = new Float64Array(d * K + K);
    const objective = (th: Float64Array, grad: Float64Array): number => {
      grad.fill(0);
      let loss = 0;
      const bOff = d * K;
      for (let i = 0; i < n; i++) {
        for (let k = 0; k < K; k++) scores[k] = th[bOff + k]!;
        for (let p = indptr[i]!; p < indptr[i + 1]!; p++) {
          const base = indices[p]! * K;
          const v = data[p]!;
          for (let k = 0; k < K; k++) scores[k]! += v * th[base + k]!;
        }
        let max = Number.NEGATIVE_INFINITY;
        for (let k = 0; k < K; k++) if (scores[k]! > max) max = scores[k]!;
        let z = 0;
        for (let k = 0; k < K; k++) {
          scores[k] = Math.exp(scores[k]! - max);
          z += scores[k]!;
        }
        const yi = codes[i]!;
        const sw = C * cw[yi]!;
        loss -= sw * Math.log(Math.max(scores[yi]! / z, 1e-300));
        for (let k = 0; k < K; k++) scores[k] = sw * (scores[k]! / z - (k === yi ? 1 : 0));
        for (let p = indptr[i]!; p < indptr[i + 1]!; p++) {
          const base = indices[p]! * K;
          const v = data[p]!;
          for (let k = 0; k < K; k++) grad[base + k]! += v * scores[k]!;
        }
        for (let k = 0; k < K; k++) grad[bOff + k]! += scores[k]!;
      }
      let reg = 0;
      for (let j = 0; j < bOff; j++) {
        reg += th[j]! * th[j]!;
        grad[j]! += th[j]!;
      }
      return loss + 0.5 * reg;
    };
    lbfgs(objective, theta, { maxIter: this.params.maxIter, tol: this.params.tol });
    const W = Float32Array.from(theta.subarray(0, d * K));
    const bias = Float32Array.from(theta.subarray(d * K));
    return new FittedLinearModel('logreg', classes, d, W, bias);
  }
}

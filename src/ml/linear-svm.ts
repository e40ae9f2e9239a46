import { balancedClassWeights, encodeLabels, FittedLinearModel } from './linear-model.ts';
import { createRng, shuffleInPlace } from './random.ts';
import { type CsrMatrix, rowSquaredNorms } from './sparse.ts';

export interface LinearSvmParams {
  C: number;
  classWeight: 'balanced' | null;
  maxIter: number;
  /** stop when the projected gradient's spread falls below this (LIBLINEAR's eps) */
  tol: number;
  seed: number;
}

export const DEFAULT_SVM: LinearSvmParams = { C: 0.5, classWeight: null, maxIter: 200, tol: 0.1, seed: 1 };

/**
 * One-vs-rest linear SVM (L2-regularised squared hinge loss) by dual coordinate descent, the
 * LIBLINEAR solver (Hsieh et al., ICML 2008): each step solves one dual variable exactly, so
 * a pass costs one sweep over the non-zeros.
 */
export class LinearSvm {
  readonly params: LinearSvmParams;
  constructor(params: Partial<LinearSvmParams> = {}) {
    this.params = { ...DEFAULT_SVM, ...params };
  }

  fit(X: CsrMatrix, y: string[]): FittedLinearModel {
    const { classes, codes } = encodeLabels(y);
    const K = classes.length;
    const n = X.nRows;
    const d = X.nCols;
    const cw =
      this.params.classWeight === 'balanced' ? balancedClassWeights(codes, K) : new Float64Array(K).fill(1);
    const sq = rowSquaredNorms(X);
    const W = new Float32Array(d * K);
    const bias = new Float32Array(K);
    const rng = createRng(this.params.seed);
    const w = new Float64Array(d);
    const alpha = new Float64Array(n);
    const order = new Int32Array(n);
    const Dii = new Float64Array(n);
    const QD = new Float64Array(n);
    const { indptr, indices, data } = X;
    // a binary problem per class; two classes need only one
    const problems = K === 2 ? 1 : K;
    for (let k = 0; k < problems; k++) {
      // with two classes the one problem is "class 1 versus class 0"
      const positive = K === 2 ? 1 : k;
      w.fill(0);
      alpha.fill(0);
      let b = 0;
      for (let i = 0; i < n; i++) {
        order[i] = i;
        Dii[i] = 1 / (2 * this.params.C * cw[codes[i]!]!);
        // the bias is a feature of constant value 1, as in LIBLINEAR
        QD[i] = sq[i]! + 1 + Dii[i]!;
      }
      for (let iter = 0; iter < this.params.maxIter; iter++) {
        shuffleInPlace(order, rng);
        let pgMax = Number.NEGATIVE_INFINITY;
        let pgMin = Number.POSITIVE_INFINITY;
        for (let t = 0; t < n; t++) {
          const i = order[t]!;
          const yi = codes[i] === positive ? 1 : -1;
          let dot = b;
          for (let p = indptr[i]!; p < indptr[i + 1]!; p++) dot += w[indices[p]!]! * data[p]!;
          const G = yi * dot - 1 + Dii[i]! * alpha[i]!;
          const PG = alpha[i] === 0 ? Math.min(G, 0) : G;
          if (PG > pgMax) pgMax = PG;
          if (PG < pgMin) pgMin = PG;
          if (Math.abs(PG) > 1e-12) {
            const old = alpha[i]!;
            const a = Math.max(old - G / QD[i]!, 0);
            alpha[i] = a;
            const delta = (a - old) * yi;
            for (let p = indptr[i]!; p < indptr[i + 1]!; p++) w[indices[p]!]! += delta * data[p]!;
            b += delta;
          }
        }
        if (pgMax - pgMin <= this.params.tol) break;
      }
      if (K === 2) {
        for (let j = 0; j < d; j++) {
          W[j * 2 + 1] = w[j]!;
          W[j * 2] = -w[j]!;
        }
        bias[1] = b;
        bias[0] = -b;
      } else {
        for (let j = 0; j < d; j++) W[j * K + k] = w[j]!;
        bias[k] = b;
      }
    }
    return new FittedLinearModel('svm', classes, d, W, bias);
  }
}

import { createRng } from './random.ts';
import type { CsrMatrix } from './sparse.ts';

/**
 * Everything the binary problems of one fit share. Plain typed arrays, so that worker threads can
 * be handed the same problem over shared memory.
 */
export interface SvmProblem {
  X: CsrMatrix;
  codes: Int32Array;
  /** per row: the diagonal term 1 / (2 C w_class) of the squared-hinge dual */
  Dii: Float64Array;
  /** per row: ‖x‖² + 1 (the bias feature) + Dii */
  QD: Float64Array;
  nClasses: number;
  maxIter: number;
  tol: number;
  seed: number;
}

/** The binary problems of a fit: one per class, or one ("class 1 versus class 0") for two. */
export function problemCount(nClasses: number): number {
  return nClasses === 2 ? 1 : nClasses;
}

/**
 * Binary problem `k` (class k versus the rest) by dual coordinate descent, the LIBLINEAR solver
 * for the L2-regularised squared hinge loss (Hsieh et al., ICML 2008): each step solves one dual
 * variable exactly, so a pass costs one sweep over the non-zeros. Its own seed makes the result
 * independent of which thread solves it, and of the order the problems are solved in. Writes the
 * weights into column `k` of the feature-major `W` (and the bias), as K = 2 models mirror them.
 * LIBLINEAR's shrinking was tried here and measured no faster: problems converge in about ten
 * passes, too few for it to pay back the passes it adds.
 */
export function solveBinarySvm(p: SvmProblem, k: number, W: Float32Array, bias: Float32Array): void {
  const { indptr, indices, data } = p.X;
  const n = p.X.nRows;
  const d = p.X.nCols;
  const K = p.nClasses;
  const positive = K === 2 ? 1 : k;
  const rng = createRng((Math.imul(p.seed, 0x9e3779b1) + k * 0x85ebca6b) >>> 0);
  // single precision: on millions of features the weights outgrow the cache, and halving them made
  // a pass a quarter faster (bench/RESULTS.md) with the same test accuracy; the sums stay in doubles
  const w = new Float32Array(d);
  const alpha = new Float64Array(n);
  const order = new Int32Array(n);
  const sign = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    order[i] = i;
    sign[i] = p.codes[i] === positive ? 1 : -1;
  }
  const { Dii, QD } = p;
  let b = 0;
  for (let iter = 0; iter < p.maxIter; iter++) {
    for (let t = n - 1; t > 0; t--) {
      const j = Math.floor(rng() * (t + 1));
      const tmp = order[t]!;
      order[t] = order[j]!;
      order[j] = tmp;
    }
    let pgMax = Number.NEGATIVE_INFINITY;
    let pgMin = Number.POSITIVE_INFINITY;
    for (let t = 0; t < n; t++) {
      const i = order[t]!;
      const yi = sign[i]!;
      const s = indptr[i]!;
      const e = indptr[i + 1]!;
      let dot = b;
      for (let q = s; q < e; q++) dot += w[indices[q]!]! * data[q]!;
      const old = alpha[i]!;
      const G = yi * dot - 1 + Dii[i]! * old;
      const PG = old === 0 ? Math.min(G, 0) : G;
      if (PG > pgMax) pgMax = PG;
      if (PG < pgMin) pgMin = PG;
      if (Math.abs(PG) > 1e-12) {
        const a = Math.max(old - G / QD[i]!, 0);
        alpha[i] = a;
        const delta = (a - old) * yi;
        for (let q = s; q < e; q++) w[indices[q]!]! += delta * data[q]!;
        b += delta;
      }
    }
    if (pgMax - pgMin <= p.tol) break;
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

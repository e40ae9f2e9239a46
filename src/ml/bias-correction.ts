import { fitTemperature, softmaxRows } from './calibration.ts';
import { lbfgs } from './lbfgs.ts';

/**
 * Per-class bias correction of calibrated probabilities (the bias half of bias-corrected
 * temperature scaling, Alexandari et al. 2020): p'ₖ ∝ pₖ · exp(bₖ), with b chosen to make held-out
 * labels most likely. A model fitted with balanced class weights over-answers rare classes; on
 * held-out reports the biases learn how often each class really comes, so top-1 follows the
 * priors again while the weights' rare-class evidence is kept in the scores.
 */

/** keeps b finite for a class that never appears among the held-out rows (and breaks ties at 0) */
const RIDGE = 1e-3;
const FLOOR = 1e-300;

/** Per-class biases b (length K) for row-major n × K probabilities and their labels. */
export function fitClassBiases(proba: Float64Array, K: number, y: Int32Array): Float64Array {
  const n = y.length;
  const b = new Float64Array(K);
  if (n === 0 || K < 2) return b;
  const logp = new Float64Array(proba.length);
  for (let j = 0; j < proba.length; j++) logp[j] = Math.log(Math.max(FLOOR, proba[j]!));
  const row = new Float64Array(K);
  lbfgs(
    (x, grad) => {
      grad.fill(0);
      let loss = 0;
      for (let i = 0; i < n; i++) {
        const o = i * K;
        let max = Number.NEGATIVE_INFINITY;
        for (let k = 0; k < K; k++) {
          row[k] = logp[o + k]! + x[k]!;
          if (row[k]! > max) max = row[k]!;
        }
        let z = 0;
        for (let k = 0; k < K; k++) {
          row[k] = Math.exp(row[k]! - max);
          z += row[k]!;
        }
        const yi = y[i]!;
        loss -= logp[o + yi]! + x[yi]! - max - Math.log(z);
        for (let k = 0; k < K; k++) grad[k]! += row[k]! / z;
        grad[yi]! -= 1;
      }
      let reg = 0;
      for (let k = 0; k < K; k++) {
        grad[k] = grad[k]! / n + RIDGE * x[k]!;
        reg += x[k]! * x[k]!;
      }
      return loss / n + (RIDGE / 2) * reg;
    },
    b,
    { maxIter: 200, tol: 1e-6 },
  );
  // only differences between classes matter: centred, the numbers read as "more or less often"
  let mean = 0;
  for (let k = 0; k < K; k++) mean += b[k]!;
  mean /= K;
  for (let k = 0; k < K; k++) b[k] = b[k]! - mean;
  return b;
}

/** Probabilities moved by per-class biases, each row renormalised (in place when `out` is `p`). */
export function applyClassBiases(p: Float64Array, K: number, b: ArrayLike<number>, out = p): Float64Array {
  const shift = Float64Array.from({ length: K }, (_, k) => Math.exp(b[k]!));
  for (let o = 0; o < p.length; o += K) {
    let z = 0;
    for (let k = 0; k < K; k++) {
      out[o + k] = p[o + k]! * shift[k]!;
      z += out[o + k]!;
    }
    if (z > 0) for (let k = 0; k < K; k++) out[o + k] = out[o + k]! / z;
  }
  return out;
}

/** Rows of a row-major n × K matrix. */
function rowsOf(m: Float64Array, K: number, rows: number[]): Float64Array {
  const out = new Float64Array(rows.length * K);
  rows.forEach((r, i) => {
    out.set(m.subarray(r * K, r * K + K), i * K);
  });
  return out;
}

/** rows fitted on at most: a temperature and K biases need far fewer, and each row costs K */
const MAX_FIT_ROWS = 20_000;

/**
 * Out-of-fold decision scores made honest for judging a bias correction: each fold's rows are
 * calibrated (temperature, then biases) by what the other folds' rows say, never by themselves.
 * Returns the corrected probabilities, row-major n × K.
 */
export function crossFittedCorrection(
  scores: Float64Array,
  K: number,
  y: Int32Array,
  folds: Int32Array,
  nFolds: number,
): Float64Array {
  const out = new Float64Array(scores.length);
  for (let f = 0; f < nFolds; f++) {
    const inFold: number[] = [];
    let rest: number[] = [];
    for (let i = 0; i < y.length; i++) (folds[i] === f ? inFold : rest).push(i);
    if (inFold.length === 0) continue;
    if (rest.length > MAX_FIT_ROWS) {
      const step = rest.length / MAX_FIT_ROWS;
      rest = Array.from({ length: MAX_FIT_ROWS }, (_, j) => rest[Math.floor(j * step)]!);
    }
    const ry = Int32Array.from(rest, (i) => y[i]!);
    const rs = rowsOf(scores, K, rest);
    const t = fitTemperature(rs, K, ry);
    const b = fitClassBiases(softmaxRows(rs, K, t), K, ry);
    const mine = applyClassBiases(softmaxRows(rowsOf(scores, K, inFold), K, t), K, b);
    inFold.forEach((r, i) => {
      out.set(mine.subarray(i * K, i * K + K), r * K);
    });
  }
  return out;
}

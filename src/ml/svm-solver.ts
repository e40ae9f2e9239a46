import { createRng, shuffleInPlace } from './random.ts';
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
  /** solve in blocks from this many features on (default `BLOCK_FROM_FEATURES`; tests lower it) */
  blockFromFeatures?: number;
}

/** A unit of work: the one-vs-rest problems of classes `first` .. `first + count - 1`, solved together. */
export interface SvmTask {
  first: number;
  count: number;
}

/** Classes one pass over the rows serves at most (the width of the block kernel below). */
export const BLOCK_WIDTH = 8;

/**
 * From how many features on the classes are solved in blocks: 2^17, where one class's single-precision
 * weights (512 KiB) outgrow a core's L2 cache on this project's machines. Below it solving the
 * classes one at a time, each stopping when it converges on its own, was as fast or faster (Jira
 * HIVE, 71k features: the SVM fits of an `evaluate` took 19.3 s in blocks against 12.4 s one at a
 * time); above it a pass waits on memory and blocks pay (generated reports: 235k features 10-40%
 * faster, 548k 1.6-2×, 1.1 million 2.1×; bench/RESULTS.md for a million reports).
 */
export const BLOCK_FROM_FEATURES = 131_072;

/**
 * The tasks of a fit: one binary problem ("class 1 versus class 0") for two classes; one per class
 * on vocabularies below `blockFrom` features; otherwise the classes in consecutive blocks of up to
 * eight, narrower when there are few classes so that two threads still have several tasks to share
 * (3-4 classes: one each; 60: seven blocks of 8 and one of 4). The tasks depend on the shape of the data only,
 * never on the threads, so the model does not either.
 */
export function svmTasks(nClasses: number, nFeatures: number, blockFrom = BLOCK_FROM_FEATURES): SvmTask[] {
  if (nClasses === 2) return [{ first: 0, count: 1 }];
  const per = nFeatures < blockFrom ? 1 : Math.min(BLOCK_WIDTH, Math.ceil(nClasses / 4));
  const tasks: SvmTask[] = [];
  for (let k = 0; k < nClasses; k += per) tasks.push({ first: k, count: Math.min(per, nClasses - k) });
  return tasks;
}

/** The tasks of problem `p`. */
export function tasksOf(p: SvmProblem): SvmTask[] {
  return svmTasks(p.nClasses, p.X.nCols, p.blockFromFeatures);
}

export function solveTask(p: SvmProblem, task: SvmTask, W: Float32Array, bias: Float32Array): void {
  if (task.count === 1) solveBinarySvm(p, task.first, W, bias);
  else solveSvmBlock(p, task.first, task.count, W, bias);
}

function rowOrderRng(seed: number, key: number): () => number {
  return createRng((Math.imul(seed, 0x9e3779b1) + key * 0x85ebca6b) >>> 0);
}

/**
 * Binary problem `k` (class k versus the rest) by dual coordinate descent, the LIBLINEAR solver
 * for the L2-regularised squared hinge loss (Hsieh et al., ICML 2008): each step solves one dual
 * variable exactly, so a pass costs one sweep over the non-zeros. Its own seed (`rowOrderKey`,
 * k unless a test says otherwise) makes the result independent of which thread solves it, and of
 * the order the problems are solved in. Writes the weights into column `k` of the feature-major
 * `W` (and the bias), as K = 2 models mirror them.
 * LIBLINEAR's shrinking was tried here and measured no faster: problems converge in about ten
 * passes, too few for it to pay back the passes it adds.
 */
export function solveBinarySvm(
  p: SvmProblem,
  k: number,
  W: Float32Array,
  bias: Float32Array,
  rowOrderKey = k,
): void {
  const { indptr, indices, data } = p.X;
  const n = p.X.nRows;
  const d = p.X.nCols;
  const K = p.nClasses;
  const positive = K === 2 ? 1 : k;
  const rng = rowOrderRng(p.seed, rowOrderKey);
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
    shuffleInPlace(order, rng);
    let pgMax = Number.NEGATIVE_INFINITY;
    let pgMin = Number.POSITIVE_INFINITY;
    for (let t = 0; t < n; t++) {
      const i = order[t]!;
      const yi = sign[i]!;
      const s = indptr[i]!;
      const e = indptr[i + 1]!;
      // four partial sums: one sum would wait on each multiply-add before the next (HIVE's SVM
      // fits: 1.6 s → 1.25 s on one thread, bench:fit-core)
      let d0 = 0;
      let d1 = 0;
      let d2 = 0;
      let d3 = 0;
      let q = s;
      for (; q + 3 < e; q += 4) {
        d0 += w[indices[q]!]! * data[q]!;
        d1 += w[indices[q + 1]!]! * data[q + 1]!;
        d2 += w[indices[q + 2]!]! * data[q + 2]!;
        d3 += w[indices[q + 3]!]! * data[q + 3]!;
      }
      for (; q < e; q++) d0 += w[indices[q]!]! * data[q]!;
      const dot = b + (d0 + d1) + (d2 + d3);
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

/**
 * The problems of classes `first` .. `first + count - 1` (count ≤ 8) side by side: one sweep over
 * the rows, in one shuffled order, serves every class of the block, and the block's weights are
 * stored feature by feature, so one cache line read gives a feature's weight for all of its
 * classes. On large vocabularies a pass is bound by fetching weights from memory, not by the
 * arithmetic: 200,000 generated reports with bigrams (1.1 million features), 8 classes × 3 passes
 * took 8.3 s this way against 17.4-19.6 s one class at a time, on one thread.
 *
 * Each class is the same problem `solveBinarySvm` solves, step for step in the block's row order
 * (the sums of a row's dot product are added in another order, so the weights agree to rounding):
 * a class stops changing once its own projected gradient has converged, as it would alone, and
 * the block ends when all of its classes have.
 */
export function solveSvmBlock(
  p: SvmProblem,
  first: number,
  count: number,
  W: Float32Array,
  bias: Float32Array,
): void {
  if (count < 1 || count > BLOCK_WIDTH) throw new Error(`an SVM block holds 1 to ${BLOCK_WIDTH} classes`);
  const { indptr, indices, data } = p.X;
  const n = p.X.nRows;
  const d = p.X.nCols;
  const K = p.nClasses;
  const L = count;
  const rng = rowOrderRng(p.seed, first);
  // lanes past `count` stay zero: they cost a little arithmetic, never a cache line
  const w = new Float32Array(d * BLOCK_WIDTH);
  const alpha = new Float64Array(n * L);
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  const { Dii, QD, codes } = p;
  const b = new Float64Array(BLOCK_WIDTH);
  const dots = new Float64Array(BLOCK_WIDTH);
  const delta = new Float64Array(BLOCK_WIDTH);
  const pgMax = new Float64Array(L);
  const pgMin = new Float64Array(L);
  const active = new Uint8Array(L).fill(1);
  let nActive = L;
  for (let iter = 0; iter < p.maxIter && nActive > 0; iter++) {
    shuffleInPlace(order, rng);
    pgMax.fill(Number.NEGATIVE_INFINITY);
    pgMin.fill(Number.POSITIVE_INFINITY);
    for (let t = 0; t < n; t++) {
      const i = order[t]!;
      const s = indptr[i]!;
      const e = indptr[i + 1]!;
      // eight accumulators in locals: an array slot per class would be a memory round trip per term
      let d0 = b[0]!;
      let d1 = b[1]!;
      let d2 = b[2]!;
      let d3 = b[3]!;
      let d4 = b[4]!;
      let d5 = b[5]!;
      let d6 = b[6]!;
      let d7 = b[7]!;
      for (let q = s; q < e; q++) {
        const j = indices[q]! << 3;
        const v = data[q]!;
        d0 += w[j]! * v;
        d1 += w[j + 1]! * v;
        d2 += w[j + 2]! * v;
        d3 += w[j + 3]! * v;
        d4 += w[j + 4]! * v;
        d5 += w[j + 5]! * v;
        d6 += w[j + 6]! * v;
        d7 += w[j + 7]! * v;
      }
      dots[0] = d0;
      dots[1] = d1;
      dots[2] = d2;
      dots[3] = d3;
      dots[4] = d4;
      dots[5] = d5;
      dots[6] = d6;
      dots[7] = d7;
      const positive = codes[i]! - first;
      const dii = Dii[i]!;
      let changed = false;
      for (let c = 0; c < L; c++) {
        delta[c] = 0;
        if (active[c] === 0) continue;
        const yi = c === positive ? 1 : -1;
        const old = alpha[i * L + c]!;
        const G = yi * dots[c]! - 1 + dii * old;
        const PG = old === 0 ? Math.min(G, 0) : G;
        if (PG > pgMax[c]!) pgMax[c] = PG;
        if (PG < pgMin[c]!) pgMin[c] = PG;
        if (Math.abs(PG) > 1e-12) {
          const a = Math.max(old - G / QD[i]!, 0);
          alpha[i * L + c] = a;
          const dl = (a - old) * yi;
          delta[c] = dl;
          b[c] = b[c]! + dl;
          if (dl !== 0) changed = true;
        }
      }
      if (!changed) continue;
      const e0 = delta[0]!;
      const e1 = delta[1]!;
      const e2 = delta[2]!;
      const e3 = delta[3]!;
      const e4 = delta[4]!;
      const e5 = delta[5]!;
      const e6 = delta[6]!;
      const e7 = delta[7]!;
      for (let q = s; q < e; q++) {
        const j = indices[q]! << 3;
        const v = data[q]!;
        w[j] = w[j]! + e0 * v;
        w[j + 1] = w[j + 1]! + e1 * v;
        w[j + 2] = w[j + 2]! + e2 * v;
        w[j + 3] = w[j + 3]! + e3 * v;
        w[j + 4] = w[j + 4]! + e4 * v;
        w[j + 5] = w[j + 5]! + e5 * v;
        w[j + 6] = w[j + 6]! + e6 * v;
        w[j + 7] = w[j + 7]! + e7 * v;
      }
    }
    for (let c = 0; c < L; c++) {
      if (active[c] === 1 && pgMax[c]! - pgMin[c]! <= p.tol) {
        active[c] = 0;
        nActive--;
      }
    }
  }
  for (let j = 0; j < d; j++) {
    const src = j * BLOCK_WIDTH;
    const dst = j * K + first;
    for (let c = 0; c < L; c++) W[dst + c] = w[src + c]!;
  }
  for (let c = 0; c < L; c++) bias[first + c] = b[c]!;
}

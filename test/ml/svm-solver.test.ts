import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CsrBuilder, createRng } from '../../src/ml/index.ts';
import { rowSquaredNorms } from '../../src/ml/sparse.ts';
import { solveInParallel } from '../../src/ml/svm-pool.ts';
import {
  BLOCK_FROM_FEATURES,
  type SvmProblem,
  solveBinarySvm,
  solveSvmBlock,
  svmTasks,
} from '../../src/ml/svm-solver.ts';

/** K classes, each with its own likely features among shared ones, and some rows mislabelled. */
function problem(n: number, K: number, seed: number, maxIter: number): SvmProblem {
  const rng = createRng(seed);
  const d = 40 + 6 * K;
  const b = new CsrBuilder(d);
  const codes = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const k = Math.floor(rng() * K);
    codes[i] = rng() < 0.1 ? Math.floor(rng() * K) : k;
    const cols = new Set<number>();
    for (let t = 0; t < 3; t++) cols.add(40 + k * 6 + Math.floor(rng() * 6));
    for (let t = 0; t < 5; t++) cols.add(Math.floor(rng() * 40));
    const c = [...cols].sort((x, y) => x - y);
    b.addRow(
      c,
      c.map(() => 0.2 + rng()),
    );
  }
  const X = b.build();
  const sq = rowSquaredNorms(X);
  const Dii = new Float64Array(n);
  const QD = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    // uneven class weights, as 'balanced' gives
    Dii[i] = 1 / (2 * 0.5 * (1 + (codes[i]! % 3)));
    QD[i] = sq[i]! + 1 + Dii[i]!;
  }
  return { X, codes, Dii, QD, nClasses: K, maxIter, tol: 0.1, seed: 5, blockFromFeatures: 0 };
}

describe('SVM solver tasks', () => {
  it('solve small vocabularies a class at a time, and large ones in blocks of up to eight, covering every class once', () => {
    const big = BLOCK_FROM_FEATURES;
    assert.deepEqual(svmTasks(2, big), [{ first: 0, count: 1 }]);
    assert.deepEqual(
      svmTasks(3, big).map((t) => t.count),
      [1, 1, 1],
    );
    assert.deepEqual(
      svmTasks(6, big).map((t) => t.count),
      [2, 2, 2],
    );
    assert.deepEqual(svmTasks(60, big - 1).length, 60);
    assert.deepEqual(
      svmTasks(60, big).map((t) => t.count),
      [8, 8, 8, 8, 8, 8, 8, 4],
    );
    for (const K of [3, 5, 7, 13, 58, 60, 100]) {
      const tasks = svmTasks(K, big);
      let next = 0;
      for (const t of tasks) {
        assert.equal(t.first, next);
        assert.ok(t.count >= 1 && t.count <= 8);
        next += t.count;
      }
      assert.equal(next, K);
      if (K >= 8) assert.ok(tasks.length >= 4, `${K} classes leave both threads work: ${tasks.length} tasks`);
    }
  });

  for (const [K, maxIter] of [
    [6, 50],
    [32, 50],
    [20, 2],
  ] as const) {
    it(`a block solves each of its classes as the one-class solver does with the same row order (${K} classes, ≤ ${maxIter} passes)`, () => {
      const p = problem(600, K, K, maxIter);
      const d = p.X.nCols;
      const Wb = new Float32Array(d * K);
      const bb = new Float32Array(K);
      const Ws = new Float32Array(d * K);
      const bs = new Float32Array(K);
      for (const task of svmTasks(K, d, 0)) {
        assert.ok(task.count > 1);
        solveSvmBlock(p, task.first, task.count, Wb, bb);
        for (let k = task.first; k < task.first + task.count; k++) solveBinarySvm(p, k, Ws, bs, task.first);
      }
      // the one-class solver adds a dot product's terms in four partial sums, the block in one:
      // the same steps, so the weights agree to rounding
      let scale = 0;
      for (const w of Ws) scale = Math.max(scale, Math.abs(w));
      assert.ok(scale > 0);
      Wb.forEach((w, j) => {
        assert.ok(Math.abs(w - Ws[j]!) <= 1e-4 * scale, `weight ${j}: ${w} vs ${Ws[j]}`);
      });
      bb.forEach((b, k) => {
        assert.ok(Math.abs(b - bs[k]!) <= 1e-4 * Math.max(1, Math.abs(bs[k]!)), `bias ${k}`);
      });
    });
  }

  it('classes in a block stop on their own: the same weights with a pass limit far above convergence', () => {
    const a = problem(400, 12, 9, 200);
    const b = { ...a, maxIter: 1000 };
    const fa = new Float32Array(a.X.nCols * 12);
    const fb = new Float32Array(a.X.nCols * 12);
    const ba = new Float32Array(12);
    const bb = new Float32Array(12);
    for (const t of svmTasks(12, a.X.nCols, 0)) {
      solveSvmBlock(a, t.first, t.count, fa, ba);
      solveSvmBlock(b, t.first, t.count, fb, bb);
    }
    assert.deepEqual(fa, fb);
  });

  it('a many-class SVM fitted in blocks ranks the right class first on rows like its training rows', () => {
    const p = problem(1500, 20, 4, 200);
    const rows = (from: number, to: number) => ({
      ...p.X,
      nRows: to - from,
      indptr: p.X.indptr.slice(from, to + 1).map((x) => x - p.X.indptr[from]!),
      indices: p.X.indices.subarray(p.X.indptr[from], p.X.indptr[to]),
      data: p.X.data.subarray(p.X.indptr[from], p.X.indptr[to]),
    });
    const train = rows(0, 1200);
    const fit = solveInParallel(
      {
        ...p,
        X: train,
        codes: p.codes.subarray(0, 1200),
        Dii: p.Dii.subarray(0, 1200),
        QD: p.QD.subarray(0, 1200),
      },
      p.X.nCols * 20,
      20,
      { threads: 1, minWork: 0 },
    );
    const test = rows(1200, 1500);
    let right = 0;
    for (let i = 0; i < 300; i++) {
      const score = new Float64Array(20);
      for (let q = test.indptr[i]!; q < test.indptr[i + 1]!; q++)
        for (let k = 0; k < 20; k++) score[k] = score[k]! + fit.W[test.indices[q]! * 20 + k]! * test.data[q]!;
      let best = 0;
      for (let k = 1; k < 20; k++) if (score[k]! + fit.bias[k]! > score[best]! + fit.bias[best]!) best = k;
      if (best === p.codes[1200 + i]) right++;
    }
    // a tenth of the labels are random, so about 0.9 is the best any model can do
    assert.ok(right / 300 > 0.75, `accuracy ${right / 300}`);
  });
});

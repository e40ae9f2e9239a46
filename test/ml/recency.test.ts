import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  ComplementNb,
  CsrBuilder,
  type CsrMatrix,
  createRng,
  describeModel,
  fitModel,
  type ModelSpec,
  recencyWeights,
  softmaxObjective,
} from '../../src/ml/index.ts';

function matrix(rows: [number[], number[]][], nCols: number): CsrMatrix {
  const b = new CsrBuilder(nCols);
  for (const [cols, vals] of rows) b.addRow(cols, vals);
  return b.build();
}

/** Random sparse rows over `d` features with labels among `K` classes. */
function randomRows(n: number, d: number, K: number, seed: number) {
  const rng = createRng(seed);
  const rows: [number[], number[]][] = [];
  const y: string[] = [];
  for (let i = 0; i < n; i++) {
    const cols = [...new Set(Array.from({ length: 4 }, () => Math.floor(rng() * d)))];
    rows.push([cols, cols.map(() => 0.25 + rng())]);
    y.push(`c${i % K}`);
  }
  return { rows, y };
}

describe('recency weights', () => {
  it('rise from the oldest to the newest by the floor, evenly on a log scale, with a mean of 1', () => {
    const w = recencyWeights(101, 0.25);
    assert.ok(Math.abs(w[0]! / w[100]! - 0.25) < 1e-12);
    assert.ok(Math.abs(w.reduce((s, v) => s + v, 0) / 101 - 1) < 1e-12);
    for (let i = 1; i < 101; i++) assert.ok(w[i]! > w[i - 1]!, `row ${i}`);
    // evenly on a log scale: the middle row is the geometric mean of the ends
    assert.ok(Math.abs(w[50]! - Math.sqrt(w[0]! * w[100]!)) < 1e-12);
  });

  it('weigh every row alike at floor 1 and for a single row, and refuse a floor outside (0, 1]', () => {
    assert.deepEqual([...recencyWeights(5, 1)], [1, 1, 1, 1, 1]);
    assert.deepEqual([...recencyWeights(1, 0.1)], [1]);
    assert.equal(recencyWeights(0, 0.5).length, 0);
    for (const bad of [0, -0.5, 1.5, Number.NaN])
      assert.throws(() => recencyWeights(3, bad), /recency floor/);
  });
});

describe('row weights in the models', () => {
  it('complement naive Bayes counts a row of weight 2 as that row twice', () => {
    const { rows, y } = randomRows(40, 12, 3, 7);
    const weights = Float64Array.from(rows, (_, i) => (i % 3 === 0 ? 2 : 1));
    const twice = rows.flatMap((r, i) => (weights[i] === 2 ? [r, r] : [r]));
    const yTwice = y.flatMap((c, i) => (weights[i] === 2 ? [c, c] : [c]));
    const a = new ComplementNb({ alpha: 0.3 }).fit(matrix(rows, 12), y, weights);
    const b = new ComplementNb({ alpha: 0.3 }).fit(matrix(twice, 12), yTwice);
    assert.deepEqual([...a.weights], [...b.weights]);
  });

  it("logistic regression's loss and gradient count a row of weight 2 as that row twice", () => {
    const { rows, y } = randomRows(30, 10, 3, 11);
    const codes = Int32Array.from(y, (c) => Number(c.slice(1)));
    const weights = Float64Array.from(rows, (_, i) => (i % 4 === 1 ? 2 : 1));
    const twice = rows.flatMap((r, i) => (weights[i] === 2 ? [r, r] : [r]));
    const codesTwice = Int32Array.from([...codes].flatMap((c, i) => (weights[i] === 2 ? [c, c] : [c])));
    const cw = new Float64Array(3).fill(1);
    const rng = createRng(3);
    const theta = Float64Array.from({ length: 10 * 3 + 3 }, () => rng() - 0.5);
    const gA = new Float64Array(theta.length);
    const gB = new Float64Array(theta.length);
    const lossA = softmaxObjective(matrix(rows, 10), codes, 3, 2, cw, weights)(theta, gA);
    const lossB = softmaxObjective(matrix(twice, 10), codesTwice, 3, 2, cw)(theta, gB);
    assert.ok(Math.abs(lossA - lossB) < 1e-9, `${lossA} against ${lossB}`);
    for (let j = 0; j < gA.length; j++) assert.ok(Math.abs(gA[j]! - gB[j]!) < 1e-9, `gradient ${j}`);
  });

  // The same text filed under an old name for most of the years and a new one lately (a renamed
  // component): alike, the old name wins by numbers; weighted by recency, the new one
  for (const spec of [
    { kind: 'svm', C: 0.3, classWeight: null },
    { kind: 'logreg', C: 10, classWeight: null },
    { kind: 'nb', alpha: 0.3 },
  ] as ModelSpec[]) {
    it(`${describeModel(spec)} answers with a renamed class's new name when recent rows weigh more`, () => {
      const rows: [number[], number[]][] = [];
      const y: string[] = [];
      for (let i = 0; i < 100; i++) {
        // feature 0: the renamed component's text; feature 1: another component's, always the same
        if (i % 2 === 0) {
          rows.push([[0], [1]]);
          y.push(i < 70 ? 'old-name' : 'new-name');
        } else {
          rows.push([[1], [1]]);
          y.push('other');
        }
      }
      const X = matrix(rows, 2);
      const probe = matrix([[[0], [1]]], 2);
      const answer = (s: ModelSpec) => {
        const m = fitModel(s, X, y, 1);
        const d = m.decision(probe);
        return m.classes[d.indexOf(Math.max(...d))];
      };
      assert.equal(answer(spec), 'old-name');
      assert.equal(answer({ ...spec, recency: 0.05 }), 'new-name');
      assert.match(describeModel({ ...spec, recency: 0.05 }), /recency=0\.05/);
    });
  }
});

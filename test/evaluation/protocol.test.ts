import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  percentile,
  poolAnswers,
  pooledGroupFigures,
  withoutRareClasses,
} from '../../src/evaluation/protocol.ts';

describe('the evaluation protocol', () => {
  it('pools splits that saw different classes on the union, each row where its classes are', () => {
    const pool = poolAnswers([
      { classes: ['a', 'b'], truth: ['a'], rows: [[0.7, 0.3]], predictMs: [1] },
      {
        classes: ['b', 'c'],
        truth: ['c', 'b'],
        rows: [
          [0.4, 0.6],
          [0.9, 0.1],
        ],
        predictMs: [2, 3],
      },
    ]);
    assert.deepEqual(pool.classes, ['a', 'b', 'c']);
    assert.deepEqual(Array.from(pool.proba), [0.7, 0.3, 0, 0, 0.4, 0.6, 0, 0.9, 0.1]);
    assert.deepEqual(Array.from(pool.y), [0, 2, 1]);
    assert.equal(pool.metrics.accuracy, 1);
    assert.deepEqual(pool.predictMs, [1, 2, 3]);
  });

  it('drops the classes too rare in a split’s training part, from training and test alike', () => {
    const labels = ['a', 'a', 'a', 'b', 'c', 'c', 'c', 'b'];
    const r = withoutRareClasses(
      { train: [0, 1, 2, 3, 4, 5, 6], test: [7, 0] },
      (i) => labels[i]!,
      (i) => labels[i]!,
      2,
    );
    assert.deepEqual(r.train, [0, 1, 2, 4, 5, 6]);
    assert.deepEqual(r.test, [0]);
    assert.deepEqual([...r.dropped], [['b', 1]]);
  });

  it('pools groups’ answers by report: accuracy over all, macro-F1 over every group’s classes', () => {
    const f = pooledGroupFigures([
      { group: 'g1', truth: ['x', 'x', 'y'], predicted: ['x', 'y', 'y'], confidence: [0.9, 0.6, 0.8] },
      { group: 'g2', truth: ['x'], predicted: ['x'], confidence: [0.95] },
    ]);
    assert.equal(f.n, 4);
    assert.equal(f.accuracy, 3 / 4);
    // g1: x tp1 fn1 → 2/3; g1: y tp1 fp1 → 2/3; g2: x tp1 → 1 (g2's x is not g1's x)
    assert.ok(Math.abs(f.macroF1 - (2 / 3 + 2 / 3 + 1) / 3) < 1e-12);
    assert.ok(f.ece > 0);
  });

  it('percentile is the value below which that share of the values lies', () => {
    assert.equal(percentile([5, 1, 3, 2, 4], 0.99), 5);
    assert.equal(percentile([5, 1, 3, 2, 4], 0.5), 3);
    assert.equal(percentile([], 0.5), 0);
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FittedLinearModel } from '../../src/ml/linear-model.ts';
import { createRng } from '../../src/ml/random.ts';
import { CsrBuilder } from '../../src/ml/sparse.ts';

/** What `contributions` is held to: every pushing feature, sorted stably by how much it pushed. */
function byDefinition(
  model: FittedLinearModel,
  cols: number[],
  vals: number[],
  k: number,
  top: number,
  end: number,
) {
  const K = model.classes.length;
  return cols
    .map((j, p) => ({ feature: j, value: vals[p]! * model.weights[j * K + k]! }))
    .filter((c) => c.feature < end && c.value > 0)
    .sort((a, b) => b.value - a.value)
    .slice(0, top);
}

describe('a linear model explaining a row', () => {
  it('gives the features that pushed a class most, largest first, ties in the row order', () => {
    const rand = createRng(7);
    const nFeatures = 50;
    const classes = ['a', 'b', 'c'];
    // weights on a coarse grid, so many contributions tie
    const weights = new Float32Array(nFeatures * classes.length).map(() => Math.round(rand() * 8 - 3) / 4);
    const model = new FittedLinearModel('svm', classes, nFeatures, weights, new Float32Array(3));
    for (let trial = 0; trial < 200; trial++) {
      const cols: number[] = [];
      const vals: number[] = [];
      for (let j = 0; j < nFeatures; j++)
        if (rand() < 0.4) {
          cols.push(j);
          vals.push(rand() < 0.5 ? 1 : 0.5);
        }
      const b = new CsrBuilder(nFeatures);
      b.addRow(cols, vals);
      const X = b.build();
      const top = trial % 12;
      const end = trial % 3 === 0 ? 30 : nFeatures;
      for (let k = 0; k < classes.length; k++)
        assert.deepEqual(
          model.contributions(X, 0, k, top, end),
          byDefinition(model, cols, vals, k, top, end),
        );
    }
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { multilabelMetrics, rocAuc } from '../../src/evaluation/multilabel-metrics.ts';

describe('multilabelMetrics', () => {
  it('counts subset accuracy, Hamming loss, micro and macro F1 at the threshold', () => {
    // labels a, b; rows: {a} → (0.9, 0.1) right; {a,b} → (0.8, 0.4) misses b; {} → (0.2, 0.7) wrong b
    const m = multilabelMetrics(
      [['a'], ['a', 'b'], []],
      Float64Array.from([0.9, 0.1, 0.8, 0.4, 0.2, 0.7]),
      ['a', 'b'],
      0.5,
    );
    assert.equal(m.subsetAccuracy, 1 / 3);
    assert.equal(m.hammingLoss, 2 / 6);
    // a: tp 2, fp 0, fn 0 → F1 1; b: tp 0, fp 1, fn 1 → F1 0
    assert.equal(m.perLabel[0]!.f1, 1);
    assert.equal(m.perLabel[1]!.f1, 0);
    assert.equal(m.macroF1, 0.5);
    // micro: tp 2, fp 1, fn 1
    assert.equal(m.microPrecision, 2 / 3);
    assert.equal(m.microRecall, 2 / 3);
    assert.equal(m.asserted, 3);
    assert.equal(m.assertedRight, 2);
    assert.equal(m.perLabel[1]!.support, 1);
  });

  it('AUC ranks positives over negatives, ties half, and is null with one class', () => {
    assert.equal(rocAuc([0.1, 0.9, 0.4], [false, true, false]), 1);
    assert.equal(rocAuc([0.5, 0.5], [true, false]), 0.5);
    assert.equal(rocAuc([0.1, 0.2], [true, true]), null);
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { thresholdForPrecision } from '../../src/evaluation/abstention.ts';

/** n answers at each of the given probabilities, `right` of them correct */
function answers(...groups: [probability: number, n: number, right: number][]) {
  return groups.flatMap(([probability, n, right]) =>
    Array.from({ length: n }, (_, i) => ({ probability, correct: i < right })),
  );
}

describe('thresholdForPrecision', () => {
  it('answers as many reports as keep the precision at the target', () => {
    // everything: 70/120 right; from 0.6 up: 60/70 right (0.857); from 0.9: 40/40
    const a = answers([0.3, 50, 10], [0.6, 30, 20], [0.9, 40, 40]);
    assert.equal(thresholdForPrecision(a, 0.75), 0.31);
    assert.equal(thresholdForPrecision(a, 0.9), 0.61);
    assert.equal(thresholdForPrecision(a, 0.5), 0);
  });

  it('is null when no threshold reaches the target with enough answers to say so', () => {
    assert.equal(thresholdForPrecision(answers([0.5, 100, 50], [0.95, 10, 10]), 0.75), null);
    assert.equal(thresholdForPrecision([], 0.75), null);
  });
});

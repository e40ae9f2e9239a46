import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { chooseThreshold, thresholdForPrecision, wilsonLower } from '../../src/evaluation/abstention.ts';

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

  it("with the Wilson bound, asks the precision's lower 95% bound to reach the target", () => {
    // 15 of 20 right is 75%, but as little as 53% by the bound; 750 of 1,000, 72%
    assert.ok(Math.abs(wilsonLower(15, 20) - 0.5313) < 1e-4);
    assert.ok(Math.abs(wilsonLower(750, 1000) - 0.7222) < 1e-4);
    // from 0.6 up, 60 of 70 right (0.857, bound 0.757): still enough at 0.75, not at 0.8
    const a = answers([0.3, 50, 10], [0.6, 30, 20], [0.9, 40, 40]);
    assert.equal(thresholdForPrecision(a, 0.75, 'wilson'), 0.31);
    assert.equal(thresholdForPrecision(a, 0.8), 0.31);
    assert.equal(thresholdForPrecision(a, 0.8, 'wilson'), 0.61);
    // 40 of 40 is at least 0.912 by the bound: no threshold shows 0.95
    assert.equal(thresholdForPrecision(a, 0.95, 'wilson'), null);
  });
});

describe('chooseThreshold with the Wilson bound', () => {
  it('answers only where the gain holds at the precision it can be sure of', () => {
    // all 105: 75 right (71%), a gain at cost 2 (+15); five sure ones: too few to be sure of
    const a = answers([0.6, 100, 70], [0.95, 5, 5]);
    assert.equal(chooseThreshold(a, 2).threshold, 0);
    const sure = chooseThreshold(a, 2, 'wilson');
    assert.equal(sure.threshold, 1);
    assert.equal(sure.coverage, 0);
    // many right answers: the bound costs little, and the same threshold is chosen
    const many = answers([0.3, 200, 40], [0.8, 400, 380]);
    assert.equal(chooseThreshold(many, 2, 'wilson').threshold, chooseThreshold(many, 2).threshold);
    assert.equal(chooseThreshold(many, 2).threshold, 0.31);
  });
});

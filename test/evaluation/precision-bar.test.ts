import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PrecisionBar } from '../../src/evaluation/precision-bar.ts';

const answer = (probability: number, correct: boolean) => ({ probability, correct });

describe("the seed's bar", () => {
  it("answers at the held-out answers' threshold, and says what the test answers' own order allows", () => {
    // held out: right from 0.8 up (20 answers), wrong below
    const heldOut = [
      ...Array.from({ length: 20 }, () => answer(0.85, true)),
      ...Array.from({ length: 20 }, () => answer(0.7, false)),
    ];
    // test: the right answers sit lower than on the held-out side (the threshold carries over badly)
    const test = [
      ...Array.from({ length: 10 }, () => answer(0.9, true)),
      ...Array.from({ length: 30 }, () => answer(0.6, true)),
      ...Array.from({ length: 20 }, () => answer(0.3, false)),
    ];
    const bar = new PrecisionBar(0.75);
    bar.addSplit(heldOut, test);
    const r = bar.result();
    assert.deepEqual(r.thresholds, [0.71]);
    assert.equal(r.coverage, 10 / 60);
    assert.equal(r.precision, 1);
    // ordered by their own confidence the 40 right answers come first: 40 of 60 (all 60: 67% right)
    assert.equal(r.rankedCoverage, 40 / 60);
  });

  it('counts nothing as answered when no threshold reaches the target', () => {
    const wrong = Array.from({ length: 30 }, (_, i) => answer(i / 30, i % 2 === 0));
    const bar = new PrecisionBar(0.75);
    bar.addSplit(wrong, wrong);
    assert.deepEqual(bar.result(), {
      target: 0.75,
      thresholds: [null],
      coverage: 0,
      precision: null,
      rankedCoverage: 0,
    });
  });
});

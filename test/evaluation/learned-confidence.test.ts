import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { thresholdForPrecision } from '../../src/evaluation/abstention.ts';
import { learnedConfidence } from '../../src/evaluation/learned-confidence.ts';
import { createRng } from '../../src/ml/index.ts';

// A balanced model's answers: the rare class's are right far less often at the same probability.
function answers(n: number, seed: number) {
  const rnd = createRng(seed);
  return Array.from({ length: n }, (_, i) => {
    const rare = i % 3 === 0;
    const probability = 0.4 + 0.55 * rnd();
    const chance = rare ? probability - 0.35 : Math.min(0.98, probability + 0.1);
    return { probability, second: probability / 3, label: rare ? 'Rare' : 'Common', correct: rnd() < chance };
  });
}
const trainLabels = [...Array(95).fill('Common'), ...Array(5).fill('Rare')];

describe('learned confidence for the seed bar', () => {
  it("answers more of the test reports at 75% precision than the top probability's order", () => {
    const heldOut = answers(3000, 1);
    const test = answers(3000, 2);
    const [held, scored] = learnedConfidence(heldOut, test, trainLabels);
    assert.equal(held.length, heldOut.length);
    const answered = (xs: { probability: number; correct: boolean }[]) => {
      const t = thresholdForPrecision(xs, 0.75);
      return t === null ? 0 : xs.filter((a) => a.probability >= t).length;
    };
    assert.ok(answered(scored) > answered(test) + 150, `${answered(scored)} against ${answered(test)}`);
    // whether each answer was right is kept, only the score changes
    assert.deepEqual(
      scored.map((a) => a.correct),
      test.map((a) => a.correct),
    );
  });

  it('scores each held-out answer with the model of the other half, not one fitted to it', () => {
    const heldOut = answers(400, 3);
    const [held, scored] = learnedConfidence(heldOut, heldOut.slice(), trainLabels);
    // the test side is scored by the model of every held-out answer: the two differ
    assert.ok(held.some((a, i) => Math.abs(a.probability - scored[i]!.probability) > 1e-6));
  });

  it('keeps the top probability where there is too little to learn from', () => {
    const few = answers(10, 4);
    const [held, scored] = learnedConfidence(few, few, trainLabels);
    assert.equal(held, few);
    assert.equal(scored, few);
  });
});

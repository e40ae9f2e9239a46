import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type AnswerSignals, fitAnswerConfidence, runnerUp } from '../../src/ml/answer-confidence.ts';
import { createRng } from '../../src/ml/index.ts';

// Answers of a balanced model: at the same top probability a rare class's answer is right far
// less often than a common one's, which a threshold on the top probability cannot see.
function answers(n: number, seed: number) {
  const rnd = createRng(seed);
  const signals: AnswerSignals[] = [];
  const correct: boolean[] = [];
  for (let i = 0; i < n; i++) {
    const rare = i % 2 === 0;
    const top = 0.4 + 0.5 * rnd();
    signals.push({ top, second: top / 2, prior: rare ? 0.01 : 0.3 });
    correct.push(rnd() < (rare ? top - 0.35 : Math.min(0.99, top + 0.1)));
  }
  return { signals, correct };
}

describe('answer confidence', () => {
  it('learns that a rare class answer at the same top probability is right less often', () => {
    const { signals, correct } = answers(4000, 7);
    const model = fitAnswerConfidence(signals, correct)!;
    assert.ok(model);
    const at = (prior: number) => model.of({ top: 0.7, second: 0.35, prior });
    assert.ok(at(0.3) > at(0.01) + 0.3, `common ${at(0.3)} rare ${at(0.01)}`);
    // and the rate it gives is the rate seen: the rare class at 0.7 is right about 35% of the time
    assert.ok(Math.abs(at(0.01) - 0.35) < 0.1, `rare at 0.7: ${at(0.01)}`);
  });

  it('orders fresh answers better than the top probability does', () => {
    const train = answers(4000, 1);
    const model = fitAnswerConfidence(train.signals, train.correct)!;
    const test = answers(4000, 2);
    // right answers among the most confident half, by each score
    const rightInTopHalf = (score: (s: AnswerSignals) => number) => {
      const order = test.signals.map((s, i) => [score(s), i] as const).sort((a, b) => b[0] - a[0]);
      return order.slice(0, 2000).filter(([, i]) => test.correct[i]).length;
    };
    const learnt = rightInTopHalf((s) => model.of(s));
    const top = rightInTopHalf((s) => s.top);
    // the order by each answer's true chance of being right, which no score can beat but by luck
    const truth = rightInTopHalf((s) => (s.prior < 0.1 ? s.top - 0.35 : Math.min(0.99, s.top + 0.1)));
    assert.ok(learnt > top + 100, `learnt ${learnt}, top probability ${top}`);
    assert.ok(learnt >= truth - 30, `learnt ${learnt}, true order ${truth}`);
  });

  it('learns nothing from answers all right, or too few', () => {
    const { signals } = answers(100, 3);
    assert.equal(
      fitAnswerConfidence(
        signals,
        signals.map(() => true),
      ),
      null,
    );
    assert.equal(
      fitAnswerConfidence(signals.slice(0, 10), [
        true,
        false,
        true,
        false,
        true,
        false,
        true,
        false,
        true,
        false,
      ]),
      null,
    );
  });

  it("reads an answer's runner-up from its row", () => {
    assert.equal(runnerUp([0.1, 0.6, 0.3], 1), 0.3);
    assert.equal(runnerUp([0.7, 0.2, 0.1], 0), 0.2);
    assert.equal(runnerUp([1], 0), 0);
  });
});

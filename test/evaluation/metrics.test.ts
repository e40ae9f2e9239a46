import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { binaryCurves, classificationMetrics } from '../../src/evaluation/metrics.ts';
import { kFoldSplits, stratifiedSplit, timeSplit } from '../../src/evaluation/splits.ts';

describe('binary curves', () => {
  it('compute ROC AUC and average precision as scikit-learn defines them', () => {
    // scores 0.9 (+), 0.8 (-), 0.7 (+), 0.1 (-): AUC 0.75, AP = 0.5·1 + 0.5·(2/3)
    const c = binaryCurves(Float64Array.from([0.9, 0.8, 0.7, 0.1]), Uint8Array.from([1, 0, 1, 0]));
    assert.ok(Math.abs(c.auc! - 0.75) < 1e-12);
    assert.ok(Math.abs(c.ap! - (0.5 + 1 / 3)) < 1e-12);
    assert.deepEqual(c.roc.at(-1), { x: 1, y: 1, threshold: 0.1 });
  });
  it('step once per distinct score, as a walk down every report sorted by score does', () => {
    // a reference from the definition: at each distinct score, every report at or above it
    const reference = (scores: number[], pos: number[]) => {
      const P = pos.filter((v) => v === 1).length;
      const N = pos.length - P;
      const steps = [...new Set(scores)].sort((a, b) => b - a);
      let auc = 0;
      let ap = 0;
      let prev = { x: 0, y: 0 };
      const roc = [{ x: 0, y: 0, threshold: Number.POSITIVE_INFINITY }];
      for (const s of steps) {
        const tp = scores.filter((v, i) => v >= s && pos[i] === 1).length;
        const fp = scores.filter((v, i) => v >= s && pos[i] === 0).length;
        const pt = { x: fp / N, y: tp / P };
        auc += ((pt.x - prev.x) * (pt.y + prev.y)) / 2;
        ap += (pt.y - prev.y) * (tp / (tp + fp));
        roc.push({ ...pt, threshold: s });
        prev = pt;
      }
      return { auc, ap, roc };
    };
    let seed = 7;
    const rand = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    for (const n of [5, 60, 400]) {
      // scores on a coarse grid, so that ties are common, positives likelier at high scores
      const scores = Array.from({ length: n }, () => Math.round(rand() * 20) / 20);
      const pos = scores.map((s) => (rand() < s ? 1 : 0));
      if (!pos.includes(1) || !pos.includes(0)) pos[0] = pos[0] === 1 ? 0 : 1;
      const got = binaryCurves(Float64Array.from(scores), Uint8Array.from(pos));
      const want = reference(scores, pos);
      assert.ok(Math.abs(got.auc! - want.auc) < 1e-12, `AUC on ${n}`);
      assert.ok(Math.abs(got.ap! - want.ap) < 1e-12, `AP on ${n}`);
      assert.ok(got.roc.length <= 150);
      assert.deepEqual(got.roc[0], want.roc[0]);
      assert.deepEqual(got.roc.at(-1), want.roc.at(-1));
      if (want.roc.length <= 150) assert.deepEqual(got.roc, want.roc);
    }
  });
  it('end on scores that are not numbers, taking them as one step at the top', () => {
    const c = binaryCurves(
      Float64Array.from([Number.NaN, 0.5, Number.NaN, 0.2]),
      Uint8Array.from([1, 1, 0, 0]),
    );
    assert.equal(c.roc.length, 4);
    // NaN (one +, one -), then 0.5 (+), then 0.2 (-)
    assert.ok(Math.abs(c.auc! - 0.625) < 1e-12);
  });
  it('have no AUC when one side is absent', () => {
    assert.equal(binaryCurves(Float64Array.from([0.2, 0.3]), Uint8Array.from([1, 1])).auc, null);
  });
});

describe('classification metrics', () => {
  // 4 items, 3 classes; truth a, a, b, c; predictions a (0.7), b (0.6), b (0.8), a (0.5)
  const classes = ['a', 'b', 'c'];
  const y = Int32Array.from([0, 0, 1, 2]);
  const p = Float64Array.from([0.7, 0.2, 0.1, 0.3, 0.6, 0.1, 0.1, 0.8, 0.1, 0.5, 0.1, 0.4]);
  const m = classificationMetrics(y, p, classes);

  it('counts accuracy, per-class precision/recall/F1 and the confusion matrix', () => {
    assert.equal(m.accuracy, 0.5);
    assert.deepEqual(m.confusion, [
      [1, 1, 0],
      [0, 1, 0],
      [1, 0, 0],
    ]);
    const a = m.perClass[0]!;
    assert.deepEqual([a.precision, a.recall, a.f1, a.support], [0.5, 0.5, 0.5, 2]);
    const b = m.perClass[1]!;
    assert.ok(Math.abs(b.f1 - 2 / 3) < 1e-12);
    assert.equal(m.perClass[2]!.f1, 0);
    assert.ok(Math.abs(m.macroF1 - (0.5 + 2 / 3 + 0) / 3) < 1e-12);
    assert.ok(Math.abs(m.weightedF1 - (0.5 * 2 + (2 / 3) * 1) / 4) < 1e-12);
    assert.equal(m.microF1, m.accuracy);
  });

  it('scores the probabilities: top-k, Brier, ECE', () => {
    // item 4 (truth c, p_c 0.4) is second: top-3 and top-1 differ
    assert.equal(m.topK.top1, 0.5);
    assert.equal(m.topK.top3, 1);
    const brier =
      (0.3 ** 2 +
        0.2 ** 2 +
        0.1 ** 2 +
        (0.7 ** 2 + 0.6 ** 2 + 0.1 ** 2) +
        (0.1 ** 2 + 0.2 ** 2 + 0.1 ** 2) +
        (0.5 ** 2 + 0.1 ** 2 + 0.6 ** 2)) /
      4;
    assert.ok(Math.abs(m.brier - brier) < 1e-12);
    // bins: 0.5 (wrong), 0.6 (wrong), 0.7 (right), 0.8 (right), one per bin
    const ece = (Math.abs(0 - 0.5) + Math.abs(0 - 0.6) + Math.abs(1 - 0.7) + Math.abs(1 - 0.8)) / 4;
    assert.ok(Math.abs(m.ece - ece) < 1e-12);
    assert.equal(m.reliability.length, 4);
  });

  it('traces coverage against precision and the cost of answering', () => {
    const at07 = m.coverage.find((c) => c.threshold === 0.7)!;
    assert.deepEqual([at07.coverage, at07.precision], [0.5, 1]);
    const zero = m.cost.find((c) => c.threshold === 0 && c.wrongCost === 2)!;
    assert.equal(zero.utility, (2 - 2 * 2) / 4);
    assert.equal(m.costCurve, null);
  });
});

describe('splits', () => {
  it('time split trains on the oldest and tests on the newest, ids breaking ties', () => {
    const items = [
      { time: '2020-03-01', id: 'X-3' },
      { time: '2020-01-01', id: 'X-1' },
      { time: null, id: 'X-10' },
      { time: '2020-02-01', id: 'X-2' },
    ];
    const s = timeSplit(items, 0.25);
    assert.deepEqual(s.test, [0]);
    assert.deepEqual(s.train, [2, 1, 3]);
  });
  it('stratified split keeps each class share, and k-fold tests everything once', () => {
    const labels = [...Array(40).fill('a'), ...Array(20).fill('b')] as string[];
    const s = stratifiedSplit(labels, 0.25, 1);
    assert.equal(s.test.filter((i) => labels[i] === 'a').length, 10);
    assert.equal(s.test.filter((i) => labels[i] === 'b').length, 5);
    const folds = kFoldSplits(labels, 5, 1);
    const tested = folds.flatMap((f) => f.test).sort((a, b) => a - b);
    assert.deepEqual(
      tested,
      labels.map((_, i) => i),
    );
    for (const f of folds) assert.equal(f.test.filter((i) => labels[i] === 'b').length, 4);
  });
});

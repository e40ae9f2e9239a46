import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { packBinary, unpackBinary } from '../../src/ml/binary-artifact.ts';
import {
  applyClassBiases,
  argmaxRows,
  createRng,
  crossFittedCorrection,
  cvMetrics,
  DEFAULT_VECTORIZER,
  FittedBlend,
  FittedTextClassifier,
  fitClassBiases,
  selectionScore,
  softmaxRows,
  TextClassifier,
  textModelFromJSON,
  tokenizeDoc,
  topKShare,
  withBiases,
  withTemperatures,
} from '../../src/ml/index.ts';

/**
 * Three classes with priors 0.8 / 0.15 / 0.05, scored by a model that (as a balanced fit does)
 * treats them as equally likely: each row's true class gets a noisy bump of evidence.
 */
function skewed(n: number, seed: number) {
  const rng = createRng(seed);
  const y = new Int32Array(n);
  const scores = new Float64Array(n * 3);
  for (let i = 0; i < n; i++) {
    const u = rng();
    y[i] = u < 0.8 ? 0 : u < 0.95 ? 1 : 2;
    for (let k = 0; k < 3; k++) scores[i * 3 + k] = rng() * 2 + (k === y[i] ? 1 : 0);
  }
  return { y, scores };
}

/** A model as a stored artifact gives it back: its tree, typed arrays included, through the binary container. */
const stored = (m: { toJSON(): object }) => unpackBinary(packBinary(m.toJSON())) as Record<string, unknown>;

describe('fitClassBiases', () => {
  it('learns the priors a balanced model ignores: the common class gains, top-1 improves', () => {
    const { y, scores } = skewed(3000, 1);
    const p = softmaxRows(scores, 3);
    const b = fitClassBiases(p, 3, y);
    assert.ok(b[0]! > b[1]! && b[1]! > b[2]!, `biases ${[...b]}`);
    const before = cvMetrics(argmaxRows(p, 3), y, 3).accuracy;
    const after = cvMetrics(
      argmaxRows(applyClassBiases(p, 3, b, new Float64Array(p.length)), 3),
      y,
      3,
    ).accuracy;
    assert.ok(after > before + 0.05, `accuracy ${before} → ${after}`);
  });

  it('leaves balanced, calibrated probabilities alone (biases near 0, centred)', () => {
    const n = 3000;
    const y = new Int32Array(n);
    const p = new Float64Array(n * 3);
    for (let i = 0; i < n; i++) {
      y[i] = i % 3;
      for (let k = 0; k < 3; k++) p[i * 3 + k] = k === y[i] ? 0.6 : 0.2;
    }
    const b = fitClassBiases(p, 3, y);
    assert.ok(Math.abs(b[0]! + b[1]! + b[2]!) < 1e-9);
    for (const v of b) assert.ok(Math.abs(v) < 0.05, `bias ${v}`);
  });

  it('keeps rows summing to one', () => {
    const { scores } = skewed(50, 3);
    const p = applyClassBiases(softmaxRows(scores, 3), 3, [1, -0.5, 2]);
    for (let i = 0; i < 50; i++) assert.ok(Math.abs(p[i * 3]! + p[i * 3 + 1]! + p[i * 3 + 2]! - 1) < 1e-12);
  });
});

describe('crossFittedCorrection', () => {
  it("corrects each fold by the other folds' rows only", () => {
    // fold 0 is all class 2, the other folds never are: biases fitted without fold 0 push class 2
    // down there; fitted with it (cheating) they would not
    const { y, scores } = skewed(900, 4);
    const folds = Int32Array.from({ length: 900 }, (_, i) => (i < 300 ? 0 : 1 + (i % 2)));
    for (let i = 0; i < 900; i++) y[i] = i < 300 ? 2 : y[i] === 2 ? 0 : y[i]!;
    const corrected = crossFittedCorrection(scores, 3, y, folds, 3);
    const p0 = Array.from({ length: 300 }, (_, i) => corrected[i * 3 + 2]!);
    const raw = softmaxRows(scores, 3);
    const r0 = Array.from({ length: 300 }, (_, i) => raw[i * 3 + 2]!);
    const mean = (a: number[]) => a.reduce((s, v) => s + v, 0) / a.length;
    assert.ok(mean(p0) < mean(r0), `class 2 in fold 0: ${mean(r0)} → ${mean(p0)}`);
  });
});

describe('a model with biases', () => {
  const texts = [
    ['crash on start', 'a'],
    ['crash when saving', 'a'],
    ['crash in the parser', 'a'],
    ['typo in the docs', 'b'],
    ['docs are wrong', 'b'],
    ['slow rendering', 'c'],
    ['slow startup', 'c'],
  ] as const;
  const docs = texts.map(([t]) => tokenizeDoc({ text: { summary: t }, meta: {} }));
  const y = texts.map(([, l]) => l);
  const fitted = new TextClassifier({
    vectorizer: { ...DEFAULT_VECTORIZER, minDf: 1 },
    model: { kind: 'svm', C: 1, classWeight: 'balanced' },
    seed: 1,
  }).fit(docs, [...y]);

  it('answers through them, keeps them through a new temperature and through its artifact', () => {
    const b = Float64Array.from([-3, 0, 3]);
    const moved = withBiases(fitted, b);
    const q = moved.predictProba([docs[0]!]);
    const p = fitted.predictProba([docs[0]!]);
    assert.ok(q[2]! > p[2]!, 'class c gains');
    const again = withTemperatures(moved, [2]);
    assert.deepEqual([...again.biases!], [...b]);
    const read = textModelFromJSON(stored(moved));
    assert.ok(read instanceof FittedTextClassifier);
    assert.deepEqual([...read.predictProba([docs[0]!])], [...q]);
    const blend = withBiases(
      new FittedBlend([
        { classifier: fitted, weight: 1 },
        { classifier: fitted, weight: 1 },
      ]),
      b,
    );
    const readBlend = textModelFromJSON(stored(blend));
    assert.deepEqual([...readBlend.biases!], [...b]);
    // the explanation path ranks through the biases too
    assert.equal(moved.analyze(docs[0]!).ranking[0]!.probability, Math.max(...q));
  });

  it('refuses an artifact whose biases do not match its classes', () => {
    const o = stored(withBiases(fitted, Float64Array.from([0, 0, 0])));
    o.biases = [0, 1];
    assert.throws(() => textModelFromJSON(o), /3 finite numbers, one per class/);
    o.biases = [0, 'x', 1];
    assert.throws(() => textModelFromJSON(o), /finite numbers/);
  });

  it('reads an artifact from before bias correction as having none', () => {
    const o = stored(fitted);
    assert.equal('biases' in o, false);
    assert.equal(textModelFromJSON(o).biases, null);
  });
});

describe('topKShare and the objectives', () => {
  it('counts a row when its class is among the three highest, ties against it', () => {
    const s = Float64Array.from([4, 3, 2, 1, /* row 2 */ 1, 1, 1, 1]);
    assert.equal(topKShare(s, Int32Array.from([2, 0]), 4), 0.5);
    assert.equal(topKShare(s, Int32Array.from([3, 0]), 4, 4), 1);
    const m = { accuracy: 0.5, macroF1: 0.3, top3: 0.9 };
    assert.equal(selectionScore(m, 'topk'), 0.7);
    assert.equal(selectionScore(m, 'accuracy'), 0.5);
    assert.equal(selectionScore(m, 'macroF1'), 0.3);
    assert.equal(selectionScore(m, 'mean'), 0.4);
    assert.equal(selectionScore({ accuracy: 0.5, macroF1: 0.3 }, 'topk'), 0.5);
  });
});

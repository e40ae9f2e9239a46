import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  chooseMultilabelC,
  DEFAULT_VECTORIZER,
  deserializeModel,
  FittedMultilabelClassifier,
  MultilabelClassifier,
  serializeClassifier,
  TfidfVectorizer,
  tokenizeDoc,
} from '../../src/ml/index.ts';

const doc = (text: string) => tokenizeDoc({ text: { summary: text, description: '' }, meta: {} });

// crash reports say "crash", slow ones "slow"; some are both, some neither
function corpus(n: number) {
  const docs = [];
  const Y: string[][] = [];
  for (let i = 0; i < n; i++) {
    const crash = i % 3 === 0;
    const slow = i % 4 === 0;
    const words = [`word${i % 7}`, 'the', 'window'];
    if (crash) words.push('crash', 'segfault');
    if (slow) words.push('slow', 'lag');
    docs.push(doc(words.join(' ')));
    Y.push([...(crash ? ['crash'] : []), ...(slow ? ['performance'] : [])]);
  }
  return { docs, Y };
}

describe('MultilabelClassifier (binary relevance)', () => {
  const { docs, Y } = corpus(120);
  const fitted = new MultilabelClassifier({ vectorizer: { ...DEFAULT_VECTORIZER, minDf: 1 }, C: 10 }).fit(
    docs,
    Y,
    ['crash', 'performance'],
  );

  it('gives each label its own probability: both, one or neither', () => {
    const p = fitted.predictProba([
      doc('crash segfault slow lag'),
      doc('crash segfault'),
      doc('word3 window'),
    ]);
    const [bothCrash, bothSlow, oneCrash, oneSlow, noneCrash, noneSlow] = Array.from(p);
    assert.ok(bothCrash! > 0.8 && bothSlow! > 0.8, `both: ${bothCrash} ${bothSlow}`);
    assert.ok(oneCrash! > 0.8 && oneSlow! < 0.3, `crash only: ${oneCrash} ${oneSlow}`);
    assert.ok(noneCrash! < 0.3 && noneSlow! < 0.3, `neither: ${noneCrash} ${noneSlow}`);
  });

  it('explains a label by the terms that pushed it up', () => {
    const [top] = fitted.analyze(doc('crash segfault window'), 3);
    assert.equal(top!.label, 'crash');
    assert.ok(top!.because.some((b) => b.feature.includes('crash') || b.feature.includes('segfault')));
  });

  it('round-trips through the artifact with the same answers', () => {
    const back = deserializeModel(serializeClassifier(fitted));
    assert.ok(back instanceof FittedMultilabelClassifier);
    const d = [doc('slow lag window')];
    assert.deepEqual(Array.from(back.predictProba(d)), Array.from(fitted.predictProba(d)));
  });

  it('refuses a label no document lacks (or none carries)', () => {
    assert.throws(
      () => new MultilabelClassifier({ vectorizer: DEFAULT_VECTORIZER, C: 1 }).fit(docs, Y, ['nowhere']),
      /needs documents with it and without it/,
    );
  });

  it('chooses C by cross-validated log loss, and a weaker fit scores a worse loss', () => {
    const { X } = new TfidfVectorizer({ ...DEFAULT_VECTORIZER, minDf: 1 }).fitTransform(docs);
    const r = chooseMultilabelC(X, Y, ['crash', 'performance'], { seed: 1, grid: [0.001, 10] });
    assert.equal(r.C, 10);
    assert.ok(r.logLoss['0.001']! > r.logLoss['10']!);
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  createRng,
  DEFAULT_VECTORIZER,
  deserializeClassifier,
  serializeClassifier,
  TextClassifier,
  TfidfVectorizer,
  type TokenizedDoc,
  tokenizeDoc,
  type VectorizerParams,
} from '../../src/ml/index.ts';

const DENSE: VectorizerParams = {
  ...DEFAULT_VECTORIZER,
  dense: { encoder: 'test-encoder', dims: 6, weight: 0.5 },
};

/**
 * Reports whose words say nothing of their class (the same noise for all), while their dense
 * vector (what a sentence encoder would give) leans towards it: only the dense columns can tell.
 */
function corpus(n: number, seed: number): { docs: TokenizedDoc[]; y: string[] } {
  const rng = createRng(seed);
  const noise = ['window', 'page', 'crash', 'broken', 'button', 'menu', 'error', 'slow'];
  const docs: TokenizedDoc[] = [];
  const y: string[] = [];
  for (let i = 0; i < n; i++) {
    const k = i % 3;
    const pick = () => noise[Math.floor(rng() * noise.length)]!;
    const dense = new Float32Array(6);
    for (let d = 0; d < 6; d++) dense[d] = (rng() - 0.5) * 0.6;
    dense[k] = dense[k]! + 1;
    docs.push({
      ...tokenizeDoc({ text: { summary: `${pick()} ${pick()}`, description: pick() }, meta: {} }),
      dense,
    });
    y.push(['bug', 'feature', 'question'][k]!);
  }
  return { docs, y };
}

function accuracy(fitted: ReturnType<TextClassifier['fit']>, test: { docs: TokenizedDoc[]; y: string[] }) {
  let right = 0;
  test.docs.forEach((d, i) => {
    if (fitted.predict(d)[0]!.label === test.y[i]) right++;
  });
  return right / test.docs.length;
}

describe('dense columns beside the TF-IDF terms', () => {
  const train = corpus(300, 1);
  const test = corpus(150, 2);

  it('are placed after the terms, weighted, by fitTransform and transform alike', () => {
    const { vectorizer, X } = new TfidfVectorizer(DENSE).fitTransform(train.docs);
    const start = vectorizer.denseStart;
    assert.equal(start, vectorizer.nFeatures - 6);
    assert.equal(vectorizer.terms[start], '~test-encoder/0');
    const again = vectorizer.transform([train.docs[0]!]);
    const row = (M: typeof X, i: number) => {
      const out = new Map<number, number>();
      for (let p = M.indptr[i]!; p < M.indptr[i + 1]!; p++) out.set(M.indices[p]!, M.data[p]!);
      return out;
    };
    const a = row(X, 0);
    const b = row(again, 0);
    assert.deepEqual([...a.keys()].sort(), [...b.keys()].sort());
    for (let d = 0; d < 6; d++) {
      assert.ok(Math.abs(a.get(start + d)! - train.docs[0]!.dense![d]! * 0.5) < 1e-6);
      assert.ok(Math.abs(b.get(start + d)! - a.get(start + d)!) < 1e-6);
    }
  });

  it('let a model learn what the words do not say', () => {
    const model = { kind: 'svm', C: 1, classWeight: null } as const;
    const withDense = new TextClassifier({ vectorizer: DENSE, model, seed: 1 }).fit(train.docs, train.y);
    const without = new TextClassifier({ vectorizer: DEFAULT_VECTORIZER, model, seed: 1 }).fit(
      train.docs,
      train.y,
    );
    assert.ok(accuracy(withDense, test) > 0.9, `with dense columns ${accuracy(withDense, test)}`);
    assert.ok(accuracy(without, test) < 0.6, `words alone ${accuracy(without, test)}`);
  });

  it('explain them as one push, survive the artifact, and refuse a document without a vector', () => {
    const fitted = new TextClassifier({
      vectorizer: DENSE,
      model: { kind: 'logreg', C: 1, classWeight: null },
      seed: 1,
    }).fit(train.docs, train.y);
    const why = fitted.explain(test.docs[0]!, 1);
    assert.equal(why[0]!.label, test.y[0]);
    assert.ok(why[0]!.because.some((b) => b.feature === "(the report's meaning, test-encoder)"));
    assert.ok(why[0]!.because.every((b) => !b.feature.startsWith('~')));
    const back = deserializeClassifier(serializeClassifier(fitted));
    assert.deepEqual(
      Array.from(back.predictProba(test.docs.slice(0, 5))).map((v) => v.toFixed(6)),
      Array.from(fitted.predictProba(test.docs.slice(0, 5))).map((v) => v.toFixed(6)),
    );
    const { dense: _, ...bare } = test.docs[0]!;
    assert.throws(() => fitted.predict(bare), /needs each document's test-encoder vector/);
    assert.throws(
      () => fitted.predict({ ...bare, dense: new Float32Array(3) }),
      /has 3 values where 6 were expected/,
    );
  });
});

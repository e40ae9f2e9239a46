import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isBinaryArtifact, packBinary } from '../../src/ml/binary-artifact.ts';
import {
  ArtifactError,
  acceptsNegative,
  ComplementNb,
  CsrBuilder,
  createRng,
  DEFAULT_VECTORIZER,
  describeModel,
  deserializeClassifier,
  fitTemperature,
  LinearSvm,
  LogisticRegression,
  lbfgs,
  type ModelSpec,
  serializeClassifier,
  softmaxObjective,
  softmaxRows,
  TextClassifier,
  TfidfVectorizer,
  type TokenizedDoc,
  tokenizeDoc,
  withTemperatures,
} from '../../src/ml/index.ts';
import { ARTIFACT_FORMAT, ARTIFACT_VERSION } from '../../src/ml/text-classifier.ts';
import { legacyArtifact } from '../support/legacy-artifact.ts';

function doc(summary: string, description = '', meta: Record<string, string[]> = {}): TokenizedDoc {
  return tokenizeDoc({ text: { summary, description }, meta });
}

/** Three topics with their own vocabulary and shared noise words. */
function topics(n: number, seed: number): { docs: TokenizedDoc[]; y: string[] } {
  const rng = createRng(seed);
  const words: Record<string, string[]> = {
    network: ['socket', 'timeout', 'proxy', 'dns', 'connection', 'http'],
    graphics: ['render', 'canvas', 'webgl', 'shader', 'pixel', 'paint'],
    storage: ['disk', 'quota', 'database', 'cache', 'write', 'file'],
  };
  const noise = ['firefox', 'crash', 'broken', 'page', 'window', 'error'];
  const docs: TokenizedDoc[] = [];
  const y: string[] = [];
  for (let i = 0; i < n; i++) {
    const label = Object.keys(words)[i % 3]!;
    const pick = (xs: string[]) => xs[Math.floor(rng() * xs.length)]!;
    const text = [pick(words[label]!), pick(noise), pick(words[label]!), pick(noise)].join(' ');
    docs.push(doc(text, `${pick(noise)} ${pick(words[label]!)}`));
    y.push(label);
  }
  return { docs, y };
}

describe('TF-IDF vectorizer', () => {
  it('gives smoothed idf, sublinear tf, and unit-length rows', () => {
    const docs = [doc('crash crash crash on start'), doc('crash on exit'), doc('slow start')];
    const vec = new TfidfVectorizer({
      ...DEFAULT_VECTORIZER,
      minDf: 1,
      maxDfRatio: 1,
      fields: [{ name: 'summary', weight: 1, ngrams: [1, 1] }],
    }).fit(docs);
    const j = vec.vocabulary.get('summary:crash')!;
    assert.ok(Math.abs(vec.idf[j]! - (Math.log(4 / 3) + 1)) < 1e-6);
    const X = vec.transform(docs);
    for (let i = 0; i < X.nRows; i++) {
      let s = 0;
      for (let p = X.indptr[i]!; p < X.indptr[i + 1]!; p++) s += X.data[p]! ** 2;
      assert.ok(Math.abs(s - 1) < 1e-5);
    }
    // doc 0: crash ×3 → 1 + ln 3 before normalisation
    const row0 = new Map<number, number>();
    for (let p = X.indptr[0]!; p < X.indptr[1]!; p++) row0.set(X.indices[p]!, X.data[p]!);
    const start = vec.vocabulary.get('summary:start')!;
    const ratio = row0.get(j)! / row0.get(start)!;
    assert.ok(Math.abs(ratio - ((1 + Math.log(3)) * vec.idf[j]!) / vec.idf[start]!) < 1e-4);
  });

  it('prunes rare terms, makes bigrams, and one-hots metadata; a blank field is no evidence', () => {
    const docs = [
      doc('tab crash', '', { os: ['Linux'] }),
      doc('tab crash', '', { os: [] }),
      doc('tab hang', '', { os: ['Mac'] }),
      doc('tab crash', '', { os: [] }),
    ];
    const vec = new TfidfVectorizer({ ...DEFAULT_VECTORIZER, metaFields: ['os'] }).fit(docs);
    assert.ok(vec.vocabulary.has('summary:tab crash'));
    assert.ok(!vec.vocabulary.has('summary:hang'), 'seen once: pruned by min_df 2');
    assert.ok(!vec.vocabulary.has('os=<missing>'), 'a blank field makes no column');
    assert.ok(vec.vocabulary.has('os=Linux'));
    // a blank field's row has no metadata column at all
    const X = vec.transform([doc('tab crash', '', { os: [] })]);
    const cols = Array.from(X.indices.subarray(X.indptr[0]!, X.indptr[1]!));
    assert.ok(cols.every((j) => !vec.terms[j]!.startsWith('os=')));
    // an artifact trained before (no `missing` in its params) keeps its `<missing>` value
    const old = new TfidfVectorizer({ ...DEFAULT_VECTORIZER, missing: undefined, metaFields: ['os'] }).fit(
      docs,
    );
    assert.ok(old.vocabulary.has('os=<missing>'));
  });
});

describe('TF-IDF fitTransform', () => {
  const rowsOf = (X: ReturnType<InstanceType<typeof TfidfVectorizer>['fitTransform']>['X']) =>
    Array.from({ length: X.nRows }, (_, i) => {
      const row = new Map<number, number>();
      for (let p = X.indptr[i]!; p < X.indptr[i + 1]!; p++) row.set(X.indices[p]!, X.data[p]!);
      return row;
    });
  const corpus = [
    ...topics(200, 3).docs,
    doc('crash crash crash on start of FooBarService', 'java.lang.NullPointerException at FooBarService', {
      os: ['Linux'],
    }),
    doc('crash on start', '', { os: [] }),
    doc('FooBarService start start', 'at FooBarService crash', { os: ['Mac', 'Linux'] }),
  ];
  const variants = {
    'words 1-2': DEFAULT_VECTORIZER,
    'words 1-3 and character 2-4 grams, metadata': {
      ...DEFAULT_VECTORIZER,
      metaFields: ['os'],
      fields: [
        {
          name: 'summary',
          weight: 2,
          ngrams: [1, 3] as [number, number],
          charNgrams: [2, 4] as [number, number],
        },
        { name: 'description', weight: 1, ngrams: [2, 2] as [number, number] },
      ],
    },
    'capped vocabulary, min df 1': { ...DEFAULT_VECTORIZER, minDf: 1, maxFeatures: 300 },
  };
  for (const [name, params] of Object.entries(variants)) {
    it(`gives the vocabulary and matrix of fit then transform (${name})`, () => {
      const fitted = new TfidfVectorizer(params).fit(corpus);
      const expected = rowsOf(fitted.transform(corpus));
      const { vectorizer, X } = new TfidfVectorizer(params).fitTransform(corpus);
      assert.deepEqual(vectorizer.terms, fitted.terms);
      assert.deepEqual(Array.from(vectorizer.idf), Array.from(fitted.idf));
      assert.ok(
        vectorizer.terms.some((t) => t.includes(' ')),
        'bigrams are in the vocabulary',
      );
      const got = rowsOf(X);
      assert.equal(got.length, expected.length);
      got.forEach((row, i) => {
        assert.deepEqual([...row.keys()].sort(), [...expected[i]!.keys()].sort(), `row ${i} columns`);
        for (const [j, v] of row)
          assert.ok(Math.abs(v - expected[i]!.get(j)!) < 1e-6, `row ${i} column ${j}`);
      });
    });
  }
});

describe('TF-IDF counting under a candidate cap', () => {
  it('evicts rare candidates yet keeps every frequent term, never overcounting one', () => {
    // a shared topic vocabulary plus one-off ids in every document: the ids crowd the table
    const base = topics(400, 11).docs;
    const docs = base.map((d, i) => ({
      ...d,
      text: { ...d.text, description: [...(d.text.description ?? []), `id${i}a`, `id${i}b`] },
    }));
    const params = {
      ...DEFAULT_VECTORIZER,
      fields: [
        { name: 'summary', weight: 2, ngrams: [1, 1] as [number, number] },
        { name: 'description', weight: 1, ngrams: [1, 2] as [number, number] },
      ],
    };
    const exact = new TfidfVectorizer(params).fitTransform(docs);
    const capped = new TfidfVectorizer(params, 120).fitTransform(docs);
    const exactTerms = new Set(exact.vectorizer.terms);
    for (const t of capped.vectorizer.terms) assert.ok(exactTerms.has(t), `${t} is a real term`);
    // a term in at least a tenth of the documents can never be evicted before it is counted twice
    const n = docs.length;
    for (const [t, j] of exact.vectorizer.vocabulary) {
      const df = Math.round((n + 1) / Math.exp(exact.vectorizer.idf[j]! - 1) - 1);
      if (df < n / 10) continue;
      const k = capped.vectorizer.vocabulary.get(t);
      assert.ok(k !== undefined, `${t} (in ${df} documents) is kept`);
      // an evicted term that comes back starts afresh: its count can only fall short
      assert.ok(capped.vectorizer.idf[k]! >= exact.vectorizer.idf[j]! - 1e-5, `${t} idf`);
    }
    assert.ok(capped.vectorizer.nFeatures < exact.vectorizer.nFeatures, 'the cap dropped something');
    for (let i = 0; i < capped.X.nRows; i++) {
      let sq = 0;
      for (let p = capped.X.indptr[i]!; p < capped.X.indptr[i + 1]!; p++) sq += capped.X.data[p]! ** 2;
      assert.ok(sq === 0 || Math.abs(sq - 1) < 1e-5, `row ${i} has unit length`);
    }
  });
});

describe('linear models', () => {
  const train = topics(300, 1);
  const test = topics(90, 2);
  const vec = new TfidfVectorizer(DEFAULT_VECTORIZER).fit(train.docs);
  const Xtr = vec.transform(train.docs);
  const Xte = vec.transform(test.docs);
  for (const [name, model] of [
    ['linear SVM', new LinearSvm({ C: 0.5 })],
    ['logistic regression', new LogisticRegression({ C: 10 })],
    ['complement NB', new ComplementNb({ alpha: 0.3 })],
  ] as const) {
    it(`${name} separates three topics it has not seen the test documents of`, () => {
      const fitted = model.fit(Xtr, train.y);
      assert.deepEqual(fitted.classes, ['graphics', 'network', 'storage']);
      const s = fitted.decision(Xte);
      let right = 0;
      for (let i = 0; i < test.y.length; i++) {
        let best = 0;
        for (let k = 1; k < 3; k++) if (s[i * 3 + k]! > s[i * 3 + best]!) best = k;
        if (fitted.classes[best] === test.y[i]) right++;
      }
      assert.ok(right / test.y.length > 0.95, `accuracy ${right / test.y.length}`);
    });
  }

  for (const K of [2, 3, 4]) {
    it(`logistic regression's loss gradient matches finite differences with ${K} classes`, () => {
      const rng = createRng(K);
      const b = new CsrBuilder(12, 60);
      const codes = new Int32Array(15);
      for (let i = 0; i < 15; i++) {
        const cols = [i % 12, (i * 5 + 3) % 12].sort((x, y) => x - y).filter((c, q, a) => a.indexOf(c) === q);
        b.addRow(
          cols,
          cols.map(() => rng() - 0.3),
        );
        codes[i] = i % K;
      }
      const X = b.build();
      const cw = Float64Array.from({ length: K }, (_, k) => 0.5 + k * 0.25);
      const f = softmaxObjective(X, codes, K, 3, cw);
      const theta = Float64Array.from({ length: 12 * K + K }, () => rng() - 0.5);
      const grad = new Float64Array(theta.length);
      f(theta, grad);
      const scratch = new Float64Array(theta.length);
      for (let j = 0; j < theta.length; j++) {
        const h = 1e-6;
        const up = Float64Array.from(theta);
        const down = Float64Array.from(theta);
        up[j] = up[j]! + h;
        down[j] = down[j]! - h;
        const numeric = (f(up, scratch) - f(down, scratch)) / (2 * h);
        assert.ok(Math.abs(numeric - grad[j]!) < 1e-5, `θ${j}: ${numeric} against ${grad[j]}`);
      }
    });
  }

  it('the SVM is deterministic for a seed', () => {
    const a = new LinearSvm({ C: 0.5, seed: 7 }).fit(Xtr, train.y);
    const b = new LinearSvm({ C: 0.5, seed: 7 }).fit(Xtr, train.y);
    assert.deepEqual(a.weights, b.weights);
  });

  it('an SVM fit shared over worker threads gives the model one thread gives', async () => {
    const one = new LinearSvm({ C: 0.5, classWeight: 'balanced', seed: 3 }).fit(Xtr, train.y);
    // the threads are the estimator's parameter; minWork 0: this small problem would otherwise stay on one
    // the first fit starts the workers, which may join late: fit until they have taken a share
    let byWorkers = 0;
    for (let attempt = 0; attempt < 50 && byWorkers === 0; attempt++) {
      const svm = new LinearSvm({ C: 0.5, classWeight: 'balanced', seed: 3, threads: 3, minWork: 0 });
      const three = svm.fit(Xtr, train.y);
      assert.deepEqual(three.classes, one.classes);
      assert.deepEqual(three.weights, one.weights);
      assert.deepEqual(three.bias, one.bias);
      assert.equal(svm.lastWork!.problems, 3);
      byWorkers = svm.lastWork!.byWorkers;
      if (byWorkers === 0) await new Promise((r) => setTimeout(r, 50));
    }
    assert.ok(byWorkers > 0, 'worker threads solved some of the problems');
    assert.ok(one.weights.some((w) => w !== 0));
    // and a fit that is given one thread uses none of them
    const single = new LinearSvm({ C: 0.5, classWeight: 'balanced', seed: 3, minWork: 0 });
    single.fit(Xtr, train.y);
    assert.equal(single.lastWork!.byWorkers, 0);
  });

  it('two-class problems score both classes from one binary model', () => {
    const b = new CsrBuilder(2);
    b.addRow([0], [1]);
    b.addRow([1], [1]);
    b.addRow([0], [0.9]);
    b.addRow([1], [0.8]);
    const m = new LinearSvm({ C: 1 }).fit(b.build(), ['a', 'b', 'a', 'b']);
    const s = m.decision(b.build());
    assert.ok(s[0]! > s[1]! && s[3]! > s[2]!);
  });
});

describe('L-BFGS', () => {
  it('finds the minimum of the Rosenbrock function', () => {
    const x = new Float64Array([-1.2, 1]);
    lbfgs(
      (v, g) => {
        const [a, b] = [v[0]!, v[1]!];
        g[0] = -2 * (1 - a) - 400 * a * (b - a * a);
        g[1] = 200 * (b - a * a);
        return (1 - a) ** 2 + 100 * (b - a * a) ** 2;
      },
      x,
      { maxIter: 500, tol: 1e-10 },
    );
    assert.ok(Math.abs(x[0]! - 1) < 1e-3 && Math.abs(x[1]! - 1) < 1e-3, `${x[0]}, ${x[1]}`);
  });
});

describe('temperature scaling', () => {
  it('recovers the temperature that generated the labels', () => {
    const rng = createRng(3);
    const K = 4;
    const n = 4000;
    const T0 = 2.5;
    const scores = new Float64Array(n * K);
    for (let i = 0; i < scores.length; i++) scores[i] = (rng() - 0.5) * 12;
    const p = softmaxRows(scores, K, T0);
    const y = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      let u = rng();
      let k = 0;
      while (k < K - 1 && u > p[i * K + k]!) {
        u -= p[i * K + k]!;
        k++;
      }
      y[i] = k;
    }
    const T = fitTemperature(scores, K, y);
    assert.ok(Math.abs(T - T0) < 0.25, `fitted ${T}`);
  });
});

describe('the fitted text classifier', () => {
  const train = topics(300, 5);
  const unscaled = new TextClassifier({
    vectorizer: DEFAULT_VECTORIZER,
    model: { kind: 'svm', C: 0.5, classWeight: null },
    seed: 1,
  });
  const fitted = withTemperatures(unscaled.fit(train.docs, train.y), [0.5]);

  it('ranks every label with probabilities that sum to one, and explains the top ones', () => {
    const ranked = fitted.predict(doc('webgl shader fails to render'));
    assert.equal(ranked.length, 3);
    assert.equal(ranked[0]!.label, 'graphics');
    assert.ok(Math.abs(ranked.reduce((s, r) => s + r.probability, 0) - 1) < 1e-9);
    const why = fitted.explain(doc('webgl shader fails to render'));
    assert.equal(why[0]!.label, 'graphics');
    assert.ok(why[0]!.because.some((b) => b.feature === 'summary:webgl' || b.feature === 'summary:shader'));
  });

  it('gives a batch of reports the probabilities it gives each alone (evaluate batches its test window)', () => {
    const asked = topics(60, 9).docs;
    const K = fitted.classes.length;
    const batch = fitted.predictProba(asked);
    asked.forEach((d, i) => {
      const alone = fitted.predictProba([d]);
      for (let k = 0; k < K; k++) assert.ok(Math.abs(alone[k]! - batch[i * K + k]!) < 1e-12, `report ${i}`);
    });
  });

  it('round-trips through its binary artifact and refuses a corrupt or incompatible one', () => {
    const bytes = serializeClassifier(fitted);
    assert.ok(isBinaryArtifact(bytes));
    const back = deserializeClassifier(bytes);
    const d = [doc('dns timeout behind proxy')];
    assert.deepEqual(
      Array.from(back.predictProba(d)).map((v) => v.toFixed(6)),
      Array.from(fitted.predictProba(d)).map((v) => v.toFixed(6)),
    );
    // a byte changed anywhere is caught by the checksum
    const flipped = Buffer.from(bytes);
    flipped[Math.floor(flipped.length / 2)]! ^= 0xff;
    assert.throws(() => deserializeClassifier(flipped), /checksum mismatch/);
    assert.throws(() => deserializeClassifier(bytes.subarray(0, 40)), ArtifactError);
    const future = packBinary({ format: ARTIFACT_FORMAT, version: 99, payload: fitted.toJSON() });
    assert.throws(() => deserializeClassifier(future), /version 99 is incompatible/);
    // unaligned in memory (a buffer from a pool or a slice): still read, by one copy
    const offset = Buffer.alloc(bytes.length + 3);
    bytes.copy(offset, 3);
    assert.deepEqual(
      Array.from(deserializeClassifier(offset.subarray(3)).predictProba(d)).map((v) => v.toFixed(6)),
      Array.from(fitted.predictProba(d)).map((v) => v.toFixed(6)),
    );
  });

  it('still loads a JSON artifact of an earlier version, and refuses a corrupt one', () => {
    const text = legacyArtifact(fitted, ARTIFACT_FORMAT, ARTIFACT_VERSION);
    const d = [doc('dns timeout behind proxy')];
    assert.deepEqual(
      Array.from(deserializeClassifier(text).predictProba(d)).map((v) => v.toFixed(6)),
      Array.from(fitted.predictProba(d)).map((v) => v.toFixed(6)),
    );
    const env = JSON.parse(text);
    assert.throws(
      () =>
        deserializeClassifier(
          JSON.stringify({ ...env, payload: env.payload.replace('graphics', 'graphicz') }),
        ),
      /checksum mismatch/,
    );
    assert.throws(() => deserializeClassifier(JSON.stringify({ ...env, version: 99 })), /incompatible/);
    assert.throws(() => deserializeClassifier(text.slice(0, 100)), /not JSON/);
  });
});

describe('the model kinds', () => {
  it('name each kind from its spec, say which take negative features, and refuse an unknown kind', () => {
    assert.equal(describeModel({ kind: 'svm', C: 0.3, classWeight: 'balanced' }), 'svm(C=0.3,balanced)');
    assert.equal(describeModel({ kind: 'logreg', C: 10, classWeight: null }), 'logreg(C=10)');
    assert.equal(describeModel({ kind: 'nb', alpha: 0.3 }), 'nb(alpha=0.3)');
    assert.equal(acceptsNegative({ kind: 'nb', alpha: 0.3 }), false);
    assert.equal(acceptsNegative({ kind: 'svm', C: 1, classWeight: null }), true);
    assert.throws(
      () => describeModel({ kind: 'forest' } as unknown as ModelSpec),
      /unknown model kind "forest"/,
    );
  });
});

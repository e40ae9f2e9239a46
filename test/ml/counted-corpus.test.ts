import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CorpusCounter, type CorpusCounts } from '../../src/ml/corpus-counter.ts';
import { EntryReader } from '../../src/ml/entry-codec.ts';
import {
  CODE_TOKENIZER,
  CountedCorpus,
  type CsrMatrix,
  createRng,
  DEFAULT_VECTORIZER,
  TextClassifier,
  type TextClassifierParams,
  TfidfVectorizer,
  tokenizeDoc,
  tokenizerOptions,
} from '../../src/ml/index.ts';
import { countOnTwoThreads } from '../../src/ml/parallel-count.ts';

// three kinds of report, each with words of its own among shared ones, and an operating system
const rng = createRng(11);
const own = [
  ['crash', 'segfault', 'core', 'dump', 'stack'],
  ['slow', 'latency', 'timeout', 'cpu', 'memory'],
  ['button', 'layout', 'font', 'colour', 'menu'],
];
const shared = ['the', 'when', 'after', 'update', 'server', 'client', 'open', 'file', 'error', 'user'];
const pick = <T>(xs: T[]) => xs[Math.floor(rng() * xs.length)]!;
const labels = ['crash', 'perf', 'ui'];
const n = 600;
const raw = Array.from({ length: n }, (_, i) => {
  const k = Math.floor(rng() * 3);
  const words = (m: number) =>
    Array.from({ length: m }, () => (rng() < 0.45 ? pick(own[k]!) : pick(shared))).join(' ');
  // the newest reports bring an operating system and words the older ones never had
  const os = i >= 500 && i % 7 === 0 ? 'Haiku' : pick(['Linux', 'Windows', 'Mac']);
  const extra = i >= 500 ? ' quasar' : '';
  return {
    label: labels[k]!,
    doc: { text: { summary: words(6) + extra, description: words(30) }, meta: { opSys: [os] } },
  };
});
const params: TextClassifierParams = {
  vectorizer: { ...DEFAULT_VECTORIZER, metaFields: ['opSys'] },
  model: { kind: 'svm', C: 1, classWeight: 'balanced' },
  seed: 3,
  tokenizer: CODE_TOKENIZER,
};
const docs = raw.map((r) => tokenizeDoc(r.doc, tokenizerOptions(CODE_TOKENIZER)));
const train = Array.from({ length: 500 }, (_, i) => i);
const test = Array.from({ length: 100 }, (_, i) => 500 + i);
const y = train.map((i) => raw[i]!.label);

const rowMaps = (X: CsrMatrix) =>
  Array.from({ length: X.nRows }, (_, r) => {
    const m = new Map<number, number>();
    for (let p = X.indptr[r]!; p < X.indptr[r + 1]!; p++) m.set(X.indices[p]!, X.data[p]!);
    return m;
  });

describe('a corpus counted once', () => {
  const counted = CountedCorpus.count(params, n, (i) => docs[i]!);
  const once = counted.fit(params, train, y);
  const fresh = new TextClassifier(params).fit(
    train.map((i) => docs[i]!),
    y,
  );

  it('fits on its rows what a fresh fit on those reports alone learns', () => {
    assert.deepEqual(once.vectorizer.terms, fresh.vectorizer.terms);
    assert.deepEqual(Array.from(once.vectorizer.idf), Array.from(fresh.vectorizer.idf));
    assert.ok(!once.vectorizer.terms.some((t) => t.includes('quasar')), 'a test-window word is no term');
    assert.ok(!once.vectorizer.terms.includes('opSys=Haiku'), 'nor a test-window value');
    let most = 0;
    once.model.weights.forEach((w, j) => {
      most = Math.max(most, Math.abs(w - fresh.model.weights[j]!));
    });
    assert.ok(most < 1e-3, `largest weight difference ${most}`);
  });

  it('reads other rows in the fitted columns as transform reads their text', () => {
    const a = rowMaps(counted.matrix(once.vectorizer, test));
    const b = rowMaps(once.vectorizer.transform(test.map((i) => docs[i]!)));
    assert.equal(a.length, b.length);
    a.forEach((m, r) => {
      assert.deepEqual([...m.keys()].sort(), [...b[r]!.keys()].sort(), `row ${r}`);
      for (const [j, v] of m) assert.ok(Math.abs(v - b[r]!.get(j)!) < 1e-6, `row ${r} column ${j}`);
    });
  });

  it('answers counted rows with the probabilities the model gives their documents', () => {
    const a = counted.predictProba(once, test);
    const b = once.predictProba(test.map((i) => docs[i]!));
    assert.equal(a.length, b.length);
    for (let j = 0; j < a.length; j++) assert.ok(Math.abs(a[j]! - b[j]!) < 1e-6);
    assert.ok(counted.answers(once));
    assert.ok(!counted.answers(fresh), 'a model fitted elsewhere has no columns here');
    assert.throws(() => counted.matrix(fresh.vectorizer, test), /not fitted on these counts/);
  });

  it('makes, row by row, the rows of its matrix, and fits naive Bayes from them to the bit', () => {
    const vec = new TfidfVectorizer(params.vectorizer);
    const { X } = vec.fitRows(counted.counts, train);
    const { source } = vec.fitRowSource(counted.counts, train);
    assert.equal(source.nRows, X.nRows);
    assert.equal(source.nCols, X.nCols);
    // out of order, as a fit a class at a time reads them
    for (const r of [7, 0, 499, 250, 7]) {
      source.read(r);
      assert.deepEqual(
        Array.from(source.indices.subarray(source.from, source.to)),
        Array.from(X.indices.subarray(X.indptr[r]!, X.indptr[r + 1]!)),
        `row ${r}`,
      );
      assert.deepEqual(
        Array.from(source.data.subarray(source.from, source.to)),
        Array.from(X.data.subarray(X.indptr[r]!, X.indptr[r + 1]!)),
        `row ${r}`,
      );
    }
    const nb = { ...params, model: { kind: 'nb' as const, alpha: 0.3 } };
    const fromRows = CountedCorpus.count(nb, n, (i) => docs[i]!).fit(nb, train, y);
    const fromMatrix = new TextClassifier(nb).fit(
      train.map((i) => docs[i]!),
      y,
    );
    assert.deepEqual(fromRows.vectorizer.terms, fromMatrix.vectorizer.terms);
    assert.deepEqual(Array.from(fromRows.model.weights), Array.from(fromMatrix.model.weights));
  });

  it('refuses a classifier that reads text another way', () => {
    const unigrams = {
      ...params,
      vectorizer: {
        ...params.vectorizer,
        fields: params.vectorizer.fields.map((f) => ({ ...f, ngrams: [1, 1] as [number, number] })),
      },
    };
    assert.equal(counted.serves(unigrams), false);
    assert.throws(() => counted.fit(unigrams, train, y), /other vectorizer settings/);
  });
});

describe('counting on two threads', () => {
  it('gives the counts of one thread: the same vocabulary, idf and rows, in the same order', () => {
    const many = Array.from({ length: 3000 }, (_, i) => raw[i % n]!.doc);
    const vec = new TfidfVectorizer(params.vectorizer);
    const one = vec.count(many.map((d) => tokenizeDoc(d, tokenizerOptions(CODE_TOKENIZER))));
    const { counts: two, byWorker } = countOnTwoThreads(
      params.vectorizer,
      CODE_TOKENIZER,
      many.length,
      (i) => many[i]!,
    );
    assert.equal(byWorker, 1500, 'the worker counted the second half');
    assert.equal(two.nDocs, one.nDocs);
    const rows = Array.from({ length: many.length }, (_, i) => i);
    const a = vec.fitRows(one, rows);
    const b = vec.fitRows(two, rows);
    assert.deepEqual(b.vectorizer.terms, a.vectorizer.terms);
    assert.deepEqual(Array.from(b.vectorizer.idf), Array.from(a.vectorizer.idf));
    const ra = rowMaps(a.X);
    const rb = rowMaps(b.X);
    ra.forEach((m, r) => {
      assert.deepEqual([...rb[r]!.keys()].sort(), [...m.keys()].sort(), `row ${r}`);
      for (const [j, v] of m) assert.ok(Math.abs(v - rb[r]!.get(j)!) < 1e-6);
    });
  });

  it('lets a fit from raw fields on two threads learn what one thread learns', () => {
    const many = Array.from({ length: 3000 }, (_, i) => raw[i % n]!);
    const ys = many.map((r) => r.label);
    const one = new TextClassifier(params, { threads: 1 }).fitRaw(
      many.map((r) => r.doc),
      ys,
    );
    const two = new TextClassifier(params, { threads: 2 }).fitRaw(
      many.map((r) => r.doc),
      ys,
    );
    assert.deepEqual(two.vectorizer.terms, one.vectorizer.terms);
    const a = one.predictRaw(raw.slice(0, 50).map((r) => r.doc));
    const b = two.predictRaw(raw.slice(0, 50).map((r) => r.doc));
    for (let j = 0; j < a.length; j++) assert.ok(Math.abs(a[j]! - b[j]!) < 1e-3);
  });
});

describe('a counter that absorbs another', () => {
  // each part brings words (and so bigrams) the parts before it never had
  const part = (p: number, m: number) =>
    Array.from({ length: m }, (_, i) =>
      tokenizeDoc(
        {
          text: {
            summary: `${pick(shared)} word${p}x${i % 7} ${pick(shared)}`,
            description: `${pick(shared)} w${p}y${i % 5}`,
          },
          meta: { opSys: [pick(['Linux', 'Mac'])] },
        },
        tokenizerOptions(CODE_TOKENIZER),
      ),
    );
  const [a, b, c] = [part(0, 40), part(1, 40), part(2, 40)];
  const entriesOf = (counts: CorpusCounts) => {
    const reader = new EntryReader();
    return Array.from({ length: counts.nDocs }, (_, d) => {
      const m = reader.read(counts.entries, counts.rowStart[d]!, counts.rowStart[d + 1]!);
      return Array.from(
        { length: m },
        (_, k) => `${counts.nameOf(reader.term[k]!)}×${reader.count[k]}`,
      ).sort();
    });
  };

  it('counts, absorbing and then counting on, what one counter reading every document counts', () => {
    const one = new CorpusCounter(params.vectorizer);
    for (const d of [...a, ...b, ...c]) one.add(d);
    const first = new CorpusCounter(params.vectorizer);
    for (const d of a) first.add(d);
    first.reserveFor(80);
    const second = new CorpusCounter(params.vectorizer);
    for (const d of b) second.add(d);
    first.absorb(second.state());
    // the bigrams first met in the absorbed part are known again when met once more
    for (const d of [...c, ...b.slice(0, 3)]) first.add(d);
    one.add(b[0]!);
    one.add(b[1]!);
    one.add(b[2]!);
    const x = one.finish();
    const y = first.finish();
    assert.equal(y.nTerms, x.nTerms);
    const byName = (counts: CorpusCounts) =>
      new Map(Array.from({ length: counts.nTerms }, (_, t) => [counts.nameOf(t), counts.df[t]]));
    assert.deepEqual(byName(y), byName(x));
    assert.deepEqual(entriesOf(y), entriesOf(x));
  });
});

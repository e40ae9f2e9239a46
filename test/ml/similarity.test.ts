import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createRng } from '../../src/ml/random.ts';
import { SimilarityIndex } from '../../src/ml/similarity.ts';
import { CsrBuilder, type CsrMatrix } from '../../src/ml/sparse.ts';
import { CODE_TOKENIZER, tokenizeDoc, tokenizerOptions } from '../../src/ml/tokenizer-spec.ts';
import { DEFAULT_VECTORIZER, TfidfVectorizer } from '../../src/ml/vectorizer.ts';
import { loadReports } from '../../src/sources/load-reports.ts';
import { sharedFile, skipUnlessShared } from '../support/shared-data.ts';

/** Rows with Zipf-like term frequencies: a few terms in most rows, most terms in few (as in text). */
function zipfRows(nRows: number, nCols: number, seed: number): CsrMatrix {
  const rng = createRng(seed);
  const b = new CsrBuilder(nCols);
  for (let r = 0; r < nRows; r++) {
    const cols = new Map<number, number>();
    const len = 1 + Math.floor(rng() * 40);
    for (let t = 0; t < len; t++) {
      const c = Math.min(nCols - 1, Math.floor(nCols ** rng()) - 1);
      // a few repeated exact weights, so ties between items happen
      cols.set(c, (cols.get(c) ?? 0) + (rng() < 0.3 ? 1 : rng() * 3));
    }
    b.addRow([...cols.keys()], [...cols.values()]);
  }
  return b.build();
}

const row = (X: CsrMatrix, r: number): CsrMatrix => ({
  nRows: 1,
  nCols: X.nCols,
  indptr: Int32Array.of(0, X.indptr[r + 1]! - X.indptr[r]!),
  indices: X.indices.slice(X.indptr[r]!, X.indptr[r + 1]!),
  data: X.data.slice(X.indptr[r]!, X.indptr[r + 1]!),
});

function assertSameAsWalk(index: SimilarityIndex, Q: CsrMatrix, k: number, minScore: number): void {
  const pruned = index.query(Q, 0, k, minScore);
  const all = index.queryAll(Q, 0, k, minScore);
  assert.deepEqual(
    pruned.map((h) => h.item),
    all.map((h) => h.item),
  );
  for (let i = 0; i < all.length; i++) assert.ok(Math.abs(pruned[i]!.score - all[i]!.score) < 1e-9);
}

describe('the similarity index', () => {
  it('finds the same neighbours, in the same order, as a walk of every posting', () => {
    const X = zipfRows(3000, 2000, 11);
    const index = new SimilarityIndex();
    index.add(X);
    const rng = createRng(5);
    for (let q = 0; q < 150; q++) {
      const Q = row(X, Math.floor(rng() * X.nRows));
      for (const [k, minScore] of [
        [1, 0],
        [6, 0.05],
        [48, 0.05],
        [500, 0],
      ] as const)
        assertSameAsWalk(index, Q, k, minScore);
    }
  });

  it('ranks an item against itself first with a cosine of 1, and nothing for an unknown term', () => {
    const X = zipfRows(500, 300, 3);
    const index = new SimilarityIndex();
    index.add(X);
    const hits = index.query(row(X, 42), 0, 3);
    assert.ok(hits.some((h) => h.item === 42 && Math.abs(h.score - 1) < 1e-6));
    assert.ok(hits[0]!.score >= hits.at(-1)!.score);
    const unknown: CsrMatrix = {
      nRows: 1,
      nCols: 1000,
      indptr: Int32Array.of(0, 1),
      indices: Int32Array.of(999),
      data: Float32Array.of(1),
    };
    assert.deepEqual(index.query(unknown, 0, 5), []);
  });

  it('under a budget, returns exact cosines of the items it finds, and every neighbour when the budget is ample', () => {
    const X = zipfRows(3000, 2000, 17);
    const index = new SimilarityIndex();
    index.add(X);
    const rng = createRng(9);
    let found = 0;
    let asked = 0;
    for (let q = 0; q < 100; q++) {
      const Q = row(X, Math.floor(rng() * X.nRows));
      const exact = new Map(index.queryAll(Q, 0, X.nRows, 0).map((h) => [h.item, h.score]));
      const tight = index.query(Q, 0, 6, 0.05, { postings: 3000, candidates: 20 });
      assert.ok(tight.length <= 6);
      for (const h of tight) assert.ok(Math.abs(h.score - exact.get(h.item)!) < 1e-9, `item ${h.item}`);
      for (let i = 1; i < tight.length; i++) assert.ok(tight[i - 1]!.score >= tight[i]!.score);
      const truth = index.queryAll(Q, 0, 6, 0.05).map((h) => h.item);
      found += truth.filter((item) => tight.some((h) => h.item === item)).length;
      asked += truth.length;
      const ample = index.query(Q, 0, 6, 0.05, { postings: Number.POSITIVE_INFINITY, candidates: X.nRows });
      assert.deepEqual(
        ample.map((h) => h.item),
        truth,
      );
    }
    // a budget that walks a fraction of the postings still finds most neighbours, not all
    assert.ok(found / asked > 0.5 && found / asked < 1, `recall ${found / asked}`);
  });

  it('agrees with the walk on real reports vectorised as the served model does', {
    skip: skipUnlessShared('jira/apache/HDFS.jsonl'),
  }, async () => {
    const { reports } = await loadReports(sharedFile('jira/apache/HDFS.jsonl'));
    const opts = tokenizerOptions(CODE_TOKENIZER);
    const docs = reports.map((r) =>
      tokenizeDoc({ text: { summary: r.summary, description: r.description }, meta: {} }, opts),
    );
    const vec = new TfidfVectorizer({ ...DEFAULT_VECTORIZER, metaFields: [] }).fit(docs);
    const index = new SimilarityIndex();
    index.add(vec.transform(docs, false));
    for (let q = 0; q < docs.length; q += Math.floor(docs.length / 60))
      assertSameAsWalk(index, vec.transform([docs[q]!], false), 48, 0.05);
  });
});

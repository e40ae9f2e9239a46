import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createRng } from '../../src/ml/random.ts';
import { SimilarityIndex } from '../../src/ml/similarity.ts';
import { CsrBuilder, type CsrMatrix } from '../../src/ml/sparse.ts';
import { CODE_TOKENIZER, tokenizeDoc, tokenizerOptions } from '../../src/ml/tokenizer-spec.ts';
import { DEFAULT_VECTORIZER, TfidfVectorizer } from '../../src/ml/vectorizer.ts';
import { loadReports } from '../../src/sources/load-reports.ts';
import { budgetFor } from '../../src/triage/similar-memory.ts';
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

/** Cosine of row r of X with row 0 of Q, from the definition (no index). */
function cosine(X: CsrMatrix, r: number, Q: CsrMatrix): number {
  const q = new Map<number, number>();
  let qn = 0;
  for (let j = 0; j < Q.indptr[1]!; j++) {
    q.set(Q.indices[j]!, Q.data[j]!);
    qn += Q.data[j]! ** 2;
  }
  let dot = 0;
  let xn = 0;
  for (let j = X.indptr[r]!; j < X.indptr[r + 1]!; j++) {
    dot += (q.get(X.indices[j]!) ?? 0) * X.data[j]!;
    xn += X.data[j]! ** 2;
  }
  return dot / (Math.sqrt(qn) * Math.sqrt(xn) || 1);
}

/** The exact search's neighbours against a scan of every row by the definition. */
function assertSameAsScan(
  index: SimilarityIndex,
  X: CsrMatrix,
  Q: CsrMatrix,
  k: number,
  minScore: number,
  groups?: number[],
  group?: number,
): void {
  const found = index.query(Q, 0, k, { minScore, group });
  const scan = Array.from({ length: X.nRows }, (_, r) => ({ item: r, score: cosine(X, r, Q) }))
    .filter((h) => h.score > minScore + 1e-6 && (group === undefined || groups![h.item] === group))
    .sort((a, b) => b.score - a.score);
  // float32 postings: the scores agree to about 1e-6, so only items clear of a near tie are compared
  for (let i = 0; i < found.length; i++) assert.ok(Math.abs(found[i]!.score - scan[i]!.score) < 1e-5);
  for (const h of scan.slice(0, k))
    if (found.length === k && h.score > found.at(-1)!.score + 1e-5)
      assert.ok(
        found.some((f) => f.item === h.item),
        `item ${h.item}`,
      );
  if (group !== undefined) for (const f of found) assert.equal(groups![f.item], group);
}

describe('the similarity index', () => {
  it('finds the neighbours a scan of every item by the definition of cosine finds, within a group too', () => {
    const X = zipfRows(3000, 2000, 11);
    const groups = Array.from({ length: X.nRows }, (_, r) => r % 3);
    const index = new SimilarityIndex();
    index.add(X, groups);
    const rng = createRng(5);
    for (let q = 0; q < 60; q++) {
      const Q = row(X, Math.floor(rng() * X.nRows));
      for (const [k, minScore] of [
        [1, 0],
        [6, 0.05],
        [48, 0.05],
      ] as const) {
        assertSameAsScan(index, X, Q, k, minScore);
        assertSameAsScan(index, X, Q, k, minScore, groups, q % 3);
      }
    }
  });

  it('ranks an item against itself first with a cosine of 1, and nothing for an unknown term', () => {
    const X = zipfRows(500, 300, 3);
    const index = new SimilarityIndex();
    index.add(X);
    const hits = index.query(row(X, 42), 0, 3);
    assert.equal(index.size, 500);
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
      const tight = index.query(Q, 0, 6, { minScore: 0.05, budget: { postings: 3000, candidates: 20 } });
      assert.ok(tight.length <= 6);
      for (const h of tight) assert.ok(Math.abs(h.score - exact.get(h.item)!) < 1e-9, `item ${h.item}`);
      for (let i = 1; i < tight.length; i++) assert.ok(tight[i - 1]!.score >= tight[i]!.score);
      const truth = index.queryAll(Q, 0, 6, 0.05).map((h) => h.item);
      found += truth.filter((item) => tight.some((h) => h.item === item)).length;
      asked += truth.length;
      const ample = index.query(Q, 0, 6, {
        minScore: 0.05,
        budget: { postings: Number.POSITIVE_INFINITY, candidates: X.nRows },
      });
      assert.deepEqual(
        ample.map((h) => h.item),
        truth,
      );
    }
    // one group's search under a budget answers from that group alone, with exact scores
    const groups = Array.from({ length: X.nRows }, (_, r) => (r * 7) % 4);
    const grouped = new SimilarityIndex();
    grouped.add(X, groups);
    for (let q = 0; q < 20; q++) {
      const Q = row(X, q * 13);
      const hits = grouped.query(Q, 0, 6, { budget: { postings: 3000, candidates: 20 }, group: 2 });
      assert.ok(hits.length > 0);
      for (const h of hits) assert.equal(groups[h.item], 2);
      const exactInGroup = new Map(grouped.queryAll(Q, 0, X.nRows, 0, 2).map((h) => [h.item, h.score]));
      for (const h of hits) assert.equal(h.score, exactInGroup.get(h.item));
    }
    // a budget that walks a fraction of the postings still finds most neighbours, not all
    assert.ok(found / asked > 0.5 && found / asked < 1, `recall ${found / asked}`);
  });

  it('agrees with the definition on real reports vectorised as the served model does', {
    skip: skipUnlessShared('jira/apache/HDFS.jsonl'),
  }, async () => {
    const { reports } = await loadReports(sharedFile('jira/apache/HDFS.jsonl'));
    const opts = tokenizerOptions(CODE_TOKENIZER);
    const docs = reports.map((r) =>
      tokenizeDoc({ text: { summary: r.summary, description: r.description }, meta: {} }, opts),
    );
    const vec = new TfidfVectorizer({ ...DEFAULT_VECTORIZER, metaFields: [] }).fit(docs);
    const X = vec.transform(docs, false);
    const index = new SimilarityIndex();
    index.add(X);
    for (let q = 0; q < docs.length; q += Math.floor(docs.length / 20)) {
      const Q = vec.transform([docs[q]!], false);
      assertSameAsScan(index, X, Q, 48, 0.05);
      // the served budget at this size walks every posting it needs: the same neighbours, to the bit
      const served = index.query(Q, 0, 48, { minScore: 0.05, budget: budgetFor(index.size) });
      assert.deepEqual(served, index.queryAll(Q, 0, 48, 0.05));
    }
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BINS, binMax, binOf, PostingStore, SPLIT_AT } from '../../src/ml/postings.ts';
import { createRng } from '../../src/ml/random.ts';

describe('a term’s postings by impact', () => {
  it('puts a weight in the half-octave bin whose ceiling holds it', () => {
    assert.equal(binOf(1), 0);
    assert.equal(binOf(0.8), 0);
    assert.equal(binOf(0.7), 1);
    assert.equal(binOf(0.5), 2);
    assert.equal(binOf(1e-9), BINS - 1);
    assert.equal(binOf(0), BINS - 1);
    const rng = createRng(3);
    for (let i = 0; i < 1000; i++) {
      const v = rng() ** 4;
      const b = binOf(v);
      assert.ok(v <= binMax(b) * (1 + 1e-12), `${v} in bin ${b}`);
      if (b < BINS - 1) assert.ok(v > binMax(b + 1), `${v} above bin ${b + 1}`);
    }
  });

  it('keeps every posting once, each list ascending, and bounds each list by its heaviest posting', () => {
    // many terms filled side by side, as reports arrive: chunks of different lists interleave
    const store = new PostingStore();
    const sizes = [1, 2, 3, SPLIT_AT, SPLIT_AT + 1, 300, 5000, 20_000];
    const want = sizes.map(() => new Map<number, number>());
    const rng = createRng(7);
    for (let row = 0; row < 20_000; row++)
      sizes.forEach((n, term) => {
        if (row >= n) return;
        const v = rng() ** 3;
        store.push(term * 3, row, v);
        want[term]!.set(row, Math.fround(v));
      });
    sizes.forEach((n, i) => {
      const term = i * 3;
      const seen = new Map<number, number>();
      let lists = 0;
      store.forEachList(term, (list, max) => {
        lists++;
        let last = -1;
        let count = 0;
        store.forEachPosting(list, (row, value) => {
          assert.ok(row > last, 'ascending');
          last = row;
          assert.ok(value <= max, `${value} over the bound ${max}`);
          assert.ok(!seen.has(row));
          seen.set(row, value);
          count++;
        });
        assert.equal(store.listLength(list), count);
      });
      assert.deepEqual(seen, want[i]);
      assert.equal(store.length(term), n);
      assert.equal(store.max(term), Math.max(...want[i]!.values()));
      // a short list is one unit; a long one is split by weight
      if (n <= SPLIT_AT) assert.equal(lists, 1);
      else assert.ok(lists > 1);
      assert.equal(store.has(term + 1), false);
    });
  });

  it('adds q × weight of a list to its items and notes each item once', () => {
    const store = new PostingStore();
    for (let row = 0; row < 10; row++) store.push(5, row * 2, 0.5);
    let list = -1;
    store.forEachList(5, (id) => {
      list = id;
    });
    const scores = new Float64Array(20);
    const touched = new Int32Array(20);
    scores[4] = 1;
    const n = store.accumulate(list, 2, scores, touched, 0);
    // item 4 already had a score: not touched again
    assert.equal(n, 9);
    assert.deepEqual([...touched.subarray(0, n)], [0, 2, 6, 8, 10, 12, 14, 16, 18]);
    assert.equal(scores[4], 2);
    assert.equal(scores[6], 1);
    assert.equal(scores[1], 0);
  });

  it('notes a negative weight, for which the bounds do not hold', () => {
    const store = new PostingStore();
    store.push(0, 0, 0.5);
    assert.equal(store.negative(0), false);
    store.push(0, 1, -0.25);
    assert.equal(store.negative(0), true);
    assert.equal(store.max(0), 0.5);
  });
});

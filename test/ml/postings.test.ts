import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BINS, binMax, binOf, SPLIT_AT, TermPostings } from '../../src/ml/postings.ts';
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
    for (const n of [3, SPLIT_AT, SPLIT_AT + 1, 5000]) {
      const rng = createRng(n);
      const p = new TermPostings();
      const want = new Map<number, number>();
      for (let row = 0; row < n; row++) {
        const v = rng() ** 3;
        p.push(row * 2, v);
        want.set(row * 2, Math.fround(v));
      }
      const seen = new Map<number, number>();
      let lists = 0;
      p.forEachList((list, max) => {
        lists++;
        for (let t = 0; t < list.length; t++) {
          if (t > 0) assert.ok(list.rows[t - 1]! < list.rows[t]!);
          assert.ok(list.values[t]! <= max, `${list.values[t]} over the bound ${max}`);
          assert.ok(!seen.has(list.rows[t]!));
          seen.set(list.rows[t]!, list.values[t]!);
        }
      });
      assert.deepEqual(seen, want);
      assert.equal(p.length, n);
      // a short list is one unit; a long one is split by weight
      if (n <= SPLIT_AT) assert.equal(lists, 1);
      else assert.ok(lists > 1);
    }
  });

  it('notes a negative weight, for which the bounds do not hold', () => {
    const p = new TermPostings();
    p.push(0, 0.5);
    assert.equal(p.negative, false);
    p.push(1, -0.25);
    assert.equal(p.negative, true);
    assert.equal(p.max, 0.5);
  });
});

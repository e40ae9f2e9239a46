import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ForwardStore } from '../../src/ml/forward-store.ts';
import { CsrBuilder } from '../../src/ml/sparse.ts';

describe('the forward store', () => {
  it('scores each item from its own terms, whatever order its row came in', () => {
    const b = new CsrBuilder(10);
    b.addRow([7, 2, 5], [1, 2, 4]);
    b.addRow([], []);
    b.addRow([3, 9], [0.5, 0.25]);
    const X = b.build();
    const store = new ForwardStore();
    for (let r = 0; r < X.nRows; r++) store.append(r, X, r, 2);
    const weights = new Float64Array(10);
    weights[2] = 1;
    weights[7] = 10;
    weights[9] = 4;
    assert.equal(store.dot(0, weights), (2 * 1 + 1 * 10) / 2);
    assert.equal(store.dot(1, weights), 0);
    assert.equal(store.dot(2, weights), (0.25 * 4) / 2);
    assert.equal(store.meanLength(3), 5 / 3);
    // the same sums when only the features a bit set names are read
    const present = new Int32Array(1);
    for (const f of [2, 7, 9]) present[0]! |= 1 << f;
    for (let r = 0; r < 3; r++) assert.equal(store.dot(r, weights, present), store.dot(r, weights));
    // a feature whose bit is not set is not read, whatever its weight
    present[0] = 1 << 2;
    assert.equal(store.dot(0, weights, present), (2 * 1) / 2);
  });

  it('keeps items apart across its blocks', () => {
    const store = new ForwardStore();
    const wide = 300_000;
    const b = new CsrBuilder(wide);
    const cols = Array.from({ length: wide }, (_, i) => wide - 1 - i);
    for (let r = 0; r < 5; r++)
      b.addRow(
        cols,
        cols.map(() => r + 1),
      );
    const X = b.build();
    for (let r = 0; r < X.nRows; r++) store.append(r, X, r, 1);
    const weights = new Float64Array(wide).fill(1);
    for (let r = 0; r < 5; r++) assert.equal(store.dot(r, weights), wide * (r + 1));
  });
});

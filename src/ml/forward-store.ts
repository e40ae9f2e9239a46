import type { CsrMatrix } from './sparse.ts';

/** more than the terms of any row (features are below 2³¹, so feature × this stays exact) */
const POSITIONS = 2 ** 21;

/** entries per block of the forward store: a block is never copied to grow */
const BLOCK_BITS = 20;
const BLOCK = 1 << BLOCK_BITS;

/**
 * Each item's own terms (ascending) and weights, in blocks that never move: what scores an item
 * exactly against a query without looking it up in every posting list.
 */
export class ForwardStore {
  private readonly blocks: { features: Int32Array; values: Float32Array }[] = [];
  private used = BLOCK;
  /** where item i's entries start (block × BLOCK + offset) and how many */
  private starts = new Int32Array(1024);
  private lengths = new Int32Array(1024);

  private keys = new Float64Array(64);
  /** entries stored, over every item */
  private total = 0;

  /** Row r of X, divided by `scale`, as item `item`'s entries in ascending order of feature. */
  append(item: number, X: CsrMatrix, r: number, scale: number): void {
    const start = X.indptr[r]!;
    const n = X.indptr[r + 1]! - start;
    if (this.keys.length < n) this.keys = new Float64Array(n * 2);
    // feature and position in one exact double, sorted natively (a comparator per row costs more)
    const keys = this.keys.subarray(0, n);
    for (let t = 0; t < n; t++) keys[t] = X.indices[start + t]! * POSITIONS + t;
    keys.sort();
    if (this.used + n > BLOCK) {
      this.blocks.push({ features: new Int32Array(BLOCK), values: new Float32Array(BLOCK) });
      this.used = 0;
    }
    if (item >= this.starts.length) {
      const starts = new Int32Array(this.starts.length * 2);
      starts.set(this.starts);
      this.starts = starts;
      const lengths = new Int32Array(this.lengths.length * 2);
      lengths.set(this.lengths);
      this.lengths = lengths;
    }
    const b = this.blocks.length - 1;
    const block = this.blocks[b]!;
    for (let t = 0; t < n; t++) {
      const at = keys[t]! % POSITIONS;
      block.features[this.used + t] = X.indices[start + at]!;
      block.values[this.used + t] = X.data[start + at]! / scale;
    }
    this.starts[item] = b * BLOCK + this.used;
    this.lengths[item] = n;
    this.used += n;
    this.total += n;
  }

  /** the mean number of terms of the `n` items stored */
  meanLength(n: number): number {
    return n === 0 ? 0 : this.total / n;
  }

  /**
   * Σ weights[f] × item's weight of f, over the item's terms in ascending order of f; with
   * `present` (a bit per feature, set where weights[f] is not 0) the weights are read only where
   * they count: a bit set of the vocabulary stays in cache where its weights do not.
   */
  dot(item: number, weights: Float64Array, present?: Int32Array): number {
    const at = this.starts[item]!;
    const block = this.blocks[at >>> BLOCK_BITS]!;
    const from = at & (BLOCK - 1);
    const to = from + this.lengths[item]!;
    const features = block.features;
    const values = block.values;
    let s = 0;
    if (present) {
      for (let t = from; t < to; t++) {
        const f = features[t]!;
        if ((present[f >>> 5]! & (1 << (f & 31))) !== 0) s += weights[f]! * values[t]!;
      }
      return s;
    }
    for (let t = from; t < to; t++) {
      const w = weights[features[t]!]!;
      if (w !== 0) s += w * values[t]!;
    }
    return s;
  }
}

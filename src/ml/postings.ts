/** One term's postings: what the similarity index walks, and looks items up in. */

/** One term's items (ascending, as they were added) and their weights in unit-length vectors. */
export class Postings {
  rows = new Int32Array(4);
  values = new Float32Array(4);
  length = 0;
  /** the largest weight: with the query's weight, the most this term can add to any score */
  max = 0;
  /** a weight below zero (the bounds then do not hold) */
  negative = false;

  push(row: number, value: number): void {
    if (this.length === this.rows.length) {
      const size = Math.ceil(this.length * 1.5) + 4;
      const rows = new Int32Array(size);
      rows.set(this.rows);
      const values = new Float32Array(size);
      values.set(this.values);
      this.rows = rows;
      this.values = values;
    }
    this.rows[this.length] = row;
    // stored as it will be read, so the bound and the sum see the same number
    this.values[this.length] = value;
    const v = this.values[this.length]!;
    if (v > this.max) this.max = v;
    if (v < 0) this.negative = true;
    this.length++;
  }
}

/**
 * Add `q` × each item's weight in `p` to its score, for the items of `items` (ascending): each is
 * found by galloping from the last one found, so a short list of items costs a few steps per item
 * in a long posting list, and a long one about a walk of it.
 */
export function addByLookup(scores: Float64Array, items: Int32Array, p: Postings, q: number): void {
  const rows = p.rows;
  const len = p.length;
  // many items against the list: a walk of it, adding to the ones still scored (the dropped and
  // the unseen are at 0), costs less than looking each one up
  if (items.length * 8 > len) {
    const values = p.values;
    for (let t = 0; t < len; t++) {
      const item = rows[t]!;
      if (scores[item] !== 0) scores[item]! += q * values[t]!;
    }
    return;
  }
  let pos = 0;
  for (let c = 0; c < items.length && pos < len; c++) {
    const item = items[c]!;
    if (rows[pos]! < item) {
      // rows[lo] < item; find the first row at or after item
      let lo = pos;
      let step = 1;
      let hi = pos + 1;
      while (hi < len && rows[hi]! < item) {
        lo = hi;
        step *= 2;
        hi = lo + step;
      }
      if (hi > len) hi = len;
      while (hi - lo > 1) {
        const mid = (lo + hi) >>> 1;
        if (rows[mid]! < item) lo = mid;
        else hi = mid;
      }
      pos = hi;
    }
    if (pos < len && rows[pos] === item) {
      scores[item]! += q * p.values[pos]!;
      pos++;
    }
  }
}

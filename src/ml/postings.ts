/**
 * One term's postings, grouped by impact: what a search walks best first under a budget, and
 * what an exact search walks whole.
 */

/** bins of half an octave of weight: bin b holds weights in (2^-(b+1)/2, 2^-b/2] (the last, less) */
export const BINS = 24;
const BIN_MAX = Float64Array.from({ length: BINS }, (_, b) => 2 ** (-b / 2));

/**
 * A list this long or shorter is one unit, walked whole: splitting it costs more (a bin is two
 * arrays and an object) than walking it saves, and most terms of a vocabulary are this rare.
 */
export const SPLIT_AT = 64;

/** The largest weight bin `b` can hold. */
export function binMax(b: number): number {
  return BIN_MAX[b]!;
}

/** The bin of a weight of magnitude |v| ≤ 1 (a larger one goes to the first bin). */
export function binOf(v: number): number {
  const a = Math.abs(v);
  if (a >= 1) return 0;
  if (a === 0) return BINS - 1;
  return Math.min(BINS - 1, Math.floor(-Math.log2(a) * 2));
}

/** Items (ascending, as they were added) and their weights. */
export class PostingList {
  rows: Int32Array;
  values: Float32Array;
  length = 0;

  constructor(capacity = 4) {
    this.rows = new Int32Array(capacity);
    this.values = new Float32Array(capacity);
  }

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
    this.values[this.length] = value;
    this.length++;
  }
}

/**
 * A term's postings: one list while the term is rare, then one list per bin of weight, so that a
 * search can walk a common term's few heavy postings without its many light ones.
 */
export class TermPostings {
  /** while short: every posting; null once split into bins */
  private whole: PostingList | null = new PostingList();
  private bins: (PostingList | undefined)[] | null = null;
  length = 0;
  /** the largest weight: with the query's weight, the most this term can add to any score */
  max = 0;
  /** a weight below zero (the bounds then do not hold) */
  negative = false;

  push(row: number, value: number): void {
    // stored as it will be read, so the bound and the sum see the same number
    const v = Math.fround(value);
    if (v > this.max) this.max = v;
    if (v < 0) this.negative = true;
    this.length++;
    if (this.whole) {
      this.whole.push(row, v);
      if (this.whole.length > SPLIT_AT) this.split();
      return;
    }
    this.binFor(binOf(v)).push(row, v);
  }

  private binFor(b: number): PostingList {
    const bins = this.bins!;
    let list = bins[b];
    if (!list) {
      list = new PostingList();
      bins[b] = list;
    }
    return list;
  }

  private split(): void {
    const whole = this.whole!;
    this.whole = null;
    this.bins = [];
    for (let t = 0; t < whole.length; t++)
      this.binFor(binOf(whole.values[t]!)).push(whole.rows[t]!, whole.values[t]!);
  }

  /**
   * Each list of the term with the most a posting of it weighs (every posting once, over all of
   * them; each list's items ascending).
   */
  forEachList(f: (list: PostingList, max: number) => void): void {
    if (this.whole) {
      f(this.whole, this.max);
      return;
    }
    const bins = this.bins!;
    for (let b = 0; b < bins.length; b++) {
      const list = bins[b];
      if (list) f(list, Math.min(this.max, BIN_MAX[b]!));
    }
  }
}

/**
 * Every term's postings, grouped by impact, in a few large arrays: what a search walks heaviest
 * first under a budget, and what an exact search walks whole. A million reports make tens of
 * millions of postings in about a million lists; as objects (a list and two typed arrays each)
 * they were millions of things for the collector to trace, and the server's pauses with them.
 */

/** bins of half an octave of weight: bin b holds weights in (2^-(b+1)/2, 2^-b/2] (the last, less) */
export const BINS = 24;
const BIN_MAX = Float64Array.from({ length: BINS }, (_, b) => 2 ** (-b / 2));

/**
 * A term with this many postings or fewer keeps them in one list, walked whole: most terms of a
 * vocabulary are this rare, and splitting them would cost more than walking them saves.
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

/** entries per block of the pool: a block is never copied to grow */
const BLOCK_BITS = 20;
const BLOCK = 1 << BLOCK_BITS;
/** a chunk's first two row slots: the next chunk's address (-1: none) and the chunk's capacity */
const HEADER = 2;
/** chunk capacities: 2, 4, ... doubling per chunk of a list, up to this */
const LARGEST_CLASS = 12;

function grownInt(a: Int32Array, need: number, fill = 0): Int32Array {
  if (need <= a.length) return a;
  const b = new Int32Array(Math.max(need, a.length * 2)).fill(fill);
  b.set(a);
  return b;
}

/**
 * Lists of (item, weight) in chunks of a pool of blocks: a list is a chain of chunks, each twice
 * the last (up to 8,192 entries), so a list of n postings wastes less than n slots and takes
 * about log n chunks; chunks freed when a term splits are kept by size for the next lists.
 */
class ChunkLists {
  private rowBlocks: Int32Array[] = [];
  private valueBlocks: Float32Array[] = [];
  private used = BLOCK;
  private head: Int32Array = new Int32Array(1024);
  private tail: Int32Array = new Int32Array(1024);
  private tailUsed: Int32Array = new Int32Array(1024);
  private tailClass: Int32Array = new Int32Array(1024);
  private lengths: Int32Array = new Int32Array(1024);
  private nLists = 0;
  /** freed chunks by size class, linked through their header */
  private readonly free = new Int32Array(LARGEST_CLASS + 1).fill(-1);

  /** A new empty list's id. */
  create(): number {
    const id = this.nLists++;
    this.head = grownInt(this.head, this.nLists);
    this.tail = grownInt(this.tail, this.nLists);
    this.tailUsed = grownInt(this.tailUsed, this.nLists);
    this.tailClass = grownInt(this.tailClass, this.nLists);
    this.lengths = grownInt(this.lengths, this.nLists);
    this.head[id] = -1;
    this.tail[id] = -1;
    this.tailUsed[id] = 0;
    this.tailClass[id] = 0;
    this.lengths[id] = 0;
    return id;
  }

  length(id: number): number {
    return this.lengths[id]!;
  }

  private chunk(sizeClass: number): number {
    const freed = this.free[sizeClass]!;
    const rows = this.rowBlocks;
    if (freed >= 0) {
      this.free[sizeClass] = rows[freed >>> BLOCK_BITS]![freed & (BLOCK - 1)]!;
    }
    const size = HEADER + (2 << sizeClass);
    let at = freed;
    if (at < 0) {
      if (this.used + size > BLOCK) {
        this.rowBlocks.push(new Int32Array(BLOCK));
        this.valueBlocks.push(new Float32Array(BLOCK));
        this.used = 0;
      }
      at = (this.rowBlocks.length - 1) * BLOCK + this.used;
      this.used += size;
    }
    const block = this.rowBlocks[at >>> BLOCK_BITS]!;
    block[at & (BLOCK - 1)] = -1;
    block[(at & (BLOCK - 1)) + 1] = sizeClass;
    return at;
  }

  push(id: number, row: number, value: number): void {
    let tail = this.tail[id]!;
    if (tail < 0 || this.tailUsed[id]! === 2 << this.tailClass[id]!) {
      const sizeClass = tail < 0 ? 0 : Math.min(LARGEST_CLASS, this.tailClass[id]! + 1);
      const at = this.chunk(sizeClass);
      if (tail < 0) this.head[id] = at;
      else this.rowBlocks[tail >>> BLOCK_BITS]![tail & (BLOCK - 1)] = at;
      tail = at;
      this.tail[id] = at;
      this.tailUsed[id] = 0;
      this.tailClass[id] = sizeClass;
    }
    const slot = (tail & (BLOCK - 1)) + HEADER + this.tailUsed[id]!;
    this.rowBlocks[tail >>> BLOCK_BITS]![slot] = row;
    this.valueBlocks[tail >>> BLOCK_BITS]![slot] = value;
    this.tailUsed[id]!++;
    this.lengths[id]!++;
  }

  /** Every (item, weight) of list `id` in the order pushed. */
  forEach(id: number, f: (row: number, value: number) => void): void {
    for (let at = this.head[id]!; at >= 0; ) {
      const rows = this.rowBlocks[at >>> BLOCK_BITS]!;
      const values = this.valueBlocks[at >>> BLOCK_BITS]!;
      const off = at & (BLOCK - 1);
      const n = at === this.tail[id] ? this.tailUsed[id]! : 2 << rows[off + 1]!;
      for (let t = off + HEADER; t < off + HEADER + n; t++) f(rows[t]!, values[t]!);
      at = rows[off]!;
    }
  }

  /**
   * Add q × each posting's weight of list `id` to its item's score; an item first touched is
   * appended to `touched`, which must have room for one more than the items there are. Returns
   * the new count of touched items.
   */
  accumulate(id: number, q: number, scores: Float64Array, touched: Int32Array, nTouched: number): number {
    let n = nTouched;
    for (let at = this.head[id]!; at >= 0; ) {
      const rows = this.rowBlocks[at >>> BLOCK_BITS]!;
      const values = this.valueBlocks[at >>> BLOCK_BITS]!;
      const off = at & (BLOCK - 1);
      const end = off + HEADER + (at === this.tail[id] ? this.tailUsed[id]! : 2 << rows[off + 1]!);
      // without a branch on the first touch: written always, counted only then (a million
      // reports: 3-8% off a search alone, a quarter to a half with the other core busy; RESULTS)
      for (let t = off + HEADER; t < end; t++) {
        const item = rows[t]!;
        const s = scores[item]!;
        touched[n] = item;
        n += s === 0 ? 1 : 0;
        scores[item] = s + q * values[t]!;
      }
      at = rows[off]!;
    }
    return n;
  }

  /** Empty list `id`, its chunks kept for other lists. */
  release(id: number): void {
    for (let at = this.head[id]!; at >= 0; ) {
      const rows = this.rowBlocks[at >>> BLOCK_BITS]!;
      const off = at & (BLOCK - 1);
      const next = rows[off]!;
      const sizeClass = rows[off + 1]!;
      rows[off] = this.free[sizeClass]!;
      this.free[sizeClass] = at;
      at = next;
    }
    this.head[id] = -1;
    this.tail[id] = -1;
    this.tailUsed[id] = 0;
    this.lengths[id] = 0;
  }
}

/**
 * Every term's postings: one list while the term is rare, then one list per bin of weight, so a
 * search can walk a common term's few heavy postings without its many light ones.
 */
export class PostingStore {
  private readonly lists = new ChunkLists();
  /** per term: its one list, or -1 once split into bins (or never seen: see `has`) */
  private whole: Int32Array = new Int32Array(1024).fill(-1);
  /** per term: where its BINS list ids start in `binLists`, or -1 while whole */
  private binsAt: Int32Array = new Int32Array(1024).fill(-1);
  private binLists: Int32Array = new Int32Array(1024).fill(-1);
  private nBinLists = 0;
  private maxes: Float32Array = new Float32Array(1024);
  private negatives: Uint8Array = new Uint8Array(1024);
  private lengths: Int32Array = new Int32Array(1024);

  /** the number of term slots (one past the largest term seen) */
  get terms(): number {
    return this.lengths.length;
  }

  private room(term: number): void {
    if (term < this.lengths.length) return;
    const size = Math.max(term + 1, this.lengths.length * 2);
    this.whole = grownInt(this.whole, size, -1);
    this.binsAt = grownInt(this.binsAt, size, -1);
    this.lengths = grownInt(this.lengths, size);
    const maxes = new Float32Array(size);
    maxes.set(this.maxes);
    this.maxes = maxes;
    const negatives = new Uint8Array(size);
    negatives.set(this.negatives);
    this.negatives = negatives;
  }

  has(term: number): boolean {
    return term < this.lengths.length && this.lengths[term]! > 0;
  }

  /** the largest weight: with the query's weight, the most this term can add to any score */
  max(term: number): number {
    return this.maxes[term]!;
  }

  /** a weight below zero (the bounds then do not hold) */
  negative(term: number): boolean {
    return this.negatives[term] === 1;
  }

  length(term: number): number {
    return term < this.lengths.length ? this.lengths[term]! : 0;
  }

  push(term: number, row: number, value: number): void {
    this.room(term);
    // stored as it will be read, so the bound and the sum see the same number
    const v = Math.fround(value);
    if (v > this.maxes[term]!) this.maxes[term] = v;
    if (v < 0) this.negatives[term] = 1;
    this.lengths[term]!++;
    if (this.binsAt[term]! < 0) {
      if (this.whole[term]! < 0) this.whole[term] = this.lists.create();
      this.lists.push(this.whole[term]!, row, v);
      if (this.lengths[term]! > SPLIT_AT) this.split(term);
      return;
    }
    this.lists.push(this.binList(term, binOf(v)), row, v);
  }

  private binList(term: number, b: number): number {
    const slot = this.binsAt[term]! + b;
    let id = this.binLists[slot]!;
    if (id < 0) {
      id = this.lists.create();
      this.binLists[slot] = id;
    }
    return id;
  }

  private split(term: number): void {
    const whole = this.whole[term]!;
    this.binsAt[term] = this.nBinLists;
    this.nBinLists += BINS;
    this.binLists = grownInt(this.binLists, this.nBinLists, -1);
    this.whole[term] = -1;
    this.lists.forEach(whole, (row, v) => this.lists.push(this.binList(term, binOf(v)), row, v));
    this.lists.release(whole);
  }

  /**
   * Each list of the term (its id) with the most a posting of it weighs: every posting once over
   * all of them, each list's items ascending.
   */
  forEachList(term: number, f: (list: number, max: number) => void): void {
    if (this.binsAt[term]! < 0) {
      if (this.whole[term]! >= 0) f(this.whole[term]!, this.maxes[term]!);
      return;
    }
    const at = this.binsAt[term]!;
    for (let b = 0; b < BINS; b++) {
      const id = this.binLists[at + b]!;
      if (id >= 0) f(id, Math.min(this.maxes[term]!, BIN_MAX[b]!));
    }
  }

  listLength(list: number): number {
    return this.lists.length(list);
  }

  /** Each posting of `list` in the order added (for tests and tools; a search uses `accumulate`). */
  forEachPosting(list: number, f: (row: number, value: number) => void): void {
    this.lists.forEach(list, f);
  }

  /** Add q × weight of each posting of `list` to its item's score (see `ChunkLists.accumulate`). */
  accumulate(list: number, q: number, scores: Float64Array, touched: Int32Array, nTouched: number): number {
    return this.lists.accumulate(list, q, scores, touched, nTouched);
  }
}

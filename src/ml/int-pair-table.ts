/**
 * An open-addressing hash table from a pair of non-negative 32-bit integers to a value, on typed
 * arrays. The vectorizer counts n-grams as pairs of token ids with it: a JavaScript Map keyed by
 * strings would build and hash one string per n-gram, and keyed by numbers above 2^30 would box
 * every key; on a million reports either costs seconds and gigabytes.
 */
export class IntPairTable {
  private keysA: Int32Array;
  private keysB: Int32Array;
  private values: Int32Array;
  private mask: number;
  private count = 0;

  constructor(capacity = 1 << 16) {
    let cap = 16;
    while (cap < capacity * 2) cap *= 2;
    this.keysA = new Int32Array(cap).fill(-1);
    this.keysB = new Int32Array(cap);
    this.values = new Int32Array(cap);
    this.mask = cap - 1;
  }

  get size(): number {
    return this.count;
  }

  private slot(a: number, b: number): number {
    let h = Math.imul(a, 0x9e3779b1) ^ Math.imul(b + 0x7f4a7c15, 0x85ebca6b);
    h ^= h >>> 15;
    h = Math.imul(h, 0x2c1b3c6d);
    h ^= h >>> 13;
    let s = h & this.mask;
    const ka = this.keysA;
    const kb = this.keysB;
    while (ka[s] !== -1 && (ka[s] !== a || kb[s] !== b)) s = (s + 1) & this.mask;
    return s;
  }

  get(a: number, b: number): number {
    const s = this.slot(a, b);
    return this.keysA[s] === -1 ? -1 : this.values[s]!;
  }

  /** The value at (a, b); if absent, `make()` is stored there and returned. */
  getOrInsert(a: number, b: number, make: () => number): number {
    const s = this.slot(a, b);
    if (this.keysA[s] !== -1) return this.values[s]!;
    const v = make();
    this.keysA[s] = a;
    this.keysB[s] = b;
    this.values[s] = v;
    // at most half full, so probes stay short
    if (++this.count * 2 > this.keysA.length) this.rehash(this.keysA.length * 2, () => true);
    return v;
  }

  /** Drop every entry whose value fails `keep`. */
  retain(keep: (value: number) => boolean): void {
    let cap = 16;
    let live = 0;
    for (let s = 0; s < this.keysA.length; s++) if (this.keysA[s] !== -1 && keep(this.values[s]!)) live++;
    while (cap < live * 4) cap *= 2;
    this.rehash(Math.max(cap, 1 << 16), keep);
  }

  private rehash(cap: number, keep: (value: number) => boolean): void {
    const oa = this.keysA;
    const ob = this.keysB;
    const ov = this.values;
    this.keysA = new Int32Array(cap).fill(-1);
    this.keysB = new Int32Array(cap);
    this.values = new Int32Array(cap);
    this.mask = cap - 1;
    this.count = 0;
    for (let s = 0; s < oa.length; s++) {
      if (oa[s] === -1 || !keep(ov[s]!)) continue;
      const t = this.slot(oa[s]!, ob[s]!);
      this.keysA[t] = oa[s]!;
      this.keysB[t] = ob[s]!;
      this.values[t] = ov[s]!;
      this.count++;
    }
  }
}

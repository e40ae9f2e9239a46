// A tried alternative to the served similar-report search, kept to measure against it (bench/similar):
// each term's postings in impact bins (half-octaves of the normalised weight), walked from the best
// bound (query weight × the bin's largest) down until a budget of postings is spent. Not adopted:
// bench/RESULTS.md, "Similar reports".

import { bestTouched, type Neighbour } from '../../src/ml/similarity.ts';
import type { CsrMatrix } from '../../src/ml/sparse.ts';

const NB = 16;
const BIN_MAX = Float64Array.from({ length: NB }, (_, b) => 2 ** (-b / 2));
const binOf = (v: number) => Math.min(NB - 1, Math.floor(-Math.log2(v) * 2));

interface Bin {
  rows: number[];
  values: number[];
}

export class ImpactIndex {
  private readonly postings = new Map<number, (Bin | undefined)[]>();
  private n = 0;
  get size() {
    return this.n;
  }
  add(X: CsrMatrix): void {
    for (let r = 0; r < X.nRows; r++) {
      const start = X.indptr[r]!;
      const end = X.indptr[r + 1]!;
      let norm = 0;
      for (let j = start; j < end; j++) norm += X.data[j]! * X.data[j]!;
      norm = Math.sqrt(norm) || 1;
      for (let j = start; j < end; j++) {
        const f = X.indices[j]!;
        let p = this.postings.get(f);
        if (!p) {
          p = [];
          this.postings.set(f, p);
        }
        const v = X.data[j]! / norm;
        const b = binOf(v);
        let bin = p[b];
        if (!bin) {
          bin = { rows: [], values: [] };
          p[b] = bin;
        }
        bin.rows.push(this.n);
        bin.values.push(v);
      }
      this.n++;
    }
  }
  private scores = new Float64Array(0);
  private touched = new Int32Array(0);
  lastWalked = 0;
  query(Q: CsrMatrix, row: number, k: number, minScore: number, budget: number): Neighbour[] {
    const start = Q.indptr[row]!;
    const end = Q.indptr[row + 1]!;
    let norm = 0;
    for (let j = start; j < end; j++) norm += Q.data[j]! * Q.data[j]!;
    norm = Math.sqrt(norm) || 1;
    const units: { bound: number; q: number; bin: Bin }[] = [];
    for (let j = start; j < end; j++) {
      const p = this.postings.get(Q.indices[j]!);
      if (!p) continue;
      const q = Q.data[j]! / norm;
      for (let b = 0; b < p.length; b++) {
        const bin = p[b];
        if (bin) units.push({ bound: q * BIN_MAX[b]!, q, bin });
      }
    }
    units.sort((a, b) => b.bound - a.bound);
    if (this.scores.length < this.n) {
      this.scores = new Float64Array(Math.max(this.n, this.scores.length * 2));
      this.touched = new Int32Array(this.scores.length);
    }
    const scores = this.scores;
    const touched = this.touched;
    let nTouched = 0;
    let walked = 0;
    for (const u of units) {
      if (walked >= budget) break;
      const { rows, values } = u.bin;
      const q = u.q;
      // the newest postings of a bin first (reports are added oldest first), up to the budget
      const stop = Math.max(0, rows.length - (budget - walked));
      for (let t = rows.length - 1; t >= stop; t--) {
        const item = rows[t]!;
        if (scores[item] === 0) touched[nTouched++] = item;
        scores[item]! += q * values[t]!;
      }
      walked += rows.length - stop;
    }
    this.lastWalked = walked;
    return bestTouched(scores, touched, nTouched, k, minScore);
  }
}

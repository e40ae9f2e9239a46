import type { CsrMatrix } from './sparse.ts';
import { bestTouched, kthLargestTouched, type Neighbour } from './top-scores.ts';

export { bestTouched, type Neighbour };

/** One term's items (ascending, as they were added) and their weights in unit-length vectors. */
class Postings {
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

interface QueryTerm {
  p: Postings;
  q: number;
}

/** relative slack on a bound, so float rounding in the order of the sums never prunes a winner */
const SLACK = 1 + 1e-6;

/**
 * Nearest items by cosine similarity of sparse vectors, through an inverted index, exactly: the
 * same neighbours as a walk of every posting the query touches, found with far fewer. The query's
 * terms are taken by what they can add (query weight × the term's largest weight), and once what
 * the terms left could add to an item not yet seen (the smaller of the sum of those bounds and,
 * by Cauchy-Schwarz, the norm of the query's rest) is below the k-th best score so far, no new
 * item can enter: the rest only complete the scores of the items still in reach, looked up in
 * their postings by galloping search rather than walking them (a common word's list holds most of
 * the collection; bug reports share many of them).
 */
export class SimilarityIndex {
  private readonly postings: (Postings | undefined)[] = [];
  private n = 0;

  get size(): number {
    return this.n;
  }

  /** Add every row of X, in order, as items `size`, `size + 1`, ... */
  add(X: CsrMatrix): void {
    for (let r = 0; r < X.nRows; r++) {
      const start = X.indptr[r]!;
      const end = X.indptr[r + 1]!;
      let norm = 0;
      for (let j = start; j < end; j++) norm += X.data[j]! * X.data[j]!;
      norm = Math.sqrt(norm) || 1;
      for (let j = start; j < end; j++) {
        const f = X.indices[j]!;
        let p = this.postings[f];
        if (!p) {
          p = new Postings();
          this.postings[f] = p;
        }
        p.push(this.n, X.data[j]! / norm);
      }
      this.n++;
    }
  }

  private scores = new Float64Array(0);
  private touched = new Int32Array(0);

  private terms(Q: CsrMatrix, row: number): QueryTerm[] {
    const start = Q.indptr[row]!;
    const end = Q.indptr[row + 1]!;
    let norm = 0;
    for (let j = start; j < end; j++) norm += Q.data[j]! * Q.data[j]!;
    norm = Math.sqrt(norm) || 1;
    const terms: QueryTerm[] = [];
    for (let j = start; j < end; j++) {
      const p = this.postings[Q.indices[j]!];
      if (p && Q.data[j] !== 0) terms.push({ p, q: Q.data[j]! / norm });
    }
    return terms;
  }

  /** dense accumulators reused across queries: a Map per query costs more than the arithmetic */
  private accumulators(): { scores: Float64Array; touched: Int32Array } {
    if (this.scores.length < this.n) {
      this.scores = new Float64Array(Math.max(this.n, this.scores.length * 2));
      this.touched = new Int32Array(this.scores.length);
    }
    return { scores: this.scores, touched: this.touched };
  }

  /**
   * The `k` most similar items to row `row` of Q, best first (ties by item), each above
   * `minScore`; items with no shared feature never appear.
   */
  query(Q: CsrMatrix, row: number, k: number, minScore = 0): Neighbour[] {
    const terms = this.terms(Q, row);
    // the bounds hold for non-negative weights (tf-idf's); anything else is walked whole
    if (k <= 0 || terms.some((t) => t.q < 0 || t.p.negative)) return this.walkAll(terms, k, minScore);
    terms.sort((a, b) => b.q * b.p.max - a.q * a.p.max);
    const m = terms.length;
    // what terms i.. can add to an item none of them has been added to yet
    const reach = new Float64Array(m + 1);
    let sum = 0;
    let squares = 0;
    for (let i = m - 1; i >= 0; i--) {
      sum += terms[i]!.q * terms[i]!.p.max;
      squares += terms[i]!.q * terms[i]!.q;
      reach[i] = Math.min(sum, Math.sqrt(squares)) * SLACK;
    }
    const { scores, touched } = this.accumulators();
    let nTouched = 0;
    let best = 0;
    let floor = minScore;
    let walked = 0;
    let recheckAt = 0;
    let i = 0;
    for (; i < m; i++) {
      if (reach[i]! <= minScore) break;
      // the k-th best is at most the best: only worth finding once the rest could not beat that
      if (reach[i]! < best && walked >= recheckAt) {
        floor = Math.max(minScore, kthLargestTouched(scores, touched, nTouched, k));
        if (reach[i]! < floor) break;
        recheckAt = walked + nTouched;
      }
      const { p, q } = terms[i]!;
      const rows = p.rows;
      const values = p.values;
      for (let t = 0; t < p.length; t++) {
        const item = rows[t]!;
        if (scores[item] === 0) touched[nTouched++] = item;
        const s = scores[item]! + q * values[t]!;
        scores[item] = s;
        if (s > best) best = s;
      }
      walked += p.length;
    }
    if (i === m) return bestTouched(scores, touched, nTouched, k, minScore);
    return this.complete(terms, reach, i, touched.subarray(0, nTouched), k, minScore);
  }

  /**
   * Terms `from`.. added to the items in `seen` that can still reach the k-th best; the others
   * (and every item not seen) cannot, and are dropped as the floor rises.
   */
  private complete(
    terms: QueryTerm[],
    reach: Float64Array,
    from: number,
    seen: Int32Array,
    k: number,
    minScore: number,
  ): Neighbour[] {
    const scores = this.scores;
    let live = this.prune(seen, reach[from]!, k, minScore);
    live.sort();
    let prunedAt = reach[from]!;
    for (let i = from; i < terms.length && live.length > 0; i++) {
      const { p, q } = terms[i]!;
      addByLookup(scores, live, p, q);
      // pruning costs a pass over the items: worth it once the reach has shrunk by a good part
      if (live.length > k && reach[i + 1]! < prunedAt * 0.7) {
        live = this.prune(live, reach[i + 1]!, k, minScore);
        prunedAt = reach[i + 1]!;
      }
    }
    return bestTouched(scores, live, live.length, k, minScore);
  }

  /** The items of `items` whose score with `reach` more can still make the k best, in order. */
  private prune(items: Int32Array, reach: number, k: number, minScore: number): Int32Array {
    const scores = this.scores;
    const floor = Math.max(minScore, kthLargestTouched(scores, items, items.length, k));
    let kept = 0;
    for (let t = 0; t < items.length; t++) {
      const item = items[t]!;
      if (scores[item]! + reach >= floor && scores[item]! + reach > minScore) items[kept++] = item;
      else scores[item] = 0;
    }
    return items.subarray(0, kept);
  }

  /** Every posting of every query term, no bound: the definition `query` is held to. */
  queryAll(Q: CsrMatrix, row: number, k: number, minScore = 0): Neighbour[] {
    return this.walkAll(this.terms(Q, row), k, minScore);
  }

  private walkAll(terms: QueryTerm[], k: number, minScore: number): Neighbour[] {
    const { scores, touched } = this.accumulators();
    let nTouched = 0;
    for (const { p, q } of terms) {
      for (let t = 0; t < p.length; t++) {
        const item = p.rows[t]!;
        if (scores[item] === 0) touched[nTouched++] = item;
        scores[item]! += q * p.values[t]!;
      }
    }
    return bestTouched(scores, touched, nTouched, k, minScore);
  }
}

/**
 * Add `q` × each item's weight in `p` to its score, for the items of `items` (ascending): each is
 * found by galloping from the last one found, so a short list of items costs a few steps per item
 * in a long posting list, and a long one about a walk of it.
 */
function addByLookup(scores: Float64Array, items: Int32Array, p: Postings, q: number): void {
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

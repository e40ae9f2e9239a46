import { ForwardStore } from './forward-store.ts';
import { addByLookup, Postings } from './postings.ts';
import type { CsrMatrix } from './sparse.ts';
import { bestTouched, kthLargestTouched, type Neighbour } from './top-scores.ts';

export { bestTouched, type Neighbour };

/** relative slack on a bound, so float rounding in the order of the sums never prunes a winner */
const SLACK = 1 + 1e-6;

/** steps of a galloping lookup of one item in a long posting list, against a walk of one posting */
const LOOKUP_COST = 8;

/**
 * An approximate search's limits: walk at most `postings` postings (whole terms, the strongest
 * first), then score exactly the `candidates` items leading at that point.
 */
export interface SearchBudget {
  postings: number;
  candidates: number;
}

interface QueryTerm {
  feature: number;
  p: Postings;
  q: number;
}

/**
 * Nearest items by cosine similarity of sparse vectors, through an inverted index, exactly: the
 * same neighbours and scores as a walk of every posting the query touches, found with far fewer.
 * The query's terms are taken by what they can add (query weight × the term's largest weight);
 * once what the terms left could add to an item not yet seen (the smaller of the sum of those
 * bounds and, by Cauchy-Schwarz, the norm of the query's rest) is below the k-th best partial
 * score, no new item can enter, and the items seen whose partial score plus that reach can still
 * make the k best are scored in full from their own terms (a common word's list holds most of
 * the collection: looking each item's few terms up costs far less than walking those lists).
 * With a budget, the walk stops after that many postings and the leading items are scored in
 * full: approximate, and bounded in time however long the query.
 */
export class SimilarityIndex {
  private readonly postings: (Postings | undefined)[] = [];
  private readonly forward = new ForwardStore();
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
      this.forward.append(this.n, X, r, norm);
      this.n++;
    }
  }

  private scores = new Float64Array(0);
  private touched = new Int32Array(0);
  private weights = new Float64Array(0);

  /** The query's terms the index knows, by ascending feature (the order every score is summed in). */
  private terms(Q: CsrMatrix, row: number): QueryTerm[] {
    const start = Q.indptr[row]!;
    const end = Q.indptr[row + 1]!;
    let norm = 0;
    for (let j = start; j < end; j++) norm += Q.data[j]! * Q.data[j]!;
    norm = Math.sqrt(norm) || 1;
    const terms: QueryTerm[] = [];
    for (let j = start; j < end; j++) {
      const p = this.postings[Q.indices[j]!];
      if (p && Q.data[j] !== 0) terms.push({ feature: Q.indices[j]!, p, q: Q.data[j]! / norm });
    }
    return terms.sort((a, b) => a.feature - b.feature);
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
   * `minScore`; items with no shared feature never appear. Exact unless a `budget` cuts it short.
   */
  query(Q: CsrMatrix, row: number, k: number, minScore = 0, budget?: SearchBudget): Neighbour[] {
    const terms = this.terms(Q, row);
    // the bounds hold for non-negative weights (tf-idf's); anything else is walked whole
    if (k <= 0 || terms.some((t) => t.q < 0 || t.p.negative)) return this.walkAll(terms, k, minScore);
    const byReach = [...terms].sort((a, b) => b.q * b.p.max - a.q * a.p.max);
    const m = byReach.length;
    // what terms i.. can add to an item none of them has been added to yet
    const reach = new Float64Array(m + 1);
    let sum = 0;
    let squares = 0;
    for (let i = m - 1; i >= 0; i--) {
      sum += byReach[i]!.q * byReach[i]!.p.max;
      squares += byReach[i]!.q * byReach[i]!.q;
      reach[i] = Math.min(sum, Math.sqrt(squares)) * SLACK;
    }
    const { scores, touched } = this.accumulators();
    let nTouched = 0;
    let best = 0;
    let walked = 0;
    let recheckAt = 0;
    let i = 0;
    for (; i < m; i++) {
      if (reach[i]! <= minScore) break;
      if (budget && walked >= budget.postings) break;
      // the k-th best is at most the best: only worth finding once the rest could not beat that
      if (reach[i]! < best && walked >= recheckAt) {
        const floor = Math.max(minScore, kthLargestTouched(scores, touched, nTouched, k));
        if (reach[i]! < floor) break;
        recheckAt = walked + nTouched;
      }
      const { p, q } = byReach[i]!;
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
    let seen = touched.subarray(0, nTouched);
    // a budget's search scores only the leading items; an exact one, every item still in reach
    if (budget) seen = this.leading(seen, Math.max(k, budget.candidates));
    return this.complete(terms, byReach, reach, i, seen, k, minScore);
  }

  /**
   * The items of `seen` still in reach of the k best completed, term by term from `from` while
   * that costs less than scoring each in full from its own terms, then scored in full; the floor
   * rises as they complete, and the items that fall below it are dropped.
   */
  private complete(
    terms: QueryTerm[],
    byReach: QueryTerm[],
    reach: Float64Array,
    from: number,
    seen: Int32Array,
    k: number,
    minScore: number,
  ): Neighbour[] {
    let live = this.prune(seen, reach[from]!, k, minScore);
    let prunedAt = reach[from]!;
    let sorted = false;
    // the choice below is weighed again each time the items left have changed
    let weigh = true;
    for (let i = from; i < byReach.length && live.length > 0; i++) {
      if (weigh) {
        weigh = false;
        // what completing the rest term by term costs against scoring each item in full
        let rest = 0;
        for (let j = i; j < byReach.length; j++)
          rest += Math.min(byReach[j]!.p.length, live.length * LOOKUP_COST);
        if (live.length * this.forward.meanLength(this.n) <= rest) break;
      }
      if (!sorted) {
        live.sort();
        sorted = true;
      }
      const { p, q } = byReach[i]!;
      addByLookup(this.scores, live, p, q);
      // pruning costs a pass over the items: worth it once the reach has shrunk by a good part
      if (live.length > k && reach[i + 1]! < prunedAt * 0.7) {
        live = this.prune(live, reach[i + 1]!, k, minScore);
        prunedAt = reach[i + 1]!;
        weigh = true;
      }
    }
    return this.rescore(terms, live, k, minScore);
  }

  /** The items scored in full from their own terms, and the k best of them. */
  private rescore(terms: QueryTerm[], items: Int32Array, k: number, minScore: number): Neighbour[] {
    if (this.weights.length < this.postings.length) this.weights = new Float64Array(this.postings.length);
    const weights = this.weights;
    for (const t of terms) weights[t.feature] = t.q;
    const scores = this.scores;
    for (let c = 0; c < items.length; c++) scores[items[c]!] = this.forward.dot(items[c]!, weights);
    for (const t of terms) weights[t.feature] = 0;
    return bestTouched(scores, items, items.length, k, minScore);
  }

  /** The `c` items of `items` scored highest so far (ties may add a few), the rest reset to 0. */
  private leading(items: Int32Array, c: number): Int32Array {
    if (items.length <= c) return items;
    const scores = this.scores;
    const floor = kthLargestTouched(scores, items, items.length, c);
    let kept = 0;
    for (let t = 0; t < items.length; t++) {
      const item = items[t]!;
      if (scores[item]! >= floor) items[kept++] = item;
      else scores[item] = 0;
    }
    return items.subarray(0, kept);
  }

  /** The items of `items` whose score with `reach` more can still make the k best (the rest reset). */
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

import { ForwardStore } from './forward-store.ts';
import { PostingStore } from './postings.ts';
import type { CsrMatrix } from './sparse.ts';
import { bestTouched, kthLargest, type Neighbour } from './top-scores.ts';

export { bestTouched, type Neighbour };

/**
 * An approximate search's limits: walk at most `postings` postings (the heaviest lists first),
 * then score exactly the `candidates` items leading at that point.
 */
export interface SearchBudget {
  postings: number;
  candidates: number;
}

export interface SearchOptions {
  /** only items scoring above this (default 0) */
  minScore?: number;
  /** approximate, bounded in time; without it the search is exact */
  budget?: SearchBudget | undefined;
  /** only items added in this group (`add`'s groups), e.g. one tracker's reports */
  group?: number | undefined;
}

/**
 * A query's terms the index knows, by ascending feature (the order every score is summed in), in
 * buffers the index reuses: a query allocates next to nothing, so the server's young-generation
 * collections (each a pause of milliseconds) come less often.
 */
interface QueryTerms {
  n: number;
  features: Int32Array;
  qs: Float64Array;
}

/** bound resolution and unit slots of `byBound`'s keys: 2^30 × 2^17 stays an exact double */
const BOUND_STEPS = 2 ** 30;
const UNIT_SLOTS = 2 ** 17;

/** Scratch of `byBound`, grown as needed. */
let boundKeys = new Float64Array(1024);
let boundOrder = new Int32Array(1024);

/**
 * The first `n` units' positions by descending bound (ties by position), in a buffer reused by
 * the next call. Each key packs a bound (≤ 1, rounded down to 2^-30) and a position into one
 * exact double, sorted natively: a comparator sort of a long query's thousands of lists cost
 * about a millisecond.
 */
function byBound(bounds: Float64Array, n: number): Int32Array {
  if (boundOrder.length < n) {
    boundOrder = new Int32Array(n * 2);
    boundKeys = new Float64Array(n * 2);
  }
  const order = boundOrder.subarray(0, n);
  if (n >= UNIT_SLOTS) {
    for (let i = 0; i < n; i++) order[i] = i;
    return order.sort((a, b) => bounds[b]! - bounds[a]! || a - b);
  }
  const keys = boundKeys.subarray(0, n);
  // the larger the bound, the smaller the key; the position breaks ties ascending
  for (let i = 0; i < n; i++) keys[i] = (BOUND_STEPS - Math.floor(bounds[i]! * BOUND_STEPS)) * UNIT_SLOTS + i;
  keys.sort();
  for (let i = 0; i < n; i++) order[i] = keys[i]! % UNIT_SLOTS;
  return order;
}

/** Growable Float64Array. */
function grownF(a: Float64Array, need: number): Float64Array {
  if (need <= a.length) return a;
  return new Float64Array(Math.max(need, a.length * 2));
}

/** Growable Int32Array. */
function grown(a: Int32Array, need: number): Int32Array {
  if (need <= a.length) return a;
  const b = new Int32Array(Math.max(need, a.length * 2));
  b.set(a);
  return b;
}

/**
 * Nearest items by cosine similarity of sparse vectors, through an inverted index. Exact: a walk
 * of every posting the query touches. Under a budget: the query's terms' postings, grouped by
 * impact (`postings.ts`), are walked heaviest first (query weight × the most a list's posting
 * weighs) until the budget is spent, and the items leading then are scored in full from a
 * forward store of their own terms. Cosine's neighbours share the query's heavy terms with
 * weight, so their heavy postings find them long before the light postings of common words
 * would; the full scores are summed in the order of the walk (ascending feature), so a found
 * item's score is the exact search's to the bit.
 */
export class SimilarityIndex {
  private readonly postings = new PostingStore();
  private readonly forward = new ForwardStore();
  private groups: Int32Array = new Int32Array(1024);
  private n = 0;

  get size(): number {
    return this.n;
  }

  /** Add every row of X, in order, as items `size`, `size + 1`, ..., row r in group `groups[r]` (else 0). */
  add(X: CsrMatrix, groups?: ArrayLike<number>): void {
    this.groups = grown(this.groups, this.n + X.nRows);
    for (let r = 0; r < X.nRows; r++) {
      const start = X.indptr[r]!;
      const end = X.indptr[r + 1]!;
      let norm = 0;
      for (let j = start; j < end; j++) norm += X.data[j]! * X.data[j]!;
      norm = Math.sqrt(norm) || 1;
      for (let j = start; j < end; j++) this.postings.push(X.indices[j]!, this.n, X.data[j]! / norm);
      this.forward.append(this.n, X, r, norm);
      this.groups[this.n] = groups?.[r] ?? 0;
      this.n++;
    }
  }

  private scores = new Float64Array(0);
  private touched = new Int32Array(0);
  private weights = new Float64Array(0);
  private present = new Int32Array(0);
  private dense: Float64Array = new Float64Array(0);
  // a query's terms and its lists' walk order, reused from query to query
  private readonly qt: QueryTerms = { n: 0, features: new Int32Array(256), qs: new Float64Array(256) };
  private termKeys: Float64Array = new Float64Array(256);
  private unitList = new Int32Array(1024);
  private unitQ = new Float64Array(1024);
  private unitBound = new Float64Array(1024);

  /** The query's terms the index knows, by ascending feature (the order every score is summed in). */
  private terms(Q: CsrMatrix, row: number): QueryTerms {
    const start = Q.indptr[row]!;
    const end = Q.indptr[row + 1]!;
    let norm = 0;
    for (let j = start; j < end; j++) norm += Q.data[j]! * Q.data[j]!;
    norm = Math.sqrt(norm) || 1;
    const len = end - start;
    const qt = this.qt;
    if (qt.features.length < len) {
      qt.features = new Int32Array(len * 2);
      qt.qs = new Float64Array(len * 2);
    }
    this.termKeys = grownF(this.termKeys, len);
    const keys = this.termKeys;
    let n = 0;
    let maxFeature = 0;
    for (let j = start; j < end; j++) {
      const f = Q.indices[j]!;
      if (!this.postings.has(f) || Q.data[j] === 0) continue;
      keys[n++] = j - start;
      if (f > maxFeature) maxFeature = f;
    }
    // by feature, ties by position: packed as feature × len + position (exact below 2^53),
    // sorted natively
    const packed = (maxFeature + 1) * len < 2 ** 53;
    const order = keys.subarray(0, n);
    if (packed) {
      for (let i = 0; i < n; i++) order[i] = Q.indices[start + order[i]!]! * len + order[i]!;
      order.sort();
    } else order.sort((x, y) => Q.indices[start + x]! - Q.indices[start + y]! || x - y);
    for (let i = 0; i < n; i++) {
      const at = start + (packed ? order[i]! % len : order[i]!);
      qt.features[i] = Q.indices[at]!;
      qt.qs[i] = Q.data[at]! / norm;
    }
    qt.n = n;
    return qt;
  }

  /** dense accumulators reused across queries: a Map per query costs more than the arithmetic */
  private accumulators(): { scores: Float64Array; touched: Int32Array } {
    if (this.scores.length < this.n) {
      this.scores = new Float64Array(Math.max(this.n, this.scores.length * 2));
      // one more than the items: the walk writes the next slot before it knows it is a new item
      this.touched = new Int32Array(this.scores.length + 1);
    }
    return { scores: this.scores, touched: this.touched };
  }

  /**
   * The `k` most similar items to row `row` of Q, best first (ties by item), each above
   * `minScore`; items with no shared feature never appear. Exact unless a `budget` cuts it short.
   */
  query(Q: CsrMatrix, row: number, k: number, opts: SearchOptions = {}): Neighbour[] {
    const { minScore = 0, budget, group } = opts;
    const terms = this.terms(Q, row);
    const { n, features, qs } = terms;
    // the bounds that order the walk hold for non-negative weights (tf-idf's); else walk it all
    const postings = this.postings;
    let signed = false;
    for (let i = 0; i < n && !signed; i++) signed = qs[i]! < 0 || postings.negative(features[i]!);
    if (!budget || k <= 0 || signed) return this.walk(terms, k, minScore, group);
    let units = 0;
    for (let i = 0; i < n; i++) {
      const q = qs[i]!;
      postings.forEachList(features[i]!, (list, max) => {
        if (units === this.unitList.length) this.growUnits();
        this.unitList[units] = list;
        this.unitQ[units] = q;
        this.unitBound[units] = q * max;
        units++;
      });
    }
    const order = byBound(this.unitBound, units);
    const { scores, touched } = this.accumulators();
    let nTouched = 0;
    let left = budget.postings;
    for (let u = 0; u < units && left > 0; u++) {
      const list = this.unitList[order[u]!]!;
      const length = postings.listLength(list);
      // a list past what is left is passed over for the lighter, shorter ones after it
      if (length > left) continue;
      nTouched = postings.accumulate(list, this.unitQ[order[u]!]!, scores, touched, nTouched);
      left -= length;
    }
    if (group !== undefined) nTouched = this.keepGroup(touched, nTouched, group);
    const leading = this.leading(touched.subarray(0, nTouched), Math.max(k, budget.candidates));
    return this.rescore(terms, leading, k, minScore);
  }

  private growUnits(): void {
    const size = this.unitList.length * 2;
    const list = new Int32Array(size);
    list.set(this.unitList);
    this.unitList = list;
    const q = new Float64Array(size);
    q.set(this.unitQ);
    this.unitQ = q;
    const bound = new Float64Array(size);
    bound.set(this.unitBound);
    this.unitBound = bound;
  }

  /** The items of `items` in `group` moved to its front (the rest reset): how many there are. */
  private keepGroup(items: Int32Array, n: number, group: number): number {
    const scores = this.scores;
    const groups = this.groups;
    let kept = 0;
    for (let t = 0; t < n; t++) {
      const item = items[t]!;
      if (groups[item] === group) items[kept++] = item;
      else scores[item] = 0;
    }
    return kept;
  }

  /** The items scored in full from their own terms, and the k best of them. */
  private rescore(terms: QueryTerms, items: Int32Array, k: number, minScore: number): Neighbour[] {
    if (this.weights.length < this.postings.terms) {
      this.weights = new Float64Array(this.postings.terms);
      this.present = new Int32Array((this.postings.terms >>> 5) + 1);
    }
    const weights = this.weights;
    const present = this.present;
    const { n, features, qs } = terms;
    for (let i = 0; i < n; i++) {
      weights[features[i]!] = qs[i]!;
      present[features[i]! >>> 5]! |= 1 << (features[i]! & 31);
    }
    const scores = this.scores;
    for (let c = 0; c < items.length; c++) scores[items[c]!] = this.forward.dot(items[c]!, weights, present);
    for (let i = 0; i < n; i++) {
      weights[features[i]!] = 0;
      present[features[i]! >>> 5] = 0;
    }
    return bestTouched(scores, items, items.length, k, minScore);
  }

  /**
   * The `c` items of `items` scored highest so far (ties may add a few), every score reset to 0.
   * The scores are read from their scattered places once, into a dense array the choice then
   * reads in order: at a million reports this step read 8 MB at random twice per query.
   */
  private leading(items: Int32Array, c: number): Int32Array {
    if (items.length <= c) return items;
    const scores = this.scores;
    const n = items.length;
    this.dense = grownF(this.dense, n);
    const dense = this.dense;
    for (let t = 0; t < n; t++) {
      const item = items[t]!;
      dense[t] = scores[item]!;
      scores[item] = 0;
    }
    const floor = kthLargest(dense, n, c);
    let kept = 0;
    for (let t = 0; t < n; t++) if (dense[t]! >= floor) items[kept++] = items[t]!;
    return items.subarray(0, kept);
  }

  /** Every posting of every query term, no bound: the definition a budgeted `query` is held to. */
  queryAll(Q: CsrMatrix, row: number, k: number, minScore = 0, group?: number): Neighbour[] {
    return this.walk(this.terms(Q, row), k, minScore, group);
  }

  private walk(terms: QueryTerms, k: number, minScore: number, group: number | undefined): Neighbour[] {
    const { scores, touched } = this.accumulators();
    let nTouched = 0;
    const postings = this.postings;
    const { n, features, qs } = terms;
    for (let i = 0; i < n; i++) {
      const q = qs[i]!;
      postings.forEachList(features[i]!, (list) => {
        nTouched = postings.accumulate(list, q, scores, touched, nTouched);
      });
    }
    if (group !== undefined) nTouched = this.keepGroup(touched, nTouched, group);
    return bestTouched(scores, touched, nTouched, k, minScore);
  }
}

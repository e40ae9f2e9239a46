import type { CsrMatrix } from './sparse.ts';

export interface Neighbour {
  /** the position of the item in the order it was added */
  item: number;
  score: number;
}

/**
 * Nearest items by cosine similarity of sparse vectors, through an inverted index: a query only
 * touches the items that share a feature with it, which for short bug reports is a small part of
 * the collection.
 */
export class SimilarityIndex {
  private readonly postings = new Map<number, { rows: number[]; values: number[] }>();
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
        let p = this.postings.get(f);
        if (!p) {
          p = { rows: [], values: [] };
          this.postings.set(f, p);
        }
        p.rows.push(this.n);
        p.values.push(X.data[j]! / norm);
      }
      this.n++;
    }
  }

  private scores = new Float64Array(0);
  private touched = new Int32Array(0);

  /**
   * The `k` most similar items to row `row` of Q, best first; items with no shared feature never
   * appear. `maxTerms` and `commonShare` make it approximate and fast (the query's heaviest terms
   * only; terms in more than that share of the items skipped); Infinity for both is exact cosine.
   */
  query(Q: CsrMatrix, row: number, k: number, minScore = 0, maxTerms = 32, commonShare = 0.25): Neighbour[] {
    const start = Q.indptr[row]!;
    const end = Q.indptr[row + 1]!;
    let norm = 0;
    for (let j = start; j < end; j++) norm += Q.data[j]! * Q.data[j]!;
    norm = Math.sqrt(norm) || 1;
    // only the query's heaviest terms walk their postings: the light ones are the common words
    // with the longest lists and the least say in the cosine (scores are then a close lower bound)
    let order: number[] = [];
    for (let j = start; j < end; j++) order.push(j);
    if (order.length > maxTerms) order = order.sort((a, b) => Q.data[b]! - Q.data[a]!).slice(0, maxTerms);
    // dense accumulators reused across queries: a Map per query costs more than the arithmetic
    if (this.scores.length < this.n) {
      this.scores = new Float64Array(Math.max(this.n, this.scores.length * 2));
      this.touched = new Int32Array(this.scores.length);
    }
    const scores = this.scores;
    const touched = this.touched;
    let nTouched = 0;
    // a term in more than a quarter of the reports tells little about which ones are alike
    const common = Number.isFinite(commonShare)
      ? Math.max(1000, this.n * commonShare)
      : Number.POSITIVE_INFINITY;
    for (const j of order) {
      const p = this.postings.get(Q.indices[j]!);
      if (!p || p.rows.length > common) continue;
      const q = Q.data[j]! / norm;
      const rows = p.rows;
      const values = p.values;
      for (let t = 0; t < rows.length; t++) {
        const item = rows[t]!;
        if (scores[item] === 0) touched[nTouched++] = item;
        scores[item]! += q * values[t]!;
      }
    }
    return bestTouched(scores, touched, nTouched, k, minScore);
  }
}

/**
 * The `k` best of the touched items' accumulated scores, best first (ties by item), each score
 * reset to 0 for the next query: kept in a small sorted buffer rather than sorting every item.
 */
export function bestTouched(
  scores: Float64Array,
  touched: Int32Array,
  nTouched: number,
  k: number,
  minScore: number,
): Neighbour[] {
  const best: Neighbour[] = [];
  for (let t = 0; t < nTouched; t++) {
    const item = touched[t]!;
    const score = scores[item]!;
    scores[item] = 0;
    if (score <= minScore) continue;
    if (best.length === k && score <= best[k - 1]!.score) continue;
    let at = best.length;
    while (
      at > 0 &&
      (best[at - 1]!.score < score || (best[at - 1]!.score === score && best[at - 1]!.item > item))
    )
      at--;
    best.splice(at, 0, { item, score });
    if (best.length > k) best.pop();
  }
  return best;
}

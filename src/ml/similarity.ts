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

  /** The `k` most similar items to row `row` of Q, best first; items with no shared feature never appear. */
  query(Q: CsrMatrix, row: number, k: number, minScore = 0): Neighbour[] {
    const start = Q.indptr[row]!;
    const end = Q.indptr[row + 1]!;
    let norm = 0;
    for (let j = start; j < end; j++) norm += Q.data[j]! * Q.data[j]!;
    norm = Math.sqrt(norm) || 1;
    const scores = new Map<number, number>();
    for (let j = start; j < end; j++) {
      const p = this.postings.get(Q.indices[j]!);
      if (!p) continue;
      const q = Q.data[j]! / norm;
      for (let t = 0; t < p.rows.length; t++) {
        const item = p.rows[t]!;
        scores.set(item, (scores.get(item) ?? 0) + q * p.values[t]!);
      }
    }
    const out: Neighbour[] = [];
    for (const [item, score] of scores) if (score > minScore) out.push({ item, score });
    out.sort((a, b) => b.score - a.score || a.item - b.item);
    return out.slice(0, k);
  }
}

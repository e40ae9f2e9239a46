/**
 * How well ranked lists put the right answers first (file localisation's measures, as the
 * published benchmarks compute them): top-k (a right answer among the first k), MAP (mean over
 * queries of the average precision at each right answer) and MRR (mean of 1 / the first right
 * answer's rank).
 */

/** One query's answer: the 1-based ranks of its right answers in the ranked list (any order). */
export type RelevantRanks = readonly number[];

export interface RankingMetrics {
  n: number;
  top1: number;
  top5: number;
  top10: number;
  map: number;
  mrr: number;
  /** the share of queries with a right answer among the first k, for k = 1..20 */
  topK: number[];
}

export function averagePrecision(ranks: RelevantRanks): number {
  if (ranks.length === 0) return 0;
  const sorted = [...ranks].sort((a, b) => a - b);
  let sum = 0;
  sorted.forEach((r, i) => {
    sum += (i + 1) / r;
  });
  return sum / sorted.length;
}

export function rankingMetrics(queries: readonly RelevantRanks[], maxK = 20): RankingMetrics {
  const n = queries.length;
  const first = queries.map((r) => (r.length ? Math.min(...r) : Number.POSITIVE_INFINITY));
  const share = (k: number) => (n ? first.filter((f) => f <= k).length / n : 0);
  return {
    n,
    top1: share(1),
    top5: share(5),
    top10: share(10),
    map: n ? queries.reduce((s, r) => s + averagePrecision(r), 0) / n : 0,
    mrr: n ? first.reduce((s, f) => s + (Number.isFinite(f) ? 1 / f : 0), 0) / n : 0,
    topK: Array.from({ length: maxK }, (_, i) => share(i + 1)),
  };
}

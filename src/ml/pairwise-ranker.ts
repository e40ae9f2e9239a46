import { lbfgs } from './lbfgs.ts';
import { createRng } from './random.ts';

/**
 * Learning to rank from earlier fixes: pairwise logistic regression (RankNet's loss with a linear
 * scorer). Each training query gives pairs (a file its fix touched, a file it did not); the weights
 * make the touched file score higher. Negatives are the files the query ranks highest without
 * being right (what the ranker must learn to push down) plus a few at random.
 */
export interface RankGroup {
  /** row-major candidates × F feature rows */
  X: Float64Array;
  /** indices of the rows that are right answers */
  relevant: readonly number[];
}

export interface PairwiseOptions {
  /**
   * hard negatives per query: the best-scored wrong rows by `prior`. Few: negatives picked by a
   * feature teach the weights that the feature misleads (chosen on AspectJ's training reports)
   */
  hard?: number;
  /** random negatives per query */
  random?: number;
  /** L2 penalty on the weights (standardised features) */
  l2?: number;
  seed?: number;
  /** weights to find hard negatives with (default: the first feature alone) */
  prior?: ArrayLike<number>;
}

export interface LinearRanker {
  weights: Float64Array;
}

export function scoreRows(X: Float64Array, w: ArrayLike<number>, out?: Float64Array): Float64Array {
  const F = w.length;
  const n = X.length / F;
  const s = out ?? new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let v = 0;
    for (let f = 0; f < F; f++) v += X[i * F + f]! * w[f]!;
    s[i] = v;
  }
  return s;
}

/** Indices of the k highest scores, best first (ties by index). */
export function topIndices(scores: Float64Array, k: number): number[] {
  const idx = Array.from({ length: scores.length }, (_, i) => i);
  if (k >= idx.length) return idx.sort((a, b) => scores[b]! - scores[a]! || a - b);
  // a partial selection: keep the k best seen so far in a small sorted list
  const best: number[] = [];
  for (const i of idx) {
    if (best.length < k || scores[i]! > scores[best[best.length - 1]!]!) {
      let j = best.length;
      while (j > 0 && scores[best[j - 1]!]! < scores[i]!) j--;
      best.splice(j, 0, i);
      if (best.length > k) best.pop();
    }
  }
  return best;
}

export function fitPairwiseRanker(
  groups: readonly RankGroup[],
  F: number,
  opts: PairwiseOptions = {},
): LinearRanker {
  const { hard = 10, random = 100, l2 = 1e-2, seed = 1 } = opts;
  const prior = opts.prior ?? Float64Array.from({ length: F }, (_, f) => (f === 0 ? 1 : 0));
  const rng = createRng(seed);
  // pair differences x_pos − x_neg, collected once
  const diffs: number[] = [];
  for (const g of groups) {
    const n = g.X.length / F;
    if (g.relevant.length === 0 || g.relevant.length >= n) continue;
    const rel = new Set(g.relevant);
    const s = scoreRows(g.X, prior);
    const negatives = new Set<number>();
    for (const i of topIndices(s, hard + rel.size))
      if (!rel.has(i) && negatives.size < hard) negatives.add(i);
    for (let r = 0; r < random * 3 && negatives.size < hard + random; r++) {
      const i = Math.floor(rng() * n);
      if (!rel.has(i)) negatives.add(i);
    }
    for (const p of rel)
      for (const q of negatives) for (let f = 0; f < F; f++) diffs.push(g.X[p * F + f]! - g.X[q * F + f]!);
  }
  const m = diffs.length / F;
  const w = new Float64Array(F);
  if (m === 0) {
    w.set(prior);
    return { weights: w };
  }
  // standardised differences, so the penalty treats every feature alike
  const scale = new Float64Array(F);
  for (let f = 0; f < F; f++) {
    let ss = 0;
    for (let i = 0; i < m; i++) ss += diffs[i * F + f]! ** 2;
    scale[f] = Math.sqrt(ss / m) || 1;
  }
  const D = Float64Array.from(diffs, (v, j) => v / scale[j % F]!);
  lbfgs(
    (x, grad) => {
      grad.fill(0);
      let loss = 0;
      for (let i = 0; i < m; i++) {
        let z = 0;
        for (let f = 0; f < F; f++) z += x[f]! * D[i * F + f]!;
        // log(1 + e^(−z)), stable both ways
        loss += z > 0 ? Math.log1p(Math.exp(-z)) : -z + Math.log1p(Math.exp(z));
        const g = -1 / (1 + Math.exp(z));
        for (let f = 0; f < F; f++) grad[f]! += g * D[i * F + f]!;
      }
      let reg = 0;
      for (let f = 0; f < F; f++) {
        grad[f] = grad[f]! / m + l2 * x[f]!;
        reg += x[f]! * x[f]!;
      }
      return loss / m + (l2 / 2) * reg;
    },
    w,
    { maxIter: 300, tol: 1e-7 },
  );
  for (let f = 0; f < F; f++) w[f] = w[f]! / scale[f]!;
  return { weights: w };
}

/**
 * Listwise learning to rank (ListNet's top-one probability, for a set of right answers): the
 * weights maximise the softmax probability mass the scores give a query's right files among all
 * of its candidates. Every candidate counts, so no sampling of negatives can bias a feature (hard
 * negatives picked by a feature teach that the feature misleads).
 */
export function fitListwiseRanker(
  groups: readonly RankGroup[],
  F: number,
  opts: { l2?: number } = {},
): LinearRanker {
  const l2 = opts.l2 ?? 1e-3;
  const used = groups.filter((g) => g.relevant.length > 0 && g.relevant.length < g.X.length / F);
  const w = new Float64Array(F);
  if (used.length === 0) return { weights: w };
  // standardised over every candidate row, so the penalty treats every feature alike
  const mean = new Float64Array(F);
  const sq = new Float64Array(F);
  let rows = 0;
  for (const g of used) {
    const n = g.X.length / F;
    rows += n;
    for (let i = 0; i < n; i++)
      for (let f = 0; f < F; f++) {
        const v = g.X[i * F + f]!;
        mean[f]! += v;
        sq[f]! += v * v;
      }
  }
  const scale = new Float64Array(F);
  for (let f = 0; f < F; f++) {
    mean[f] = mean[f]! / rows;
    scale[f] = Math.sqrt(Math.max(0, sq[f]! / rows - mean[f]! ** 2)) || 1;
  }
  const relSets = used.map((g) => new Set(g.relevant));
  lbfgs(
    (x, grad) => {
      grad.fill(0);
      let loss = 0;
      const v = new Float64Array(F);
      for (let f = 0; f < F; f++) v[f] = x[f]! / scale[f]!;
      used.forEach((g, q) => {
        const n = g.X.length / F;
        const s = scoreRows(g.X, v);
        let max = Number.NEGATIVE_INFINITY;
        for (let i = 0; i < n; i++) if (s[i]! > max) max = s[i]!;
        let zAll = 0;
        let zRel = 0;
        for (let i = 0; i < n; i++) {
          const e = Math.exp(s[i]! - max);
          s[i] = e;
          zAll += e;
          if (relSets[q]!.has(i)) zRel += e;
        }
        loss += Math.log(zAll) - Math.log(zRel);
        for (let i = 0; i < n; i++) {
          const coef = s[i]! / zAll - (relSets[q]!.has(i) ? s[i]! / zRel : 0);
          if (coef === 0) continue;
          for (let f = 0; f < F; f++) grad[f]! += (coef * g.X[i * F + f]!) / scale[f]!;
        }
      });
      let reg = 0;
      for (let f = 0; f < F; f++) {
        grad[f] = grad[f]! / used.length + l2 * x[f]!;
        reg += x[f]! * x[f]!;
      }
      return loss / used.length + (l2 / 2) * reg;
    },
    w,
    { maxIter: 200, tol: 1e-6 },
  );
  for (let f = 0; f < F; f++) w[f] = w[f]! / scale[f]!;
  return { weights: w };
}

/**
 * Recency weights for rows in filing order: a tracker's components are split, renamed and retired
 * over the years, so its newest reports might say more about the next one than its oldest do.
 * Judged on training sides (bench/training-only `recency`, `recency-half`), this did not hold up,
 * so no task weights its reports; the bench keeps the option to judge it again. Row i of
 * n (oldest first) weighs floor^(1 - i / (n - 1)) before normalising: the oldest `floor` times the
 * newest, rising evenly on a log scale. Normalised to a mean of 1, so that a model's C (and naive
 * Bayes' alpha) keep the meaning they have without weights, and the weights depend on the rows'
 * order alone, not on how many there are or how long the tracker has run.
 */
export function recencyWeights(n: number, floor: number): Float64Array {
  if (!(floor > 0 && floor <= 1)) throw new Error(`recency floor must be in (0, 1], got ${floor}`);
  const w = new Float64Array(n);
  if (n === 0) return w;
  if (n === 1 || floor === 1) return w.fill(1);
  const lnFloor = Math.log(floor);
  let sum = 0;
  for (let i = 0; i < n; i++) {
    w[i] = Math.exp(lnFloor * (1 - i / (n - 1)));
    sum += w[i]!;
  }
  const scale = n / sum;
  for (let i = 0; i < n; i++) w[i]! *= scale;
  return w;
}

/** A model spec's rows weighted by recency, or none: what a kind's fit reads its row weights from. */
export function rowWeightsOf(spec: { recency?: number }, n: number): Float64Array | null {
  return spec.recency === undefined ? null : recencyWeights(n, spec.recency);
}

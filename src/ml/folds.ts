import { createRng, shuffleInPlace } from './random.ts';

/**
 * Stratified k folds: each class's items are shuffled and dealt round-robin, so every fold has
 * about the same class mix. Returns the fold number of each item.
 */
export function stratifiedFolds(y: ArrayLike<string | number>, k: number, seed: number): Int32Array {
  const rng = createRng(seed);
  const byClass = new Map<string | number, number[]>();
  for (let i = 0; i < y.length; i++) {
    const list = byClass.get(y[i]!) ?? [];
    list.push(i);
    byClass.set(y[i]!, list);
  }
  const fold = new Int32Array(y.length);
  let offset = 0;
  const keys = [...byClass.keys()].sort((a, b) => String(a).localeCompare(String(b)));
  for (const key of keys) {
    const idx = byClass.get(key)!;
    shuffleInPlace(idx, rng);
    for (let t = 0; t < idx.length; t++) fold[idx[t]!] = (t + offset) % k;
    // rotate the start so small classes do not all land in fold 0
    offset = (offset + idx.length) % k;
  }
  return fold;
}

/**
 * k folds of consecutive items: items in filing order are held out a period at a time, so a
 * candidate is judged on reports from a stretch of time its fit saw none of (what a time split's
 * test window is), not on neighbours of the reports it learnt from. Returns the fold of each item.
 */
export function blockedFolds(n: number, k: number): Int32Array {
  const fold = new Int32Array(n);
  for (let i = 0; i < n; i++) fold[i] = Math.min(k - 1, Math.floor((i * k) / n));
  return fold;
}

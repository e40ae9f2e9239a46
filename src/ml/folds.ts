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

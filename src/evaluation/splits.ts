import { createRng, shuffleInPlace, stratifiedFolds } from '../ml/index.ts';

export interface TrainTest {
  train: number[];
  test: number[];
}

/**
 * Oldest first, then the newest `testRatio` held out, as a tracker lives: a model only ever
 * predicts reports filed after everything it learned from. `time` may be null; those items sort
 * by their numeric id, which trackers assign in filing order.
 */
export function timeSplit(items: { time: string | null; id: string }[], testRatio = 0.25): TrainTest {
  const num = (id: string) => {
    const m = /(\d+)\D*$/.exec(id);
    return m ? Number(m[1]) : 0;
  };
  const order = items
    .map((it, i) => ({ i, t: it.time ?? '', n: num(it.id) }))
    .sort((a, b) => (a.t < b.t ? -1 : a.t > b.t ? 1 : a.n - b.n || a.i - b.i))
    .map((x) => x.i);
  const cut = Math.round(order.length * (1 - testRatio));
  return { train: order.slice(0, cut), test: order.slice(cut) };
}

/** A random split that keeps each class's share the same in train and test. */
export function stratifiedSplit(labels: string[], testRatio: number, seed: number): TrainTest {
  const rng = createRng(seed);
  const byClass = new Map<string, number[]>();
  labels.forEach((l, i) => {
    const list = byClass.get(l) ?? [];
    list.push(i);
    byClass.set(l, list);
  });
  const train: number[] = [];
  const test: number[] = [];
  for (const key of [...byClass.keys()].sort()) {
    const idx = byClass.get(key)!;
    shuffleInPlace(idx, rng);
    const nTest = Math.round(idx.length * testRatio);
    test.push(...idx.slice(0, nTest));
    train.push(...idx.slice(nTest));
  }
  return { train: train.sort((a, b) => a - b), test: test.sort((a, b) => a - b) };
}

/** k stratified train/test splits that together test every item once. */
export function kFoldSplits(labels: string[], k: number, seed: number): TrainTest[] {
  const fold = stratifiedFolds(labels, k, seed);
  return Array.from({ length: k }, (_, f) => {
    const train: number[] = [];
    const test: number[] = [];
    for (let i = 0; i < labels.length; i++) (fold[i] === f ? test : train).push(i);
    return { train, test };
  });
}

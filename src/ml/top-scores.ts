export interface Neighbour {
  /** the position of the item in the order it was added */
  item: number;
  score: number;
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

let heap = new Float64Array(64);

/**
 * The k-th largest of the first `n` values (−∞ when there are fewer), through a min-heap of the k
 * largest: one pass over a dense array, no copy.
 */
export function kthLargest(values: Float64Array, n: number, k: number): number {
  if (k <= 0 || n < k) return Number.NEGATIVE_INFINITY;
  if (heap.length < k) heap = new Float64Array(k * 2);
  const h = heap;
  for (let t = 0; t < k; t++) siftUp(h, t, values[t]!);
  for (let t = k; t < n; t++) {
    const s = values[t]!;
    if (s > h[0]!) siftDown(h, k, s);
  }
  return h[0]!;
}

function siftUp(h: Float64Array, at: number, v: number): void {
  let i = at;
  while (i > 0) {
    const parent = (i - 1) >> 1;
    if (h[parent]! <= v) break;
    h[i] = h[parent]!;
    i = parent;
  }
  h[i] = v;
}

/** replace the smallest of the `size` in the heap by v */
function siftDown(h: Float64Array, size: number, v: number): void {
  let i = 0;
  for (;;) {
    let c = 2 * i + 1;
    if (c >= size) break;
    if (c + 1 < size && h[c + 1]! < h[c]!) c++;
    if (h[c]! >= v) break;
    h[i] = h[c]!;
    i = c;
  }
  h[i] = v;
}

/** Softmax of each row of n × K scores divided by a temperature. */
export function softmaxRows(scores: Float64Array, K: number, temperature = 1): Float64Array {
  const out = new Float64Array(scores.length);
  const inv = 1 / temperature;
  for (let o = 0; o < scores.length; o += K) {
    let max = Number.NEGATIVE_INFINITY;
    for (let k = 0; k < K; k++) max = Math.max(max, scores[o + k]! * inv);
    let z = 0;
    for (let k = 0; k < K; k++) {
      const e = Math.exp(scores[o + k]! * inv - max);
      out[o + k] = e;
      z += e;
    }
    for (let k = 0; k < K; k++) out[o + k] = out[o + k]! / z;
  }
  return out;
}

function nll(scores: Float64Array, K: number, y: Int32Array, t: number): number {
  const inv = 1 / t;
  let loss = 0;
  for (let i = 0; i < y.length; i++) {
    const o = i * K;
    let max = Number.NEGATIVE_INFINITY;
    for (let k = 0; k < K; k++) max = Math.max(max, scores[o + k]! * inv);
    let z = 0;
    for (let k = 0; k < K; k++) z += Math.exp(scores[o + k]! * inv - max);
    loss -= scores[o + y[i]!]! * inv - max - Math.log(z);
  }
  return loss / Math.max(1, y.length);
}

/**
 * Temperature scaling (Guo et al., 2017): the one temperature that makes softmax(scores / T)
 * best predict held-out labels, by golden-section search on log T. Fitted on out-of-fold scores of
 * the training data only, never on the test set.
 */
export function fitTemperature(scores: Float64Array, K: number, y: Int32Array): number {
  let lo = Math.log(1e-3);
  let hi = Math.log(1e3);
  const phi = (Math.sqrt(5) - 1) / 2;
  let a = hi - phi * (hi - lo);
  let b = lo + phi * (hi - lo);
  let fa = nll(scores, K, y, Math.exp(a));
  let fb = nll(scores, K, y, Math.exp(b));
  for (let it = 0; it < 60; it++) {
    if (fa < fb) {
      hi = b;
      b = a;
      fb = fa;
      a = hi - phi * (hi - lo);
      fa = nll(scores, K, y, Math.exp(a));
    } else {
      lo = a;
      a = b;
      fa = fb;
      b = lo + phi * (hi - lo);
      fb = nll(scores, K, y, Math.exp(b));
    }
  }
  return Math.exp((lo + hi) / 2);
}

// Row-major n × K matrices of scores or probabilities, one row per report.

/** The highest-scoring class of each row of row-major n × K scores (or probabilities). */
export function argmaxRows(scores: Float64Array, K: number): Int32Array {
  const pred = new Int32Array(scores.length / K);
  for (let i = 0; i < pred.length; i++) {
    let best = 0;
    for (let k = 1; k < K; k++) if (scores[i * K + k]! > scores[i * K + best]!) best = k;
    pred[i] = best;
  }
  return pred;
}

/** Rows `rows` of a row-major n × K matrix. */
export function takeRows(m: Float64Array, rows: Int32Array, K: number): Float64Array {
  const out = new Float64Array(rows.length * K);
  for (let r = 0; r < rows.length; r++) out.set(m.subarray(rows[r]! * K, rows[r]! * K + K), r * K);
  return out;
}

import type { CsrMatrix } from './sparse.ts';

/**
 * What every fitted linear classifier here is: a weight per (feature, class) and a bias per class.
 * Weights are feature-major (w[j * K + k]) so scoring a sparse row walks memory in order.
 */
export class FittedLinearModel {
  constructor(
    readonly kind: 'svm' | 'logreg' | 'nb',
    readonly classes: string[],
    readonly nFeatures: number,
    readonly weights: Float32Array,
    readonly bias: Float32Array,
  ) {
    if (weights.length !== nFeatures * classes.length)
      throw new Error('weights do not match features × classes');
  }

  get nClasses(): number {
    return this.classes.length;
  }

  /** Decision scores, row-major n × K. */
  decision(X: CsrMatrix): Float64Array {
    const K = this.classes.length;
    const out = new Float64Array(X.nRows * K);
    const w = this.weights;
    for (let i = 0; i < X.nRows; i++) {
      const o = i * K;
      for (let k = 0; k < K; k++) out[o + k] = this.bias[k]!;
      for (let p = X.indptr[i]!; p < X.indptr[i + 1]!; p++) {
        const j = X.indices[p]!;
        if (j >= this.nFeatures) continue;
        const v = X.data[p]!;
        const base = j * K;
        for (let k = 0; k < K; k++) out[o + k]! += v * w[base + k]!;
      }
    }
    return out;
  }

  /**
   * How much each feature of row `i` below column `end` pushed class `k`'s score: value × weight,
   * largest first.
   */
  contributions(
    X: CsrMatrix,
    i: number,
    k: number,
    top: number,
    end = this.nFeatures,
  ): { feature: number; value: number }[] {
    const K = this.classes.length;
    // the `top` largest kept in a small sorted list as the row is read (an object per pushing
    // feature, then a sort, was among the largest allocations of a served answer); an equal
    // value goes after those before it, as a stable sort would put it
    const out: { feature: number; value: number }[] = [];
    if (top <= 0) return out;
    const limit = Math.min(end, this.nFeatures);
    for (let p = X.indptr[i]!; p < X.indptr[i + 1]!; p++) {
      const j = X.indices[p]!;
      if (j >= limit) continue;
      const c = X.data[p]! * this.weights[j * K + k]!;
      if (!(c > 0) || (out.length === top && c <= out[top - 1]!.value)) continue;
      let at = out.length;
      while (at > 0 && out[at - 1]!.value < c) at--;
      out.splice(at, 0, { feature: j, value: c });
      if (out.length > top) out.pop();
    }
    return out;
  }

  /** The net push of columns `from` .. `to - 1` of row `i` on class `k`'s score. */
  contributionOf(X: CsrMatrix, i: number, k: number, from: number, to: number): number {
    const K = this.classes.length;
    let sum = 0;
    for (let p = X.indptr[i]!; p < X.indptr[i + 1]!; p++) {
      const j = X.indices[p]!;
      if (j >= from && j < to && j < this.nFeatures) sum += X.data[p]! * this.weights[j * K + k]!;
    }
    return sum;
  }

  /** The weights as they are (the binary artifact keeps typed arrays as bytes). */
  toJSON(): object {
    return {
      kind: this.kind,
      classes: this.classes,
      nFeatures: this.nFeatures,
      weights: this.weights,
      bias: this.bias,
    };
  }

  /** From a binary artifact's typed arrays, or a JSON artifact's base64 weights and number list. */
  static fromJSON(o: {
    kind: 'svm' | 'logreg' | 'nb';
    classes: string[];
    nFeatures: number;
    weights: string | Float32Array;
    bias: number[] | Float32Array;
  }): FittedLinearModel {
    let weights: Float32Array;
    if (o.weights instanceof Float32Array) weights = o.weights;
    else {
      const buf = Buffer.from(o.weights, 'base64');
      weights = new Float32Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength));
    }
    if (weights.length !== o.nFeatures * o.classes.length)
      throw new Error(
        `linear model: ${weights.length} weights for ${o.nFeatures} features × ${o.classes.length} classes`,
      );
    const bias = o.bias instanceof Float32Array ? o.bias : Float32Array.from(o.bias);
    return new FittedLinearModel(o.kind, o.classes, o.nFeatures, weights, bias);
  }
}

/** Class indices and the class list, in first-seen-sorted order. */
export function encodeLabels(y: string[]): { classes: string[]; codes: Int32Array } {
  const classes = [...new Set(y)].sort();
  const idx = new Map(classes.map((c, i) => [c, i]));
  return { classes, codes: Int32Array.from(y, (c) => idx.get(c)!) };
}

/** sklearn's "balanced": n / (K × n_c), so every class weighs the same in all. */
export function balancedClassWeights(codes: Int32Array, K: number): Float64Array {
  const counts = new Float64Array(K);
  for (const c of codes) counts[c]!++;
  const out = new Float64Array(K);
  for (let k = 0; k < K; k++) out[k] = counts[k]! > 0 ? codes.length / (K * counts[k]!) : 0;
  return out;
}

/**
 * How likely a top answer is to be right, learnt from held-out answers rather than read off the
 * top probability alone. A class-balanced model's top probability orders answers badly across
 * classes: balancing lifts a rare class's probabilities, so its answers at 0.6 are right less often
 * than a common class's at 0.6, and a threshold on it mixes the two. A logistic regression of
 * "was it right?" on the top probability's log-odds, its margin over the runner-up and the answered
 * class's share of the training reports gives each answer one comparable number.
 */

/** What an answer is judged by: its probabilities, which one it gave, and that class's prior. */
export interface AnswerSignals {
  /** the top label's probability */
  top: number;
  /** the runner-up's */
  second: number;
  /** the top label's share of the training reports */
  prior: number;
}

const FEATURES = 3;
const clampP = (p: number) => Math.min(1 - 1e-6, Math.max(1e-6, p));

function featuresOf(s: AnswerSignals, out: Float64Array, at: number): void {
  const p = clampP(s.top);
  out[at] = Math.log(p / (1 - p));
  out[at + 1] = s.top - s.second;
  out[at + 2] = Math.log(clampP(s.prior));
}

/** The highest probability of one answer's row other than its top label's (`best`). */
export function runnerUp(row: ArrayLike<number>, best: number): number {
  let second = 0;
  for (let k = 0; k < row.length; k++) if (k !== best && row[k]! > second) second = row[k]!;
  return second;
}

export class AnswerConfidence {
  /** the bias, then one weight per feature */
  constructor(readonly weights: Float64Array) {}

  /** The probability that an answer with these signals is right. */
  of(s: AnswerSignals): number {
    const x = new Float64Array(FEATURES);
    featuresOf(s, x, 0);
    let z = this.weights[0]!;
    for (let j = 0; j < FEATURES; j++) z += this.weights[j + 1]! * x[j]!;
    return 1 / (1 + Math.exp(-z));
  }
}

/**
 * Fitted by Newton's method on the log-loss with a light L2 penalty (`lambda`, not on the bias):
 * four parameters, so a few iterations of a 4 × 4 solve. Null when the answers are all right or
 * all wrong (nothing to learn) or too few.
 */
export function fitAnswerConfidence(
  signals: readonly AnswerSignals[],
  correct: readonly boolean[],
  lambda = 1e-2,
): AnswerConfidence | null {
  const n = signals.length;
  const right = correct.filter(Boolean).length;
  if (n < 20 || right === 0 || right === n) return null;
  const D = FEATURES + 1;
  const X = new Float64Array(n * D);
  signals.forEach((s, i) => {
    X[i * D] = 1;
    featuresOf(s, X, i * D + 1);
  });
  const w = new Float64Array(D);
  w[0] = Math.log(right / (n - right));
  for (let iter = 0; iter < 50; iter++) {
    const g = new Float64Array(D);
    const H = new Float64Array(D * D);
    for (let i = 0; i < n; i++) {
      let z = 0;
      for (let j = 0; j < D; j++) z += w[j]! * X[i * D + j]!;
      const p = 1 / (1 + Math.exp(-z));
      const r = p - (correct[i] ? 1 : 0);
      const v = p * (1 - p);
      for (let a = 0; a < D; a++) {
        g[a]! += r * X[i * D + a]!;
        for (let b = 0; b <= a; b++) H[a * D + b]! += v * X[i * D + a]! * X[i * D + b]!;
      }
    }
    for (let a = 1; a < D; a++) {
      g[a]! += lambda * n * w[a]!;
      H[a * D + a]! += lambda * n;
    }
    H[0]! += 1e-9 * n;
    for (let a = 0; a < D; a++) for (let b = a + 1; b < D; b++) H[a * D + b] = H[b * D + a]!;
    const step = solve(H, g, D);
    if (!step) break;
    let moved = 0;
    for (let j = 0; j < D; j++) {
      w[j]! -= step[j]!;
      moved = Math.max(moved, Math.abs(step[j]!));
    }
    if (moved < 1e-8) break;
  }
  return w.every(Number.isFinite) ? new AnswerConfidence(w) : null;
}

/** A symmetric positive definite D × D system by Cholesky; null when it is not. */
function solve(A: Float64Array, b: Float64Array, D: number): Float64Array | null {
  const L = new Float64Array(D * D);
  for (let i = 0; i < D; i++) {
    for (let j = 0; j <= i; j++) {
      let s = A[i * D + j]!;
      for (let k = 0; k < j; k++) s -= L[i * D + k]! * L[j * D + k]!;
      if (i === j) {
        if (!(s > 0)) return null;
        L[i * D + i] = Math.sqrt(s);
      } else L[i * D + j] = s / L[j * D + j]!;
    }
  }
  const y = new Float64Array(D);
  for (let i = 0; i < D; i++) {
    let s = b[i]!;
    for (let k = 0; k < i; k++) s -= L[i * D + k]! * y[k]!;
    y[i] = s / L[i * D + i]!;
  }
  const x = new Float64Array(D);
  for (let i = D - 1; i >= 0; i--) {
    let s = y[i]!;
    for (let k = i + 1; k < D; k++) s -= L[k * D + i]! * x[k]!;
    x[i] = s / L[i * D + i]!;
  }
  return x;
}

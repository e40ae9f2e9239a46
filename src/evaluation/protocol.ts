import { type ClassificationMetrics, classificationMetrics } from './metrics.ts';
import type { TrainTest } from './splits.ts';

/**
 * The evaluation protocol, whatever the estimator: splits → each split's answers on its test
 * items → one pool of answers → metrics. Pure: the caller fits and predicts.
 */

/** One split's answers: a probability row per test item, over `classes`. */
export interface SplitAnswers {
  classes: readonly string[];
  truth: readonly string[];
  rows: readonly ArrayLike<number>[];
  /** milliseconds each answer took (one item at a time, as a service answers) */
  predictMs: readonly number[];
}

export interface PooledAnswers {
  classes: string[];
  truth: string[];
  y: Int32Array;
  /** row-major n × K over `classes` */
  proba: Float64Array;
  predictMs: number[];
  metrics: ClassificationMetrics;
}

/**
 * Every split's answers as one set: folds may see different classes, so each row is spread over
 * the union of classes (a class a split never saw gets probability 0 there).
 */
export function poolAnswers(parts: readonly SplitAnswers[]): PooledAnswers {
  const classes = [...new Set(parts.flatMap((p) => p.classes))].sort();
  const index = new Map(classes.map((c, i) => [c, i]));
  const K = classes.length;
  const n = parts.reduce((s, p) => s + p.truth.length, 0);
  const proba = new Float64Array(n * K);
  const truth: string[] = [];
  const predictMs: number[] = [];
  let i = 0;
  for (const p of parts) {
    if (p.rows.length !== p.truth.length)
      throw new Error(`${p.rows.length} answers for ${p.truth.length} items`);
    const cols = p.classes.map((c) => index.get(c)!);
    p.rows.forEach((row, r) => {
      for (let k = 0; k < cols.length; k++) proba[i * K + cols[k]!] = row[k]!;
      truth.push(p.truth[r]!);
      i++;
    });
    predictMs.push(...p.predictMs);
  }
  // a test label no split trained on counts as class 0's row being wrong: it is in `classes` only if seen
  const y = Int32Array.from(truth, (l) => index.get(l) ?? 0);
  return { classes, truth, y, proba, predictMs, metrics: classificationMetrics(y, proba, classes) };
}

/** A split without the classes too rare in its training part (listed with their training counts). */
export function withoutRareClasses(
  split: TrainTest,
  trainLabel: (i: number) => string,
  testLabel: (i: number) => string,
  minClass: number,
): { train: number[]; test: number[]; dropped: Map<string, number> } {
  const counts = new Map<string, number>();
  for (const i of split.train) counts.set(trainLabel(i), (counts.get(trainLabel(i)) ?? 0) + 1);
  const dropped = new Map([...counts].filter(([, c]) => c < minClass));
  return {
    train: split.train.filter((i) => (counts.get(trainLabel(i)) ?? 0) >= minClass),
    test: split.test.filter((i) => (counts.get(testLabel(i)) ?? 0) >= minClass),
    dropped,
  };
}

export function percentile(xs: readonly number[], q: number): number {
  if (xs.length === 0) return 0;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))]!;
}

/** Each group's answers, for the figures of all groups' reports together. */
export interface GroupAnswers {
  group: string;
  truth: readonly string[];
  predicted: readonly string[];
  /** the probability of each predicted label */
  confidence: readonly number[];
}

export interface PooledGroupFigures {
  n: number;
  /** right answers over all groups' test reports */
  accuracy: number;
  /** macro F1 over every group's classes (`group: label`) that have test reports */
  macroF1: number;
  /** calibration of the top answers over all test reports, 10 bins */
  ece: number;
}

/**
 * The figures of every group's test reports taken together (what a tracker with several projects
 * sees in all), beside the mean of the groups' figures (what a per-project benchmark reports).
 */
export function pooledGroupFigures(groups: readonly GroupAnswers[]): PooledGroupFigures {
  let n = 0;
  let right = 0;
  const stats = new Map<string, { tp: number; fp: number; fn: number }>();
  const get = (k: string) => {
    let s = stats.get(k);
    if (!s) {
      s = { tp: 0, fp: 0, fn: 0 };
      stats.set(k, s);
    }
    return s;
  };
  const bins = Array.from({ length: 10 }, () => ({ count: 0, conf: 0, right: 0 }));
  for (const g of groups) {
    g.truth.forEach((t, i) => {
      const p = g.predicted[i]!;
      const ok = p === t;
      n++;
      if (ok) {
        right++;
        get(`${g.group}: ${t}`).tp++;
      } else {
        get(`${g.group}: ${t}`).fn++;
        get(`${g.group}: ${p}`).fp++;
      }
      const c = g.confidence[i]!;
      const b = bins[Math.min(9, Math.floor(c * 10))]!;
      b.count++;
      b.conf += c;
      b.right += ok ? 1 : 0;
    });
  }
  const f1s = [...stats.values()]
    .filter((s) => s.tp + s.fn > 0)
    .map((s) => (s.tp === 0 ? 0 : (2 * s.tp) / (2 * s.tp + s.fp + s.fn)));
  const ece = bins.reduce(
    (sum, b) => sum + (b.count > 0 ? (b.count / n) * Math.abs(b.conf / b.count - b.right / b.count) : 0),
    0,
  );
  return {
    n,
    accuracy: n > 0 ? right / n : 0,
    macroF1: f1s.length > 0 ? f1s.reduce((a, b) => a + b, 0) / f1s.length : 0,
    ece: n > 0 ? ece : 0,
  };
}

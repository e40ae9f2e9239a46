/**
 * Metrics of a multi-label answer: each report may carry any number of labels, each predicted
 * with its own probability and asserted at or above a threshold.
 */

export interface LabelMetrics {
  label: string;
  /** test reports that carry it */
  support: number;
  precision: number;
  recall: number;
  f1: number;
  brier: number;
  /** ROC AUC of its probabilities; null when the test reports all carry it or none does */
  auc: number | null;
}

export interface MultilabelMetrics {
  n: number;
  labels: string[];
  threshold: number;
  /** reports whose asserted set is exactly their true set (an empty one included) */
  subsetAccuracy: number;
  /** wrong yes/no decisions per report and label */
  hammingLoss: number;
  /** (report, label) pairs asserted, and of those right */
  asserted: number;
  assertedRight: number;
  microPrecision: number;
  microRecall: number;
  microF1: number;
  /** the mean of the labels' F1 */
  macroF1: number;
  /** the mean Brier score over reports and labels */
  brier: number;
  /** expected calibration error over every (report, label) probability, 10 bins */
  ece: number;
  perLabel: LabelMetrics[];
}

const f1Of = (p: number, r: number) => (p + r > 0 ? (2 * p * r) / (p + r) : 0);

/** AUC as the chance a random positive outranks a random negative (ties count half). */
export function rocAuc(scores: ArrayLike<number>, positive: ArrayLike<boolean>): number | null {
  const idx = Array.from({ length: scores.length }, (_, i) => i).sort((a, b) => scores[a]! - scores[b]!);
  let pos = 0;
  let rankSum = 0;
  for (let i = 0; i < idx.length; ) {
    let j = i;
    while (j + 1 < idx.length && scores[idx[j + 1]!] === scores[idx[i]!]) j++;
    const mid = (i + j) / 2 + 1;
    for (let t = i; t <= j; t++)
      if (positive[idx[t]!]) {
        pos++;
        rankSum += mid;
      }
    i = j + 1;
  }
  const neg = idx.length - pos;
  if (pos === 0 || neg === 0) return null;
  return (rankSum - (pos * (pos + 1)) / 2) / (pos * neg);
}

/** `truth[i]` is report i's labels; `proba` is n × L in the order of `labels`. */
export function multilabelMetrics(
  truth: readonly (readonly string[])[],
  proba: Float64Array,
  labels: readonly string[],
  threshold: number,
): MultilabelMetrics {
  const n = truth.length;
  const L = labels.length;
  if (proba.length !== n * L) throw new Error(`${proba.length} probabilities for ${n} reports × ${L} labels`);
  const sets = truth.map((t) => new Set(t));
  let exact = 0;
  let wrong = 0;
  let brier = 0;
  const bins = Array.from({ length: 10 }, () => ({ count: 0, p: 0, yes: 0 }));
  for (let i = 0; i < n; i++) {
    let same = true;
    for (let l = 0; l < L; l++) {
      const p = proba[i * L + l]!;
      const y = sets[i]!.has(labels[l]!);
      if (p >= threshold !== y) {
        same = false;
        wrong++;
      }
      brier += (p - (y ? 1 : 0)) ** 2;
      const b = bins[Math.min(9, Math.floor(p * 10))]!;
      b.count++;
      b.p += p;
      b.yes += y ? 1 : 0;
    }
    if (same) exact++;
  }
  let tpAll = 0;
  let fpAll = 0;
  let fnAll = 0;
  const perLabel = labels.map((label, l) => {
    let tp = 0;
    let fp = 0;
    let fn = 0;
    let b = 0;
    const scores = new Float64Array(n);
    const positive = new Array<boolean>(n);
    for (let i = 0; i < n; i++) {
      const p = proba[i * L + l]!;
      const y = sets[i]!.has(label);
      scores[i] = p;
      positive[i] = y;
      if (p >= threshold) y ? tp++ : fp++;
      else if (y) fn++;
      b += (p - (y ? 1 : 0)) ** 2;
    }
    tpAll += tp;
    fpAll += fp;
    fnAll += fn;
    const precision = tp + fp > 0 ? tp / (tp + fp) : 0;
    const recall = tp + fn > 0 ? tp / (tp + fn) : 0;
    return {
      label,
      support: tp + fn,
      precision,
      recall,
      f1: f1Of(precision, recall),
      brier: n > 0 ? b / n : 0,
      auc: rocAuc(scores, positive),
    };
  });
  const microPrecision = tpAll + fpAll > 0 ? tpAll / (tpAll + fpAll) : 0;
  const microRecall = tpAll + fnAll > 0 ? tpAll / (tpAll + fnAll) : 0;
  const cells = n * L;
  const ece = bins.reduce(
    (s, b) => s + (b.count > 0 ? (b.count / cells) * Math.abs(b.p / b.count - b.yes / b.count) : 0),
    0,
  );
  return {
    n,
    labels: [...labels],
    threshold,
    subsetAccuracy: n > 0 ? exact / n : 0,
    hammingLoss: cells > 0 ? wrong / cells : 0,
    asserted: tpAll + fpAll,
    assertedRight: tpAll,
    microPrecision,
    microRecall,
    microF1: f1Of(microPrecision, microRecall),
    macroF1: L > 0 ? perLabel.reduce((s, x) => s + x.f1, 0) / L : 0,
    brier: cells > 0 ? brier / cells : 0,
    ece: cells > 0 ? ece : 0,
    perLabel,
  };
}

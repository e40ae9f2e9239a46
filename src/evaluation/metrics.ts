/**
 * Classification metrics over calibrated probabilities. Inputs: the true class index of each
 * item and its probability row (n × K, row-major), over `classes`.
 */

export interface PerClassMetrics {
  label: string;
  precision: number;
  recall: number;
  f1: number;
  support: number;
  /** one-vs-rest ROC AUC; null when the test set has no positive or no negative */
  auc: number | null;
  /** average precision (area under the precision-recall curve, step-wise) */
  averagePrecision: number | null;
}

export interface CurvePoint {
  x: number;
  y: number;
  threshold: number;
}

export interface ReliabilityBin {
  lo: number;
  hi: number;
  count: number;
  confidence: number;
  accuracy: number;
}

export interface CoveragePoint {
  threshold: number;
  coverage: number;
  precision: number;
}

export interface CostPoint {
  threshold: number;
  /** cost of a wrong answer, in units of the gain of a right one */
  wrongCost: number;
  /** mean gain per report: +1 right, 0 abstained, -wrongCost wrong */
  utility: number;
}

export interface ClassificationMetrics {
  n: number;
  classes: string[];
  accuracy: number;
  macroPrecision: number;
  macroRecall: number;
  macroF1: number;
  microF1: number;
  weightedF1: number;
  topK: Record<string, number>;
  auc: number | null;
  brier: number;
  rmse: number;
  logLoss: number;
  ece: number;
  perClass: PerClassMetrics[];
  confusion: number[][];
  reliability: ReliabilityBin[];
  coverage: CoveragePoint[];
  cost: CostPoint[];
  roc: Record<string, CurvePoint[]>;
  pr: Record<string, CurvePoint[]>;
  /** Drummond & Holte cost curve (normalised expected cost vs probability cost), two-class tasks only */
  costCurve: { pc: number; nec: number }[] | null;
}

function argmaxRow(p: Float64Array, o: number, K: number): number {
  let best = 0;
  for (let k = 1; k < K; k++) if (p[o + k]! > p[o + best]!) best = k;
  return best;
}

/** A curve's `m` points (`xs`, `ys`, `ts`) thinned to at most `max`, keeping the first and last. */
function thinned(xs: Float64Array, ys: Float64Array, ts: Float64Array, m: number, max = 150): CurvePoint[] {
  const at = (i: number): CurvePoint => ({ x: xs[i]!, y: ys[i]!, threshold: ts[i]! });
  if (m <= max) return Array.from({ length: m }, (_, i) => at(i));
  const step = (m - 1) / (max - 1);
  return Array.from({ length: max }, (_, i) => at(Math.round(i * step)));
}

/**
 * ROC and precision-recall of one class against the rest. The positives' and negatives' scores
 * are sorted apart as numbers and walked down together, one step per distinct score, and only the
 * points a chart keeps become objects: a comparator sort of every index and a point object per
 * step were most of `train`'s metrics on a 250,000-report window (60 classes: seconds, and a
 * gigabyte of short-lived objects).
 */
export function binaryCurves(
  scores: Float64Array,
  positive: Uint8Array,
): { roc: CurvePoint[]; pr: CurvePoint[]; auc: number | null; ap: number | null } {
  const n = scores.length;
  let P = 0;
  for (let i = 0; i < n; i++) P += positive[i]!;
  const N = n - P;
  if (P === 0 || N === 0) return { roc: [], pr: [], auc: null, ap: null };
  const pos = new Float64Array(P);
  const neg = new Float64Array(N);
  for (let i = 0, a = 0, b = 0; i < n; i++) {
    if (positive[i]) pos[a++] = scores[i]!;
    else neg[b++] = scores[i]!;
  }
  pos.sort();
  neg.sort();
  // roc has the (0, 0) point first; each step adds one point to each curve
  const rx = new Float64Array(n + 1);
  const ry = new Float64Array(n + 1);
  const rt = new Float64Array(n + 1);
  const px = new Float64Array(n);
  const py = new Float64Array(n);
  const pt = new Float64Array(n);
  rt[0] = Number.POSITIVE_INFINITY;
  let steps = 0;
  let a = P - 1;
  let b = N - 1;
  let tp = 0;
  let fp = 0;
  let auc = 0;
  let ap = 0;
  let prevRecall = 0;
  let prevFpr = 0;
  let prevTpr = 0;
  while (a >= 0 || b >= 0) {
    // the next score down, and every report that has it: ties close one step
    const s = a < 0 ? neg[b]! : b < 0 ? pos[a]! : Math.max(pos[a]!, neg[b]!);
    // a score that is not a number sorts last, so the first step takes every one of them
    const nan = Number.isNaN(s);
    while (a >= 0 && (pos[a] === s || (nan && Number.isNaN(pos[a]!)))) {
      tp++;
      a--;
    }
    while (b >= 0 && (neg[b] === s || (nan && Number.isNaN(neg[b]!)))) {
      fp++;
      b--;
    }
    const tpr = tp / P;
    const fpr = fp / N;
    auc += ((fpr - prevFpr) * (tpr + prevTpr)) / 2;
    const precision = tp / (tp + fp);
    ap += (tpr - prevRecall) * precision;
    rx[steps + 1] = fpr;
    ry[steps + 1] = tpr;
    rt[steps + 1] = s;
    px[steps] = tpr;
    py[steps] = precision;
    pt[steps] = s;
    steps++;
    prevFpr = fpr;
    prevTpr = tpr;
    prevRecall = tpr;
  }
  return { roc: thinned(rx, ry, rt, steps + 1), pr: thinned(px, py, pt, steps), auc, ap };
}

const COVERAGE_THRESHOLDS = [0.5, 0.55, 0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95];
const WRONG_COSTS = [1, 2, 5];

export function classificationMetrics(
  y: Int32Array,
  proba: Float64Array,
  classes: string[],
  bins = 10,
): ClassificationMetrics {
  const K = classes.length;
  const n = y.length;
  const confusion = Array.from({ length: K }, () => new Array<number>(K).fill(0));
  const pred = new Int32Array(n);
  const conf = new Float64Array(n);
  let correct = 0;
  let brier = 0;
  let logLoss = 0;
  const ks = [1, 3, 5].filter((k) => k === 1 || k < K || (k === 3 && K >= 3));
  const topHits = new Map<number, number>(ks.map((k) => [k, 0]));
  for (let i = 0; i < n; i++) {
    const o = i * K;
    const p = argmaxRow(proba, o, K);
    pred[i] = p;
    conf[i] = proba[o + p]!;
    confusion[y[i]!]![p]!++;
    if (p === y[i]) correct++;
    for (let k = 0; k < K; k++) {
      const d = proba[o + k]! - (k === y[i] ? 1 : 0);
      brier += d * d;
    }
    logLoss -= Math.log(Math.max(proba[o + y[i]!]!, 1e-15));
    const truth = proba[o + y[i]!]!;
    let rank = 0;
    for (let k = 0; k < K; k++) if (proba[o + k]! > truth) rank++;
    for (const k of ks) if (rank < k) topHits.set(k, topHits.get(k)! + 1);
  }
  const perClass: PerClassMetrics[] = [];
  const roc: Record<string, CurvePoint[]> = {};
  const pr: Record<string, CurvePoint[]> = {};
  let macroP = 0;
  let macroR = 0;
  let macroF = 0;
  let weighted = 0;
  let aucSum = 0;
  let aucCount = 0;
  const scores = new Float64Array(n);
  const pos = new Uint8Array(n);
  for (let k = 0; k < K; k++) {
    let tp = 0;
    let fp = 0;
    let fn = 0;
    for (let j = 0; j < K; j++) {
      if (j !== k) {
        fp += confusion[j]![k]!;
        fn += confusion[k]![j]!;
      }
    }
    tp = confusion[k]![k]!;
    const support = tp + fn;
    const precision = tp + fp > 0 ? tp / (tp + fp) : 0;
    const recall = support > 0 ? tp / support : 0;
    const f1 = precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0;
    for (let i = 0; i < n; i++) {
      scores[i] = proba[i * K + k]!;
      pos[i] = y[i] === k ? 1 : 0;
    }
    const curves = binaryCurves(scores, pos);
    if (curves.auc !== null) {
      aucSum += curves.auc;
      aucCount++;
      roc[classes[k]!] = curves.roc;
      pr[classes[k]!] = curves.pr;
    }
    perClass.push({
      label: classes[k]!,
      precision,
      recall,
      f1,
      support,
      auc: curves.auc,
      averagePrecision: curves.ap,
    });
    macroP += precision;
    macroR += recall;
    macroF += f1;
    weighted += f1 * support;
  }
  // reliability of the top label's confidence, equal-width bins
  const reliability: ReliabilityBin[] = [];
  let ece = 0;
  for (let b = 0; b < bins; b++) {
    const lo = b / bins;
    const hi = (b + 1) / bins;
    let count = 0;
    let cs = 0;
    let acc = 0;
    for (let i = 0; i < n; i++) {
      const c = conf[i]!;
      if (c >= lo && (c < hi || (b === bins - 1 && c <= hi))) {
        count++;
        cs += c;
        if (pred[i] === y[i]) acc++;
      }
    }
    if (count > 0) {
      reliability.push({ lo, hi, count, confidence: cs / count, accuracy: acc / count });
      ece += (count / n) * Math.abs(acc / count - cs / count);
    }
  }
  const coverage: CoveragePoint[] = COVERAGE_THRESHOLDS.map((t) => {
    let answered = 0;
    let right = 0;
    for (let i = 0; i < n; i++) {
      if (conf[i]! >= t) {
        answered++;
        if (pred[i] === y[i]) right++;
      }
    }
    return { threshold: t, coverage: answered / n, precision: answered > 0 ? right / answered : 1 };
  });
  const cost: CostPoint[] = [];
  for (const c of WRONG_COSTS) {
    for (let t = 0; t <= 100; t += 2) {
      const th = t / 100;
      let u = 0;
      for (let i = 0; i < n; i++) if (conf[i]! >= th) u += pred[i] === y[i] ? 1 : -c;
      cost.push({ threshold: th, wrongCost: c, utility: u / n });
    }
  }
  let costCurve: { pc: number; nec: number }[] | null = null;
  if (K === 2 && roc[classes[1]!]) {
    const pts = roc[classes[1]!]!;
    costCurve = [];
    for (let t = 0; t <= 100; t++) {
      const pc = t / 100;
      let best = Number.POSITIVE_INFINITY;
      for (const p of pts) best = Math.min(best, (1 - p.y) * pc + p.x * (1 - pc));
      costCurve.push({ pc, nec: best });
    }
  }
  const topK: Record<string, number> = {};
  for (const k of ks) topK[`top${k}`] = topHits.get(k)! / n;
  return {
    n,
    classes,
    accuracy: correct / n,
    macroPrecision: macroP / K,
    macroRecall: macroR / K,
    macroF1: macroF / K,
    // single-label: micro-F1 equals accuracy
    microF1: correct / n,
    weightedF1: weighted / n,
    topK,
    auc: aucCount > 0 ? aucSum / aucCount : null,
    brier: brier / n,
    rmse: Math.sqrt(brier / (n * K)),
    logLoss: logLoss / n,
    ece,
    perClass,
    confusion,
    reliability,
    coverage,
    cost,
    roc,
    pr,
    costCurve,
  };
}

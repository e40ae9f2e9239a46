import { fitTemperature, softmaxRows } from './calibration.ts';
import { stratifiedFolds } from './folds.ts';
import { argmaxRows, takeRows } from './rows.ts';

export interface EnsembleChoice {
  /** how many times each candidate was picked: its weight in the average (0: left out) */
  counts: number[];
  /** each candidate's temperature, fitted on its own out-of-fold scores */
  temperatures: number[];
  /** the chosen blend's mean log-likelihood on the out-of-fold rows */
  logLikelihood: number;
}

/**
 * Ensemble selection (Caruana et al., 2004): starting from nothing, add (with replacement) the
 * candidate whose calibrated out-of-fold probabilities most improve the average's log-likelihood,
 * until none does or `maxSize` picks are made, with at most `maxMembers` different candidates (each
 * one is fitted, stored and asked for every answer). Log-likelihood rather than accuracy or F1: it is
 * smooth on a few hundred rows, where an argmax metric moves in steps of one report and greedy
 * picks chase noise, and it is what a calibrated answer is for. Picking with replacement lets a
 * strong candidate weigh more than a weak one without a separate weight search.
 *
 * `scores[c]` is candidate c's out-of-fold decision scores, row-major n × K; `y` the true classes.
 */
export function selectEnsemble(
  scores: Float64Array[],
  y: Int32Array,
  K: number,
  maxSize = 10,
  maxMembers = 3,
): EnsembleChoice {
  const temperatures = scores.map((s) => fitTemperature(s, K, y));
  const probs = scores.map((s, c) => softmaxRows(s, K, temperatures[c]));
  // the average of normalised rows is normalised, so the likelihood reads only each row's true
  // class: the search runs on n numbers a candidate, not n × K (166 classes: 166 times less work)
  const n = y.length;
  const truth = probs.map((p) => Float64Array.from(y, (k, i) => p[i * K + k]!));
  const counts = scores.map(() => 0);
  const sumTrue = new Float64Array(n);
  let size = 0;
  let current = Number.NEGATIVE_INFINITY;
  let members = 0;
  while (size < maxSize) {
    let bestC = -1;
    let bestScore = current;
    for (let c = 0; c < truth.length; c++) {
      if (counts[c] === 0 && members >= maxMembers) continue;
      const t = truth[c]!;
      let ll = 0;
      for (let i = 0; i < n; i++) ll += Math.log(Math.max(1e-15, (sumTrue[i]! + t[i]!) / (size + 1)));
      const s = ll / Math.max(1, n);
      // a real gain only: ties keep the smaller blend
      if (s > bestScore + 1e-9) {
        bestScore = s;
        bestC = c;
      }
    }
    if (bestC < 0) break;
    if (counts[bestC] === 0) members++;
    const t = truth[bestC]!;
    for (let i = 0; i < n; i++) sumTrue[i]! += t[i]!;
    counts[bestC]!++;
    size++;
    current = bestScore;
  }
  return { counts, temperatures, logLikelihood: current };
}

export interface HeldOutComparison {
  /** mean over the held-out halves of (blend's score − the single best candidate's score) */
  gain: number;
  /** how many held-out halves were scored (2 × repeats) */
  halves: number;
}

/**
 * The blend against the best single candidate, each chosen on one half of the out-of-fold rows and
 * scored on the other half (then the halves swap; `repeats` stratified halvings). Comparing the
 * blend with the best candidate on the rows both were chosen on flatters the single model: it is
 * the maximum of dozens of noisy scores (the winner's curse), while the blend's picks chase
 * likelihood, not that metric. Here both sides pay for their own selection alike.
 *
 * `metric(pred, y)` scores predicted classes (higher is better); `scores` as for selectEnsemble.
 */
export function compareBlendHeldOut(
  scores: Float64Array[],
  y: Int32Array,
  K: number,
  metric: (pred: Int32Array, y: Int32Array) => number,
  opts: { repeats: number; seed: number; maxSize?: number; maxMembers?: number },
): HeldOutComparison {
  let gain = 0;
  let halves = 0;
  for (let rep = 0; rep < opts.repeats; rep++) {
    const fold = stratifiedFolds(y, 2, opts.seed + rep);
    const sides = [0, 1].map((f) => Int32Array.from(fold.keys()).filter((i) => fold[i] === f));
    for (const [a, b] of [
      [sides[0]!, sides[1]!],
      [sides[1]!, sides[0]!],
    ] as const) {
      if (a.length === 0 || b.length === 0) continue;
      const yA = Int32Array.from(a, (i) => y[i]!);
      const yB = Int32Array.from(b, (i) => y[i]!);
      const onA = scores.map((s) => takeRows(s, a, K));
      const onB = scores.map((s) => takeRows(s, b, K));
      let best = 0;
      let bestScore = Number.NEGATIVE_INFINITY;
      onA.forEach((s, c) => {
        const v = metric(argmaxRows(s, K), yA);
        if (v > bestScore) {
          bestScore = v;
          best = c;
        }
      });
      const choice = selectEnsemble(onA, yA, K, opts.maxSize, opts.maxMembers);
      const picks = choice.counts.reduce((x, n) => x + n, 0);
      const blendB = new Float64Array(b.length * K);
      choice.counts.forEach((n, c) => {
        if (n === 0) return;
        const p = softmaxRows(onB[c]!, K, choice.temperatures[c]);
        for (let j = 0; j < blendB.length; j++) blendB[j]! += (n / picks) * p[j]!;
      });
      gain += metric(argmaxRows(blendB, K), yB) - metric(argmaxRows(onB[best]!, K), yB);
      halves++;
    }
  }
  return { gain: halves > 0 ? gain / halves : 0, halves };
}

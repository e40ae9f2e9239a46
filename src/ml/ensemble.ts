import { fitTemperature, softmaxRows } from './calibration.ts';

/** Mean log-probability of the true class (the negative of log-loss). */
function meanLogLikelihood(p: Float64Array, y: Int32Array, K: number): number {
  let sum = 0;
  for (let i = 0; i < y.length; i++) sum += Math.log(Math.max(1e-15, p[i * K + y[i]!]!));
  return sum / Math.max(1, y.length);
}

export interface EnsembleChoice {
  /** how many times each candidate was picked: its weight in the average (0: left out) */
  counts: number[];
  /** each candidate's temperature, fitted on its own out-of-fold scores */
  temperatures: number[];
  /** the chosen blend's mean log-likelihood on the out-of-fold rows */
  logLikelihood: number;
  /** the chosen blend's out-of-fold probabilities, row-major n × K */
  probabilities: Float64Array;
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
  const counts = scores.map(() => 0);
  const sum = new Float64Array(y.length * K);
  const trial = new Float64Array(sum.length);
  let size = 0;
  let current = Number.NEGATIVE_INFINITY;
  let members = 0;
  while (size < maxSize) {
    let bestC = -1;
    let bestScore = current;
    for (let c = 0; c < probs.length; c++) {
      if (counts[c] === 0 && members >= maxMembers) continue;
      const p = probs[c]!;
      for (let j = 0; j < sum.length; j++) trial[j] = (sum[j]! + p[j]!) / (size + 1);
      const s = meanLogLikelihood(trial, y, K);
      // a real gain only: ties keep the smaller blend
      if (s > bestScore + 1e-9) {
        bestScore = s;
        bestC = c;
      }
    }
    if (bestC < 0) break;
    if (counts[bestC] === 0) members++;
    const p = probs[bestC]!;
    for (let j = 0; j < sum.length; j++) sum[j]! += p[j]!;
    counts[bestC]!++;
    size++;
    current = bestScore;
  }
  for (let j = 0; j < sum.length; j++) sum[j]! /= Math.max(1, size);
  return { counts, temperatures, logLikelihood: current, probabilities: sum };
}

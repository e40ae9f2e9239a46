import type { ScoredAnswer } from '../evaluation/abstention.ts';
import {
  applyClassBiases,
  fitClassBiases,
  runnerUp,
  softmaxRows,
  type TextModel,
  withBiases,
} from '../ml/index.ts';
import type { TailScores } from './blend-gates.ts';

/**
 * Where the model search's bias correction gets its held-out probabilities: the newest fifth of
 * the training reports on a time split (each member learning from the older four fifths, as its
 * temperature does), else the search's out-of-fold rows. Never the test reports.
 */

/** Held-out rows of a model: each member's decision scores over `classes`, aligned row by row. */
export interface HeldOut {
  classes: string[];
  codes: Int32Array;
  /** one per member of the model, in its order */
  scores: Float64Array[];
}

/** A time split's tails as held-out rows (null when a member has none). */
export function heldOutOfTails(tails: (TailScores | null)[]): HeldOut | null {
  if (tails.length === 0 || tails.some((t) => !t)) return null;
  const first = tails[0]!;
  return { classes: first.classes, codes: first.codes, scores: tails.map((t) => t!.scores) };
}

/** The members' calibrated probabilities on the held-out rows, averaged by weight (no biases). */
function probabilitiesOn(model: TextModel, held: HeldOut): Float64Array {
  const K = held.classes.length;
  const members = model.members();
  const p = new Float64Array(held.codes.length * K);
  let total = 0;
  members.forEach((m, i) => {
    const q = softmaxRows(held.scores[i]!, K, m.classifier.temperature);
    for (let j = 0; j < p.length; j++) p[j]! += m.weight * q[j]!;
    total += m.weight;
  });
  for (let j = 0; j < p.length; j++) p[j]! /= total;
  return p;
}

/**
 * Per-class biases for `model`, fitted on its members' held-out probabilities (each at its own
 * temperature, averaged by weight), in the model's class order; a class the held-out rows do not
 * know keeps bias 0. Null when there are too few rows to say anything.
 */
export function biasesFor(model: TextModel, held: HeldOut | null): Float64Array | null {
  if (!held || held.codes.length < 50) return null;
  const K = held.classes.length;
  const b = fitClassBiases(probabilitiesOn(model, held), K, held.codes);
  const at = new Map(held.classes.map((c, k) => [c, k]));
  return Float64Array.from(model.classes, (c) => (at.has(c) ? b[at.get(c)!]! : 0));
}

/**
 * `to` answering through `from`'s biases, class by class (a class `from` does not know: 0): a
 * model refitted with validated settings keeps the validated correction.
 */
export function withBiasesOf(from: TextModel, to: TextModel): TextModel {
  if (!from.biases) return to;
  const at = new Map(from.classes.map((c, k) => [c, k]));
  const b = from.biases;
  return withBiases(
    to,
    Float64Array.from(to.classes, (c) => (at.has(c) ? b[at.get(c)!]! : 0)),
  );
}

/** The model's top answer on each held-out row, with its probability and whether it was right. */
export function heldOutAnswers(model: TextModel, held: HeldOut | null): ScoredAnswer[] | null {
  if (!held || held.codes.length === 0) return null;
  const K = held.classes.length;
  const p = probabilitiesOn(model, held);
  const at = new Map(held.classes.map((c, k) => [c, k]));
  // the model's biases are in its own class order: moved onto the held-out rows' classes
  if (model.biases) {
    const b = new Float64Array(K);
    model.classes.forEach((c, k) => {
      if (at.has(c)) b[at.get(c)!] = model.biases![k]!;
    });
    applyClassBiases(p, K, b);
  }
  return Array.from(held.codes, (truth, i) => {
    let best = 0;
    for (let k = 1; k < K; k++) if (p[i * K + k]! > p[i * K + best]!) best = k;
    return {
      probability: p[i * K + best]!,
      correct: best === truth,
      label: held.classes[best]!,
      second: runnerUp(p.subarray(i * K, (i + 1) * K), best),
    };
  });
}

/**
 * The held-out answers of `periods` periods: the older period's before the newest fifth's when two
 * are asked and the search made both, else the newest fifth's alone (the same array).
 */
export function periodsOf(
  periods: 1 | 2,
  older: ScoredAnswer[] | null,
  newest: ScoredAnswer[] | null,
): ScoredAnswer[] | null {
  return periods === 2 && older && newest ? [...older, ...newest] : newest;
}

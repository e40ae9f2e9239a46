import { fitAnswerConfidence } from '../ml/index.ts';
import type { ScoredAnswer } from './abstention.ts';

/**
 * Held-out and test answers scored by a confidence learnt on the held-out ones (its signals: the
 * top probability, the runner-up's, the answered class's share of the training labels); with too
 * little to learn from, the top probability as it was.
 */
export function learnedConfidence(
  heldOut: ScoredAnswer[],
  test: ScoredAnswer[],
  trainLabels: string[],
): [ScoredAnswer[], ScoredAnswer[]] {
  const counts = new Map<string, number>();
  for (const l of trainLabels) counts.set(l, (counts.get(l) ?? 0) + 1);
  const signals = (a: ScoredAnswer) => ({
    top: a.probability,
    second: a.second ?? 0,
    prior: (counts.get(a.label ?? '') ?? 0) / trainLabels.length,
  });
  const fit = (answers: ScoredAnswer[]) =>
    fitAnswerConfidence(
      answers.map(signals),
      answers.map((a) => a.correct),
    );
  const model = fit(heldOut);
  // the held-out answers' own confidences come from the model of the other half (cross-fitted),
  // so the threshold chosen on them is not chosen on answers the confidence was fitted to
  const halves = [heldOut.filter((_, i) => i % 2 === 0), heldOut.filter((_, i) => i % 2 === 1)];
  const other = [fit(halves[1]!), fit(halves[0]!)];
  if (!model || !other[0] || !other[1]) return [heldOut, test];
  const scored = (m: NonNullable<typeof model>) => (a: ScoredAnswer) => ({
    probability: m.of(signals(a)),
    correct: a.correct,
  });
  return [heldOut.map((a, i) => scored(other[i % 2]!)(a)), test.map(scored(model))];
}

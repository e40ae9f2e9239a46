/** One validation answer: the top label's probability and whether the top label was right. */
export interface ScoredAnswer {
  probability: number;
  correct: boolean;
}

export interface ThresholdChoice {
  threshold: number;
  /** of the answers at or above the threshold, the share that were right */
  precision: number;
  /** the share of reports answered rather than left to a human */
  coverage: number;
  /** mean gain per report: +1 right, 0 abstained, -cost wrong */
  utility: number;
  cost: number;
}

/**
 * The confidence threshold that maximises expected gain on validation answers when a right answer
 * earns 1, an abstention 0 and a wrong answer costs `cost`. Every distinct probability is a
 * candidate, so the choice is exact for the validation set; ties go to the lower threshold
 * (more answers).
 */
export function chooseThreshold(answers: ScoredAnswer[], cost: number): ThresholdChoice {
  const n = answers.length;
  if (n === 0) return { threshold: 0, precision: 0, coverage: 0, utility: 0, cost };
  const sorted = [...answers].sort((a, b) => b.probability - a.probability);
  // answering everything at or above sorted[i].probability: walk down, scoring as we go
  let best: ThresholdChoice = { threshold: 1.000001, precision: 1, coverage: 0, utility: 0, cost };
  let right = 0;
  let gain = 0;
  for (let i = 0; i < n; i++) {
    const a = sorted[i]!;
    if (a.correct) {
      right++;
      gain += 1;
    } else gain -= cost;
    // only cut between distinct probabilities: equal scores are answered together
    if (i + 1 < n && sorted[i + 1]!.probability === a.probability) continue;
    const utility = gain / n;
    if (utility >= best.utility) {
      best = { threshold: a.probability, precision: right / (i + 1), coverage: (i + 1) / n, utility, cost };
    }
  }
  return best;
}

/** Precision and coverage of a given threshold on validation answers. */
export function thresholdStats(
  answers: ScoredAnswer[],
  threshold: number,
): { precision: number; coverage: number } {
  let answered = 0;
  let right = 0;
  for (const a of answers) {
    if (a.probability >= threshold) {
      answered++;
      if (a.correct) right++;
    }
  }
  return {
    precision: answered > 0 ? right / answered : 1,
    coverage: answers.length > 0 ? answered / answers.length : 0,
  };
}

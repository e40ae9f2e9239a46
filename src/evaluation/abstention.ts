/** One validation answer: the top label's probability and whether the top label was right. */
export interface ScoredAnswer {
  probability: number;
  correct: boolean;
  /** the top label, and the runner-up's probability (what a learnt confidence reads; `answer-confidence.ts`) */
  label?: string;
  second?: number;
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
 * earns 1, an abstention 0 and a wrong answer costs `cost`. Candidates are a grid of hundredths
 * from 0 to 0.99: a threshold fitted to the exact validation probabilities would overfit them
 * (a model sure of everything would get a threshold of 0.9997 and abstain on the next 0.9996).
 * Ties go to the lower threshold (more answers); when every threshold loses, it is 1 (abstain).
 */
export function chooseThreshold(
  answers: ScoredAnswer[],
  cost: number,
  /** `wilson`: judge each threshold by its gain with the precision at its 95% Wilson lower bound */
  bound?: 'wilson',
): ThresholdChoice {
  const n = answers.length;
  if (n === 0) return { threshold: 1, precision: 1, coverage: 0, utility: 0, cost };
  let best: ThresholdChoice = { threshold: 1, precision: 1, coverage: 0, utility: 0, cost };
  let bestScore = 0;
  for (let step = 99; step >= 0; step--) {
    const t = step / 100;
    let right = 0;
    let answered = 0;
    for (const a of answers) {
      if (a.probability >= t) {
        answered++;
        if (a.correct) right++;
      }
    }
    const utility = (right - cost * (answered - right)) / n;
    const score =
      bound === 'wilson' && answered > 0
        ? (answered / n) * ((1 + cost) * wilsonLower(right, answered) - cost)
        : utility;
    if (answered > 0 && score >= bestScore) {
      bestScore = score;
      best = { threshold: t, precision: right / answered, coverage: answered / n, utility, cost };
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

/** the fewest answers a threshold must leave for its precision to mean something */
const MIN_ANSWERED = 20;

/**
 * The lowest threshold (a hundredth grid, as chooseThreshold's) at which the answers at or above
 * it are right at least `target` of the time: the most reports answered at that precision. Null
 * when no threshold reaches it with at least MIN_ANSWERED answers (the top confidence does not
 * separate right answers from wrong ones well enough).
 */
export function thresholdForPrecision(
  answers: ScoredAnswer[],
  target: number,
  /** `wilson`: the precision's 95% Wilson lower bound must reach the target, not the precision itself */
  bound?: 'wilson',
): number | null {
  for (let step = 0; step <= 99; step++) {
    const t = step / 100;
    let answered = 0;
    let right = 0;
    for (const a of answers) {
      if (a.probability >= t) {
        answered++;
        if (a.correct) right++;
      }
    }
    if (answered < MIN_ANSWERED) continue;
    const p = bound === 'wilson' ? wilsonLower(right, answered) : right / answered;
    if (p >= target) return t;
  }
  return null;
}

/** The lower end of the 95% Wilson interval of `right` successes in `n` tries. */
export function wilsonLower(right: number, n: number): number {
  const z = 1.96;
  const p = right / n;
  const z2n = (z * z) / n;
  return (p + z2n / 2 - z * Math.sqrt((p * (1 - p)) / n + z2n / (4 * n))) / (1 + z2n);
}

import { type ScoredAnswer, thresholdForPrecision } from './abstention.ts';

/** What the seed's bar reports: see `PrecisionBar`. */
export interface AtPrecision {
  target: number;
  /** per split: the threshold its held-out training reports chose, or null (none reaches the target) */
  thresholds: (number | null)[];
  /** the share of test reports answered at their split's threshold */
  coverage: number;
  /** how many of those answers were right, or null when none was given */
  precision: number | null;
  /**
   * the share of test reports the confidence's own ordering could answer at `target` precision
   * (each split's threshold chosen on its test answers): how well the confidence separates right
   * from wrong, apart from how well a threshold chosen elsewhere carries over
   */
  rankedCoverage: number;
}

/**
 * The seed's bar ("75% accuracy would be very useful"): each split's threshold chosen on its
 * held-out training answers to give `target` precision, then applied to its test answers; the
 * splits counted together.
 */
export class PrecisionBar {
  private readonly thresholds: (number | null)[] = [];
  private answered = 0;
  private right = 0;
  private total = 0;
  private ranked = 0;

  constructor(
    readonly target: number,
    /** how the held-out answers must show the target (`thresholdForPrecision`'s bound) */
    private readonly bound?: 'wilson',
  ) {}

  addSplit(heldOut: ScoredAnswer[] | null, test: ScoredAnswer[]): void {
    const t = heldOut ? thresholdForPrecision(heldOut, this.target, this.bound) : null;
    this.thresholds.push(t);
    this.total += test.length;
    const best = thresholdForPrecision(test, this.target);
    if (best !== null) this.ranked += test.filter((a) => a.probability >= best).length;
    if (t === null) return;
    for (const a of test)
      if (a.probability >= t) {
        this.answered++;
        if (a.correct) this.right++;
      }
  }

  result(): AtPrecision {
    return {
      target: this.target,
      thresholds: [...this.thresholds],
      coverage: this.total ? this.answered / this.total : 0,
      precision: this.answered ? this.right / this.answered : null,
      rankedCoverage: this.total ? this.ranked / this.total : 0,
    };
  }
}

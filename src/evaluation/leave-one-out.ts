/**
 * Leave-one-data-set-out judgement of a rule (a feature, a default, an objective): the rule is
 * adopted for a data set only if it won on most of the *other* data sets, and the rule stands only
 * if, decided that way, it helps on most data sets it was not developed on. Pure: the caller
 * measures each data set on its training data alone (cross-validation or a time split inside the
 * training side) and passes the figures here.
 */

export interface RuleMeasurement {
  dataset: string;
  /** the figure the rule is judged by on this data set (top-1 for routing, macro-F1 for a category) */
  before: number;
  after: number;
}

export interface HeldOutVerdict {
  dataset: string;
  /** on how many of the other data sets the rule won, of how many */
  winsElsewhere: number;
  others: number;
  /** whether the others alone would adopt it (a majority of wins; a tie goes to the mean gain) */
  adopted: boolean;
  /** what adopting (or not) does on this data set: after − before if adopted, else 0 */
  gain: number;
}

export interface RuleVerdict {
  perDataset: HeldOutVerdict[];
  /** data sets on which the others adopted the rule and it then won */
  heldOutWins: number;
  /** data sets on which the others adopted the rule and it then lost */
  heldOutLosses: number;
  /** data sets on which the others adopted the rule and it changed nothing */
  heldOutTies: number;
  /** mean over data sets of the held-out gain (0 where not adopted) */
  meanHeldOutGain: number;
  /**
   * the rule stands: adopted by the others on most data sets, and winning on most of those (a
   * tie is not a win: a rule that changes nothing is not adopted for what it changes)
   */
  stands: boolean;
}

const EPS = 1e-9;

export function leaveOneDatasetOut(rows: readonly RuleMeasurement[]): RuleVerdict {
  const names = new Set<string>();
  for (const r of rows) {
    if (names.has(r.dataset)) throw new Error(`data set "${r.dataset}" measured twice`);
    if (!Number.isFinite(r.before) || !Number.isFinite(r.after))
      throw new Error(`data set "${r.dataset}": figures must be finite numbers`);
    names.add(r.dataset);
  }
  const perDataset = rows.map((held): HeldOutVerdict => {
    const others = rows.filter((r) => r !== held);
    const wins = others.filter((r) => r.after - r.before > EPS).length;
    const losses = others.filter((r) => r.after - r.before < -EPS).length;
    const meanGain = others.reduce((s, r) => s + r.after - r.before, 0) / Math.max(1, others.length);
    const adopted = wins > losses || (wins === losses && wins > 0 && meanGain > 0);
    return {
      dataset: held.dataset,
      winsElsewhere: wins,
      others: others.length,
      adopted,
      gain: adopted ? held.after - held.before : 0,
    };
  });
  const adoptedOn = perDataset.filter((v) => v.adopted);
  const heldOutWins = adoptedOn.filter((v) => v.gain > EPS).length;
  const heldOutLosses = adoptedOn.filter((v) => v.gain < -EPS).length;
  const heldOutTies = adoptedOn.length - heldOutWins - heldOutLosses;
  return {
    perDataset,
    heldOutWins,
    heldOutLosses,
    heldOutTies,
    meanHeldOutGain: perDataset.reduce((s, v) => s + v.gain, 0) / Math.max(1, perDataset.length),
    stands: adoptedOn.length * 2 > rows.length && heldOutWins * 2 > adoptedOn.length,
  };
}

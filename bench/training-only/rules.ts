// The rules bench/training-only judges: each a change to the product's defaults (`after`) against
// the defaults without it (`before`), and the data sets it applies to.
import { chooseThreshold, type ScoredAnswer } from '../../src/evaluation/abstention.ts';
import type { EvaluateOptions } from '../../src/triage/evaluate-reports.ts';
import { DEFAULT_COST } from '../../src/triage/tasks/settings.ts';
import type { DatasetKind } from './datasets.ts';

export interface Rule {
  name: string;
  description: string;
  kinds: readonly DatasetKind[];
  before: Partial<EvaluateOptions>;
  after: Partial<EvaluateOptions>;
  /** a rule about pooled groups: judged on the pooled data sets only (and they on no other rule) */
  pooled?: boolean;
  /** both sides read the sentence encoder's vectors of every report (made once per data set) */
  encoder?: boolean;
  /**
   * the side whose model also learns from the data set's partner's training reports, as one model
   * of a store of two trackers does, answering among the data set's own labels only
   */
  lendTo?: 'before' | 'after';
  /**
   * what the rule is judged by, when not the data set's kind's figure: `coverage`, the share of
   * test reports the confidence's ordering can answer at the seed's bar (75% precision), with the
   * share answered at the threshold chosen on held-out training answers, and its precision, beside;
   * `bar-gain`, the seed's bar as a gain per report (+1 a right answer, −3 a wrong one, 0 none: at
   * 75% precision an answer breaks even), at the threshold chosen on held-out training answers
   */
  judgedBy?: 'coverage' | 'bar-gain';
  /**
   * a rule about what is done with a split's answers (a threshold): each side's total gain on the
   * test answers, from the held-out and test answers of a split; judged from one evaluation when
   * neither side sets an option, else from each side's own
   */
  onAnswers?: (side: 'before' | 'after', heldOut: ScoredAnswer[] | null, test: ScoredAnswer[]) => number;
}

/** The test answers' total gain at `cost` (+1 right, −cost wrong) above the threshold the held-out ones chose. */
function servedGain(heldOut: ScoredAnswer[] | null, test: ScoredAnswer[], bound?: 'wilson'): number {
  if (!heldOut) return 0;
  const t = chooseThreshold(heldOut, DEFAULT_COST, bound).threshold;
  let gain = 0;
  for (const a of test) if (a.probability >= t) gain += a.correct ? 1 : -DEFAULT_COST;
  return gain;
}

export const RULES: Rule[] = [
  {
    name: 'topk',
    description:
      'routing judged by top-1 and top-3 accuracy, with per-class bias correction, instead of accuracy and macro-F1 alike',
    kinds: ['component'],
    before: { objective: 'mean', biasCorrection: false },
    after: { objective: 'topk', biasCorrection: true },
  },
  {
    name: 'bias',
    description: 'per-class bias correction fitted on held-out training reports (objective topk both sides)',
    kinds: ['component'],
    before: { objective: 'topk', biasCorrection: false },
    after: { objective: 'topk', biasCorrection: true },
  },
  {
    name: 'topk-only',
    description:
      'routing judged by top-1 and top-3 accuracy instead of accuracy and macro-F1 alike (no bias correction either side)',
    kinds: ['component'],
    before: { objective: 'mean', biasCorrection: false },
    after: { objective: 'topk', biasCorrection: false },
  },
  {
    name: 'macro-f1',
    description: 'a kind of report judged by macro-F1 instead of accuracy and macro-F1 alike',
    kinds: ['category'],
    before: { objective: 'mean' },
    after: { objective: 'macroF1' },
  },
  {
    name: 'missing',
    description: 'a blank categorical field is nothing, instead of a `<missing>` value of its own',
    kinds: ['component', 'category'],
    before: { missing: 'feature' },
    after: { missing: 'none' },
  },
  {
    name: 'chars',
    description: 'word and character 2-5-grams instead of words alone',
    kinds: ['component', 'category'],
    before: {},
    after: { charNgrams: [2, 5] },
  },
  {
    name: 'char-search',
    description:
      'the model search also tries word + character 2-5-grams (cross-validated, kept where they win)',
    kinds: ['component', 'category'],
    before: {},
    after: { charSearch: true },
  },
  {
    name: 'blend',
    description: 'on small data, a blend of the search’s candidates instead of the best one alone',
    kinds: ['component', 'category'],
    before: { blend: false },
    after: { blend: true },
  },
  {
    name: 'own-copies',
    description:
      "with pooled groups, each text field also as a copy only the group's own reports fill, instead of the pooled text alone",
    kinds: ['category'],
    before: { ownCopies: false },
    after: { ownCopies: true },
    pooled: true,
  },
  {
    name: 'title-weight',
    description: 'a title word weighs twice a body word, instead of the same',
    kinds: ['component', 'category'],
    before: { weights: { title: 1 } },
    after: {},
  },
  {
    name: 'meta-weight',
    description:
      'a categorical value (`os=Linux`) weighs 0.3 beside the text, instead of 1 as a one-hot column would',
    kinds: ['component', 'category'],
    before: { weights: { meta: 1 } },
    after: {},
  },
  {
    name: 'min-df',
    description: 'a term must be in at least 2 training reports, instead of 1',
    kinds: ['component', 'category'],
    before: { thresholds: { minDf: 1 } },
    after: {},
  },
  {
    name: 'max-df',
    description: 'a term in more than 90% of the training reports is dropped, instead of kept',
    kinds: ['component', 'category'],
    before: { thresholds: { maxDfRatio: 1 } },
    after: {},
  },
  {
    name: 'sublinear-tf',
    description: 'a term counted n times in a report weighs 1 + ln n, instead of n',
    kinds: ['component', 'category'],
    before: { thresholds: { sublinearTf: false } },
    after: {},
  },
  {
    name: 'meta-search',
    description:
      'the model search also tries categorical values at weight 1 (cross-validated, kept where they win)',
    kinds: ['component', 'category'],
    before: {},
    after: { metaSearch: true },
  },
  {
    name: 'recency',
    description:
      'on a time split, the oldest training report weighs a quarter of the newest (weights rising evenly on a log scale in filing order), instead of every report the same',
    kinds: ['component'],
    before: {},
    after: { recency: 0.25 },
  },
  {
    name: 'recency-half',
    description:
      'on a time split, the oldest training report weighs half the newest (weights rising evenly on a log scale in filing order), instead of every report the same',
    kinds: ['component'],
    before: {},
    after: { recency: 0.5 },
  },
  {
    name: 'blocked-folds',
    description:
      "on a time split, the model search's folds are consecutive periods of filing time instead of stratified random reports",
    kinds: ['component'],
    before: {},
    after: { blockedFolds: true },
  },
  {
    name: 'char-search-blocked',
    description:
      'the model search also tries word + character 2-5-grams, its folds consecutive periods of filing time on both sides',
    kinds: ['component'],
    before: { blockedFolds: true },
    after: { blockedFolds: true, charSearch: true },
  },
  {
    name: 'sentence-weight',
    description:
      'with the sentence encoder on, its vectors weigh as much as the text block (1), instead of 0.3 (the default before 2026-12-07, when this rule read the other way round and its reverse stood)',
    kinds: ['category'],
    before: { weights: { sentence: 0.3 } },
    after: {},
    encoder: true,
  },
  {
    name: 'sentence-weight-pooled',
    description:
      "with the sentence encoder on and each group also learning from the others' reports, its vectors weigh as much as the text block (1), instead of 0.3",
    kinds: ['category'],
    before: { weights: { sentence: 0.3 } },
    after: {},
    encoder: true,
    pooled: true,
  },
  {
    name: 'accuracy-only',
    description:
      'routing judged by top-1 accuracy alone instead of accuracy and macro-F1 alike (no bias correction either side)',
    kinds: ['component'],
    before: { objective: 'mean', biasCorrection: false },
    after: { objective: 'accuracy', biasCorrection: false },
  },
  {
    name: 'separate-fits',
    description:
      "in a store of two trackers, each tracker's own model (its own search, features and weights) instead of one model of both trackers' reports that answers among the report's tracker's labels",
    kinds: ['component'],
    before: { ownCopies: false },
    after: {},
    lendTo: 'before',
  },
  {
    name: 'learned-confidence',
    description:
      "the seed's bar thresholds a confidence learnt on the held-out answers (logistic regression of right/wrong on the top probability's log-odds, its margin over the runner-up and the answered class's share of the training reports) instead of the top probability",
    kinds: ['component', 'category'],
    before: {},
    after: { confidence: 'learned' },
    judgedBy: 'coverage',
  },
  {
    name: 'bar-wilson',
    description:
      "the seed's bar's threshold is the lowest at which the held-out answers' precision's 95% Wilson lower bound reaches 75% (the default since 2026-12-07, when this rule stood), instead of the precision itself",
    kinds: ['component', 'category'],
    before: { barBound: 'none' },
    after: {},
    judgedBy: 'bar-gain',
  },
  {
    name: 'served-wilson',
    description:
      'the served threshold (the best expected gain at the default cost of 2 on held-out answers) judges each threshold with its precision at the 95% Wilson lower bound, instead of the precision itself',
    kinds: ['component', 'category'],
    before: {},
    after: {},
    onAnswers: (side, heldOut, test) => servedGain(heldOut, test, side === 'after' ? 'wilson' : undefined),
  },
  {
    name: 'bar-periods',
    description:
      "the seed's bar's threshold is chosen on the held-out answers of two periods (the fourth fifth of the training reports by a model of the older three, and the newest fifth by a model of the older four), instead of the newest fifth's alone",
    kinds: ['component'],
    before: {},
    after: { barPeriods: 2 },
    judgedBy: 'bar-gain',
  },
  {
    name: 'served-periods',
    description:
      'the served threshold (the best expected gain at the default cost of 2) is chosen on the held-out answers of two periods (as bar-periods; the default since 2026-12-08, when this rule stood), instead of the newest fifth alone',
    // on a random split there is no period to add: the held-out answers are out of fold either way
    kinds: ['component'],
    before: { servedPeriods: 1 },
    after: {},
    onAnswers: (_side, heldOut, test) => servedGain(heldOut, test),
  },
];

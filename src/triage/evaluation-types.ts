import type { BugReport } from '../domain/index.ts';
import type { ScoredAnswer } from '../evaluation/abstention.ts';
import type { ClassificationMetrics } from '../evaluation/metrics.ts';
import type { AtPrecision } from '../evaluation/precision-bar.ts';
import type { PooledGroupFigures } from '../evaluation/protocol.ts';
import type { CandidateScore, CountedCorpus, OnProgress, SelectionMetric, TextModel } from '../ml/index.ts';
import type { ModelChoice } from './model-search.ts';
import type { SentenceVectors } from './report-docs.ts';
import type { FieldWeights, TermThresholds } from './search-vectorizers.ts';
import type { LabelMap } from './tasks/label-map.ts';

/** What `evaluateReports` is asked and what it answers (evaluate-reports.ts). */

export type SplitSpec =
  | { kind: 'time' }
  | { kind: 'random' }
  | { kind: 'kfold'; k: number }
  | { kind: 'file' };

export interface EvaluateOptions {
  /** what the label is called, and (without `labelOf`) where it is read: see labelOf in dataset.ts */
  label: string;
  /** each report's label, when the caller reads it (a task's corrections and label map) */
  labelOf?: (r: BugReport) => string | null;
  textFields?: string[];
  metaFields?: string[];
  split: SplitSpec;
  /** with split `file`: the test reports */
  testReports?: BugReport[];
  groupBy?: string;
  /**
   * with `groupBy`: each group's model also learns from the other groups' training reports (the
   * group becomes a feature), and is still tested on its own group only
   */
  poolGroups?: boolean;
  /**
   * with lent reports (`poolGroups`, `extraTrain`): each text field also as a copy that only the
   * group's own reports fill, so the model learns what words mean in this group on top of what
   * they mean everywhere (default true; see rawDocOf)
   */
  ownCopies?: boolean;
  /**
   * reports added to the training side of every split and never tested (what `poolGroups` lends a
   * group); with the time split only those filed before the split's oldest test report
   */
  extraTrain?: BugReport[];
  /**
   * with `extraTrain`: a test report is answered only among the labels of the reports it was
   * measured with (its own group's training side), as the served model keeps a store's trackers
   * apart by their labels; bench-only (bench/training-only's separate-fits rule)
   */
  ownLabelsOnly?: boolean;
  /**
   * what the seed's bar (`atPrecision`) thresholds: the top probability (default), or `learned`, a
   * logistic regression of "was it right?" fitted on the held-out answers (`ml/answer-confidence.ts`);
   * bench-only (bench/training-only's learned-confidence rule)
   */
  confidence?: 'top' | 'learned';
  /**
   * how the seed's bar's threshold is chosen on the held-out answers: `wilson` (the default), the
   * lowest at which their precision's 95% Wilson lower bound reaches 75%; `none`, the lowest at
   * which the precision itself does (before 2026-12-07: bench/RESULTS.md, bar-wilson)
   */
  barBound?: 'wilson' | 'none';
  /** each split's held-out and test answers, once measured (bench/training-only's rules on thresholds) */
  onAnswers?: (heldOut: ScoredAnswer[] | null, test: ScoredAnswer[]) => void;
  model: ModelChoice;
  seed: number;
  /** classes with fewer training reports than this are dropped from train and test */
  minClassSize?: number;
  cvFolds?: number;
  /**
   * training reports above which the model is chosen by cross-validating an evenly spaced sample
   * of this many of them (default 50,000), and the chosen model is then fitted on all of them from
   * a stream of tokens that are not kept
   */
  selectionSample?: number;
  /** at most this many weights (classes × features) in a model (default MAX_MODEL_WEIGHTS) */
  maxModelWeights?: number;
  /** how label values become labels (`parseLabelMap`: renames, drops, prefixes, `*`), as a team task's */
  labelMap?: LabelMap;
  /**
   * a pretrained sentence encoder's vector of every report (train and test), made beforehand: the
   * model search then also tries each vectorizer with these vectors as extra columns
   */
  sentenceVectors?: SentenceVectors;
  /**
   * on small data (up to SMALL_DATA training reports), answer with a blend of the search's
   * candidates chosen on their out-of-fold probabilities (default true); false: the best one alone
   */
  blend?: boolean;
  /** character n-grams of the words (like scikit-learn's char_wb), in addition to word n-grams */
  charNgrams?: [number, number];
  /** the model search also tries word + character 2-5-grams, and keeps them where they win */
  charSearch?: boolean;
  /** the model search also tries categorical values at weight 1, and keeps them where they win */
  metaSearch?: boolean;
  /** a title word's and a categorical value's weight, where not the defaults' (bench/training-only) */
  weights?: FieldWeights;
  /** which terms are kept and how they count, where not the defaults' (bench/training-only) */
  thresholds?: TermThresholds;
  /** on a time split, the oldest training report weighs this much of the newest (recency.ts) */
  recency?: number;
  /** on a time split, the model search holds out consecutive periods instead of random reports */
  blockedFolds?: boolean;
  /**
   * on a time split, the held-out answers the served threshold is chosen on: the newest fifth of
   * the training reports and the fourth fifth, each by a model of the reports before it (2, the
   * default since bench/training-only's rule served-periods stood), or the newest fifth alone (1)
   */
  servedPeriods?: 1 | 2;
  /** bench-only: the seed's bar's threshold chosen on two periods too (rule bar-periods, which did not stand) */
  barPeriods?: 1 | 2;
  /** sees each split's texts and labels: lets a benchmark run another library on the same split */
  onSplit?: (train: SplitItem[], test: SplitItem[]) => void;
  onProgress?: OnProgress;
  /** threads each SVM fit may use (default 1): the caller's, who knows the machine */
  threads?: number;
  /** what a blank categorical field is: nothing (default) or, for comparison, a `<missing>` value */
  missing?: 'none' | 'feature';
  /** what the model search judges candidates by (default: accuracy and macro-F1 alike) */
  objective?: SelectionMetric;
  /**
   * per-class bias correction fitted on held-out training reports (default: where the objective
   * is accuracy, `accuracy` or `topk`; see correctsBiases)
   */
  biasCorrection?: boolean;
  /** keep the (last split's) fitted classifier and its answers on the test reports */
  keepModel?: boolean;
}

/** A report of a split as another tool sees it: its text fields joined, its label, its metadata. */
export interface SplitItem {
  text: string;
  label: string;
  meta: Record<string, string[]>;
}

export interface EvaluationSummary {
  accuracy: number;
  macroF1: number;
  microF1: number;
  weightedF1: number;
  top3: number | null;
  auc: number | null;
  brier: number;
  ece: number;
  nTrain: number;
  nTest: number;
  classes: number;
  fitSeconds: number;
  selectionSeconds: number;
  predictMsPerReport: number;
  predictMsP99: number;
}

export interface EvaluationResult extends EvaluationSummary {
  label: string;
  split: string;
  model: string;
  temperature: number;
  /** what the search judged candidates by (last split) */
  objective: SelectionMetric;
  /** whether the answers went through per-class biases fitted on held-out training reports */
  biasCorrected: boolean;
  /**
   * the seed's bar: the share of test reports answered at a threshold each split's held-out
   * training reports say gives `target` precision (null thresholds: no threshold reaches it there),
   * and the precision those answers then had
   */
  atPrecision: AtPrecision;
  candidates: CandidateScore[];
  /** the blend answering (last split), when one did: each member and its share of the average */
  blend?: { model: string; weight: number }[];
  /** training reports the cross-validation chose the model on (all of them, up to `selectionSample`) */
  nSelection: number;
  droppedClasses: { label: string; trainCount: number }[];
  droppedReports: { train: number; test: number; unlabelled: number };
  perClass: ClassificationMetrics['perClass'];
  metrics: ClassificationMetrics;
  groups?: (EvaluationResult & { group: string })[];
  /** with `groupBy`: the groups that could not be evaluated (too few reports or classes), and why */
  skippedGroups?: { group: string; reason: string }[];
  /** every test report's true label, top answer and its probability (not stored: see evaluationJson) */
  answers?: { truth: string[]; predicted: string[]; confidence: number[] };
  /** with a group-by: the figures of all groups' test reports taken together */
  pooled?: PooledGroupFigures;
  /** with `keepModel`: the fitted classifier of the last split */
  fitted?: TextModel;
  /**
   * with `keepModel` on a time split: the model's answers on the newest fifth of the training
   * reports, by a model of the older four fifths with its temperatures and biases, after those of
   * the fourth fifth by a model of the older three (`servedPeriods`): what the abstention
   * threshold is chosen on, without fitting those models again
   */
  tailAnswers?: ScoredAnswer[];
  /** of how many periods `tailAnswers` are: the newest fifth (1), or the fourth and the newest (2) */
  tailPeriods?: 1 | 2;
  /** with `keepModel`: every test report's top probability and whether the top label was right */
  validation?: ScoredAnswer[];
  /** with `keepModel`: the last split's test reports, their labels and this model's answers */
  window?: { reports: BugReport[]; labels: string[]; predicted: string[] };
  /**
   * with `keepModel`, when the training side was large enough to be counted once: the counts of
   * every report (in the order of `reports`), for the caller's fit on all of them
   */
  counted?: { corpus: CountedCorpus; reports: BugReport[] };
}

import type { BugReport } from '../domain/index.ts';
import { EightballError } from '../domain/index.ts';
import { type ScoredAnswer, thresholdForPrecision } from '../evaluation/abstention.ts';
import type { ClassificationMetrics } from '../evaluation/metrics.ts';
import {
  type PooledGroupFigures,
  percentile,
  poolAnswers,
  type SplitAnswers,
  withoutRareClasses,
} from '../evaluation/protocol.ts';
import { kFoldSplits, stratifiedSplit, type TrainTest, timeSplit } from '../evaluation/splits.ts';
import {
  argmaxRows,
  type CandidateScore,
  type OnProgress,
  type SelectionMetric,
  type TextModel,
} from '../ml/index.ts';
import { SELECTION_METRIC } from './blend-gates.ts';
import { defaultMetaFields, docOf, labelOf, META_FIELDS } from './dataset.ts';
import { combineGroups } from './grouped-results.ts';
import {
  correctsBiases,
  type ModelChoice,
  type SearchReport,
  SMALL_DATA,
  searchModel,
} from './model-search.ts';
import {
  lendReports,
  ownCopies,
  type Prepared,
  prepare,
  rawDocOf,
  type SentenceVectors,
  withSentenceVector,
} from './report-docs.ts';
import type { LabelMap } from './tasks/label-map.ts';

/** "75% accuracy would be very useful": the precision a served answer should have */
export const PRECISION_TARGET = 0.75;

// what callers of evaluate import from here
export type { ModelChoice, SentenceVectors };
export { SMALL_DATA };

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
  atPrecision: { target: number; thresholds: (number | null)[]; coverage: number; precision: number | null };
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
  /** with `keepModel`: every test report's top probability and whether the top label was right */
  validation?: ScoredAnswer[];
  /** with `keepModel`: the last split's test reports, their labels and this model's answers */
  window?: { reports: BugReport[]; labels: string[]; predicted: string[] };
}

function splitName(s: SplitSpec): string {
  return s.kind === 'kfold' ? `kfold:${s.k}` : s.kind;
}

/**
 * Train and test one model (or one per fold) on labelled reports, the way the product would be
 * used, and measure it: the evaluation behind `eightball evaluate`.
 */
export function evaluateReports(reports: BugReport[], opts: EvaluateOptions): EvaluationResult {
  if (opts.groupBy) return evaluateGroups(reports, opts);
  const textFields = opts.textFields ?? ['summary', 'description'];
  const metaFields = opts.metaFields ?? defaultMetaFields(opts.label);
  const minClass = opts.minClassSize ?? 5;
  const copies = ownCopies(opts) ? 'own' : undefined;
  const data = prepare(reports, opts, textFields, metaFields, copies);
  let splits: TrainTest[];
  let testData: (Prepared & { unlabelled: number }) | null = null;
  if (opts.split.kind === 'file') {
    if (!opts.testReports) throw new EightballError('usage', '--split file needs --test-input FILE');
    testData = prepare(opts.testReports, opts, textFields, metaFields, copies);
    splits = [{ train: data.labels.map((_, i) => i), test: testData.labels.map((_, i) => i) }];
  } else if (opts.split.kind === 'time') {
    splits = [timeSplit(data.reports.map((r) => ({ time: r.createdAt, id: r.externalId })))];
  } else if (opts.split.kind === 'random') {
    splits = [stratifiedSplit(data.labels, 0.25, opts.seed)];
  } else {
    splits = kFoldSplits(data.labels, opts.split.k, opts.seed);
  }
  const test = testData ?? data;
  if (opts.extraTrain && opts.extraTrain.length > 0)
    splits = lendReports(data, test, splits, opts, textFields, metaFields);

  const parts: SplitAnswers[] = [];
  let fitSeconds = 0;
  let selectionSeconds = 0;
  let nTrain = 0;
  const dropped = new Map<string, number>();
  let droppedTrain = 0;
  let droppedTest = 0;
  let last: SearchReport | undefined;
  // answers at the threshold each split's training reports say gives PRECISION_TARGET
  const thresholds: (number | null)[] = [];
  const atTarget = { answered: 0, right: 0, total: 0 };
  let kept: TextModel | undefined;
  // with keepModel: the last split's test reports, so a caller can ask another model about the same window
  let windowReports: BugReport[] = [];
  splits.forEach((split, s) => {
    const {
      train,
      test: testIdx,
      dropped: rare,
    } = withoutRareClasses(
      split,
      (i) => data.labels[i]!,
      (i) => test.labels[i]!,
      minClass,
    );
    for (const [l, c] of rare) dropped.set(l, c);
    droppedTrain += split.train.length - train.length;
    droppedTest += split.test.length - testIdx.length;
    if (train.length === 0 || new Set(train.map((i) => data.labels[i])).size < 2) {
      throw new EightballError(
        'rejected',
        `split ${s + 1}: fewer than two classes with at least ${minClass} training reports`,
      );
    }
    if (testIdx.length === 0)
      throw new EightballError('rejected', `split ${s + 1}: no test report has a class seen in training`);
    if (opts.onSplit) {
      const plain = (p: Prepared, i: number) => ({
        text: textFields
          .map((f) => String((p.reports[i] as unknown as Record<string, unknown>)[f] ?? ''))
          .join('\n'),
        label: p.labels[i]!,
        // the categorical fields the model reads, as filed: another tool gets the same inputs
        meta: docOf(p.reports[i]!, [], metaFields).meta,
      });
      opts.onSplit(
        train.map((i) => plain(data, i)),
        testIdx.map((i) => plain(test, i)),
      );
    }
    const {
      model: fitted,
      searchReport,
      heldOut,
    } = searchModel(data, train, {
      model: opts.model,
      seed: opts.seed,
      metaFields,
      timeOrdered: opts.split.kind === 'time',
      ownCopies: copies !== undefined,
      ...(opts.cvFolds !== undefined ? { cvFolds: opts.cvFolds } : {}),
      ...(opts.selectionSample !== undefined ? { selectionSample: opts.selectionSample } : {}),
      ...(opts.maxModelWeights !== undefined ? { maxModelWeights: opts.maxModelWeights } : {}),
      ...(opts.sentenceVectors ? { sentenceVectors: opts.sentenceVectors } : {}),
      ...(opts.blend !== undefined ? { blend: opts.blend } : {}),
      ...(opts.charNgrams ? { charNgrams: opts.charNgrams } : {}),
      ...(opts.charSearch ? { charSearch: true } : {}),
      progressPrefix: `split ${s + 1}/${splits.length}: `,
      ...(opts.threads !== undefined ? { threads: opts.threads } : {}),
      ...(opts.missing ? { missing: opts.missing } : {}),
      ...(opts.objective ? { objective: opts.objective } : {}),
      biasCorrection: opts.biasCorrection ?? correctsBiases(opts.objective ?? SELECTION_METRIC),
      ...(opts.onProgress ? { onProgress: opts.onProgress } : {}),
    });
    fitSeconds += searchReport.fitSeconds;
    selectionSeconds += searchReport.selectionSeconds;
    nTrain += train.length;
    last = searchReport;
    if (opts.keepModel) {
      kept = fitted;
      windowReports = testIdx.map((i) => test.reports[i]!);
    }
    opts.onProgress?.(`split ${s + 1}/${splits.length}: predicting`, 0, testIdx.length);
    const rows: Float64Array[] = [];
    const predictMs: number[] = [];
    // one report at a time, as the service answers them: that is the latency that matters
    for (const i of testIdx) {
      const r = test.reports[i]!;
      const t = performance.now();
      rows.push(
        fitted.predictProba([
          withSentenceVector(
            fitted.tokenize(rawDocOf(r, textFields, metaFields, copies)),
            r,
            opts.sentenceVectors,
          ),
        ]),
      );
      predictMs.push(performance.now() - t);
    }
    parts.push({ classes: fitted.classes, truth: testIdx.map((i) => test.labels[i]!), rows, predictMs });
    const threshold = heldOut ? thresholdForPrecision(heldOut, PRECISION_TARGET) : null;
    thresholds.push(threshold);
    if (threshold !== null)
      rows.forEach((p, r) => {
        let best = 0;
        for (let k = 1; k < p.length; k++) if (p[k]! > p[best]!) best = k;
        if (p[best]! < threshold) return;
        atTarget.answered++;
        if (fitted.classes[best] === test.labels[testIdx[r]!]) atTarget.right++;
      });
    atTarget.total += testIdx.length;
  });
  const pool = poolAnswers(parts);
  const { classes, y, proba, metrics: m } = pool;
  const K = classes.length;
  const allY = pool.truth;
  const top = argmaxRows(proba, K);
  return {
    label: opts.label,
    split: splitName(opts.split),
    model: last!.model,
    temperature: last!.temperature,
    objective: last!.objective,
    biasCorrected: last!.biasCorrected,
    atPrecision: {
      target: PRECISION_TARGET,
      thresholds,
      coverage: atTarget.total ? atTarget.answered / atTarget.total : 0,
      precision: atTarget.answered ? atTarget.right / atTarget.answered : null,
    },
    candidates: last!.candidates,
    ...(last!.blend ? { blend: last!.blend } : {}),
    nSelection: last!.nSelection,
    accuracy: m.accuracy,
    macroF1: m.macroF1,
    microF1: m.microF1,
    weightedF1: m.weightedF1,
    top3: m.topK.top3 ?? null,
    auc: m.auc,
    brier: m.brier,
    ece: m.ece,
    nTrain: Math.round(nTrain / splits.length),
    nTest: allY.length,
    classes: K,
    fitSeconds: fitSeconds / splits.length,
    selectionSeconds: selectionSeconds / splits.length,
    predictMsPerReport: pool.predictMs.reduce((a, b) => a + b, 0) / Math.max(1, pool.predictMs.length),
    predictMsP99: percentile(pool.predictMs, 0.99),
    droppedClasses: [...dropped.entries()]
      .map(([label, trainCount]) => ({ label, trainCount }))
      .sort((a, b) => (a.label < b.label ? -1 : 1)),
    droppedReports: {
      train: droppedTrain,
      test: droppedTest,
      unlabelled: data.unlabelled + (testData?.unlabelled ?? 0),
    },
    perClass: m.perClass,
    metrics: m,
    answers: {
      truth: allY,
      predicted: Array.from(top, (b) => classes[b]!),
      confidence: Array.from(top, (b, i) => proba[i * K + b]!),
    },
    ...(opts.keepModel && kept
      ? {
          fitted: kept,
          validation: topAnswers(y, proba, K),
          window: {
            reports: windowReports,
            labels: allY.slice(allY.length - windowReports.length),
            predicted: Array.from(top, (b) => classes[b]!).slice(allY.length - windowReports.length),
          },
        }
      : {}),
  };
}

function topAnswers(y: Int32Array, proba: Float64Array, K: number): ScoredAnswer[] {
  return Array.from(argmaxRows(proba, K), (best, i) => ({
    probability: proba[i * K + best]!,
    correct: best === y[i],
  }));
}

function evaluateGroups(reports: BugReport[], opts: EvaluateOptions): EvaluationResult {
  const field = opts.groupBy!;
  const groupOf = (r: BugReport) => labelOf(r, field) ?? '(none)';
  const names = [...new Set(reports.map(groupOf))].sort();
  const groups: (EvaluationResult & { group: string })[] = [];
  const skipped: { group: string; reason: string }[] = [];
  // the group is a feature of a pooled model, so a group's own reports can still pull its own way
  const base = opts.metaFields ?? defaultMetaFields(opts.label);
  const metaFields =
    opts.poolGroups && (META_FIELDS as readonly string[]).includes(field) && field !== opts.label
      ? [...new Set([...base, field])]
      : opts.metaFields;
  for (const g of names) {
    const own = reports.filter((r) => groupOf(r) === g);
    const ownTest = opts.testReports?.filter((r) => groupOf(r) === g);
    try {
      const result = evaluateReports(own, {
        ...opts,
        groupBy: undefined,
        metaFields,
        extraTrain: opts.poolGroups ? reports.filter((r) => groupOf(r) !== g) : undefined,
        testReports: ownTest,
        onProgress: (w, d, t) => opts.onProgress?.(`${g}: ${w}`, d, t),
      });
      groups.push({ ...result, group: g });
    } catch (e) {
      // a tracker's small products cannot be measured; that must not cost the others' results
      if (!(e instanceof EightballError) || e.code !== 'rejected') throw e;
      skipped.push({ group: g, reason: e.message });
    }
  }
  if (groups.length === 0) {
    throw new EightballError(
      'rejected',
      `no ${field} group could be evaluated: ${skipped.map((x) => `${x.group}: ${x.reason}`).join('; ')}`,
    );
  }
  return combineGroups(groups, skipped, opts.label);
}

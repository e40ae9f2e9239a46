import type { BugReport } from '../domain/index.ts';
import { EightballError } from '../domain/index.ts';
import { type MultilabelMetrics, multilabelMetrics } from '../evaluation/multilabel-metrics.ts';
import { timeSplit } from '../evaluation/splits.ts';
import {
  CODE_TOKENIZER,
  chooseMultilabelC,
  DEFAULT_VECTORIZER,
  FittedMultilabelClassifier,
  featureBudget,
  fitLabels,
  serializeClassifier,
  TfidfVectorizer,
  tokenizeDoc,
  tokenizerOptions,
  type VectorizerParams,
} from '../ml/index.ts';
import { getModelVersion, insertModelVersion, type Store } from '../store/index.ts';
import { activationDecision } from './activation.ts';
import { docOf, TEXT_FIELDS } from './dataset.ts';
import { compareMultilabelWithActive } from './multilabel-comparison.ts';
import { labelsBySource } from './source-labels.ts';
import type { TaskDefinition } from './tasks/index.ts';
import { labelledReports, MIN_CLASS_SIZE, type TrainOptions, type TrainOutcome } from './training.ts';

/**
 * The probability at which a label is asserted: where asserting it gains (+1 when right, -cost
 * when wrong) more than leaving it out (0), for calibrated probabilities: p ≥ cost / (1 + cost).
 */
export function multilabelThreshold(cost: number): number {
  return cost / (1 + cost);
}

interface MultilabelRun {
  metrics: MultilabelMetrics;
  /** labels learned (enough reports with and without them in the training part) */
  labels: string[];
  /** labels left out, with how many training reports carried them */
  droppedLabels: { label: string; trainCount: number }[];
  C: number;
  vectorizer: VectorizerParams;
  nTrain: number;
  nTest: number;
  fitSeconds: number;
  /** the test window's report indices and the model's probabilities of them (test × labels) */
  test: number[];
  testProba: Float64Array;
}

function vectorizerFor(metaFields: string[], nLabels: number): VectorizerParams {
  return { ...DEFAULT_VECTORIZER, metaFields, maxFeatures: featureBudget(2 * nLabels) };
}

/**
 * Validate on a time split (oldest 75% learn, newest 25% are asked): which labels can be learned,
 * which C (cross-validated on the training part), and how the answer does at the served threshold.
 */
export function validateMultilabel(
  reports: BugReport[],
  labels: string[][],
  metaFields: string[],
  threshold: number,
  seed: number,
): MultilabelRun {
  const { train, test } = timeSplit(reports.map((r) => ({ time: r.createdAt, id: r.externalId })));
  const counts = new Map<string, number>();
  for (const i of train) for (const l of labels[i]!) counts.set(l, (counts.get(l) ?? 0) + 1);
  const learnable = [...counts]
    .filter(([, c]) => c >= MIN_CLASS_SIZE && train.length - c >= MIN_CLASS_SIZE)
    .map(([l]) => l)
    .sort();
  const droppedLabels = [...counts]
    .filter(([l]) => !learnable.includes(l))
    .map(([label, trainCount]) => ({ label, trainCount }))
    .sort((a, b) => (a.label < b.label ? -1 : 1));
  if (learnable.length === 0)
    throw new EightballError(
      'rejected',
      `no label has at least ${MIN_CLASS_SIZE} training reports with it and without it (${train.length} training reports; labels seen: ${[...counts].map(([l, c]) => `${l} ${c}`).join(', ') || 'none'})`,
    );
  if (test.length === 0) throw new EightballError('rejected', 'too few reports for a test window');
  const vectorizer = vectorizerFor(metaFields, learnable.length);
  const tokens = (i: number) =>
    tokenizeDoc(docOf(reports[i]!, TEXT_FIELDS, metaFields), tokenizerOptions(CODE_TOKENIZER));
  const t0 = performance.now();
  const { vectorizer: fitted, X } = new TfidfVectorizer(vectorizer).fitTransform(train.map(tokens));
  const trY = train.map((i) => labels[i]!);
  const { C } = chooseMultilabelC(X, trY, learnable, { seed });
  const model = new FittedMultilabelClassifier(
    { vectorizer, tokenizer: CODE_TOKENIZER, C },
    fitted,
    fitLabels(X, trY, learnable, C),
  );
  const fitSeconds = (performance.now() - t0) / 1000;
  const proba = model.predictProba(test.map(tokens));
  return {
    metrics: multilabelMetrics(
      test.map((i) => labels[i]!),
      proba,
      learnable,
      threshold,
    ),
    labels: learnable,
    droppedLabels,
    C,
    vectorizer,
    nTrain: train.length,
    nTest: test.length,
    fitSeconds,
    test,
    testProba: proba,
  };
}

function summary(run: MultilabelRun) {
  const m = run.metrics;
  return {
    kind: 'multilabel' as const,
    split: 'time',
    model: `binary relevance: logreg(C=${run.C}) per label`,
    // the headline figures every version shows, in their multi-label sense
    accuracy: m.subsetAccuracy,
    macroF1: m.macroF1,
    microF1: m.microF1,
    brier: m.brier,
    ece: m.ece,
    top3: null,
    nTrain: run.nTrain,
    nTest: run.nTest,
    classes: run.labels.length,
    fitSeconds: run.fitSeconds,
    droppedClasses: run.droppedLabels,
    multilabel: m,
  };
}

export async function evaluateMultilabelTask(
  store: Store,
  task: TaskDefinition,
  opts: Pick<TrainOptions, 'seed' | 'onProgress'>,
): Promise<object> {
  const { settings, reports, labels } = await labelledReports(store, task, opts.onProgress);
  opts.onProgress?.('validating on the newest quarter', 0, 1);
  const run = validateMultilabel(
    reports,
    labels,
    task.metaFields(settings.labelSource),
    multilabelThreshold(settings.cost),
    opts.seed ?? 42,
  );
  return { ...summary(run), labelSource: settings.labelSource };
}

/** Train a multi-label task: validate on a time split, refit on every labelled report, store, activate. */
export async function trainMultilabelTask(
  store: Store,
  task: TaskDefinition,
  opts: TrainOptions,
): Promise<TrainOutcome> {
  const { settings, corrections, reports, labels } = await labelledReports(store, task, opts.onProgress);
  const metaFields = task.metaFields(settings.labelSource);
  const threshold = multilabelThreshold(settings.cost);
  opts.onProgress?.('validating on the newest quarter', 0, 1);
  const run = validateMultilabel(reports, labels, metaFields, threshold, opts.seed ?? 42);
  opts.onProgress?.('fitting on all labelled reports', 0, 1);
  const options = tokenizerOptions(CODE_TOKENIZER);
  const { vectorizer, X } = new TfidfVectorizer(run.vectorizer).fitTransform(
    reports.map((r) => tokenizeDoc(docOf(r, TEXT_FIELDS, metaFields), options)),
  );
  const final = new FittedMultilabelClassifier(
    { vectorizer: run.vectorizer, tokenizer: CODE_TOKENIZER, C: run.C },
    vectorizer,
    fitLabels(X, labels, run.labels, run.C),
  );
  opts.onProgress?.('fitting on all labelled reports', 1, 1);
  const { activate, reason } = await activationDecision(store, task.name, opts.force === true, (active) =>
    compareMultilabelWithActive(
      store,
      active,
      {
        reports: run.test.map((i) => reports[i]!),
        truth: run.test.map((i) => labels[i]!),
        proba: run.testProba,
        labels: run.labels,
        threshold,
      },
      run.metrics,
      settings.labelSource,
    ),
  );
  const chosen = {
    threshold,
    precision: run.metrics.microPrecision,
    coverage: run.metrics.microRecall,
    cost: settings.cost,
    // per test report: +1 a label rightly asserted, -cost one wrongly asserted
    utility:
      (run.metrics.assertedRight - settings.cost * (run.metrics.asserted - run.metrics.assertedRight)) /
      Math.max(1, run.metrics.n),
    chosenPrecision: run.metrics.microPrecision,
    chosenCoverage: run.metrics.microRecall,
    chosenOn: `cost ${settings.cost}: a label is asserted where its probability is at least cost / (1 + cost)`,
  };
  // each tracker's labels: a report of one is answered among its own tracker's (see source-labels.ts)
  const bySource = settings.sources === 'apart' ? labelsBySource(reports, (_r, i) => labels[i]!) : undefined;
  const metrics = {
    ...summary(run),
    threshold: chosen,
    ...(bySource ? { labelsBySource: bySource } : {}),
    sources: settings.sources,
    labelSource: settings.labelSource,
    nLabelled: reports.length,
    nServed: reports.length,
    nCorrections: corrections.size,
    metaFields,
  };
  const now = opts.now ?? (() => new Date().toISOString());
  const stored = await insertModelVersion(
    store.db,
    {
      task: task.name,
      created_at: now(),
      label_source: settings.labelSource,
      description: metrics.model,
      metrics: JSON.stringify(metrics),
      threshold,
      report_html: '',
      report: null,
      artifact: serializeClassifier(final),
      run_key: opts.runKey ?? null,
    },
    { activate, now: now() },
  );
  const row = (await getModelVersion(store.db, stored.id))!;
  return {
    task: task.name,
    kind: 'multilabel',
    id: stored.id,
    version: row.version,
    activated: row.active === 1,
    reason: stored.existing ? `already trained by this run (v${row.version}); nothing stored again` : reason,
    labelSource: settings.labelSource,
    nLabelled: reports.length,
    nCorrections: corrections.size,
    accuracy: run.metrics.subsetAccuracy,
    macroF1: run.metrics.macroF1,
    top3: null,
    ece: run.metrics.ece,
    threshold: chosen,
    model: metrics.model,
  };
}

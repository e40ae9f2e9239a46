import type { BugReport } from '../domain/index.ts';
import { EightballError } from '../domain/index.ts';
import {
  blendSpecs,
  FittedTextClassifier,
  fitBlendRaw,
  type OnProgress,
  serializeClassifier,
  type TextModel,
} from '../ml/index.ts';
import {
  correctionsByReport,
  findVersionByRunKey,
  getModelVersion,
  insertModelVersion,
  iterateStoredReports,
  type Store,
} from '../store/index.ts';
import { activationDecision } from './activation.ts';
import { docOf, TEXT_FIELDS } from './dataset.ts';
import { evaluateReports, type SentenceVectors } from './evaluate-reports.ts';
import { evaluationJson, evaluationReportData } from './evaluation-report.ts';
import { trainFilesTask } from './files-training.ts';
import { withBiasesOf } from './held-out.ts';
import { evaluateMultilabelTask, trainMultilabelTask } from './multilabel-training.ts';
import { PackedReports } from './packed-reports.ts';
import { encodeReports, loadSentenceEncoder } from './sentence-encoder.ts';
import { labelsBySource } from './source-labels.ts';
import { storedMetrics } from './stored-metrics.ts';
import { getTask, type TaskDefinition, type TaskName, taskSettings } from './tasks/index.ts';
import { chooseServedThreshold, type ServedThreshold } from './threshold-choice.ts';
import { compareWithActive } from './version-comparison.ts';

/** Rare classes: fewer reports than this in the training part and the class is dropped, and listed. */
export const MIN_CLASS_SIZE = 5;

export interface TrainOptions {
  /** activate regardless of the active version's score (for a first model this is implied) */
  force?: boolean;
  seed?: number;
  /**
   * also try a pretrained sentence encoder's vectors as features (`use-lite`): every labelled
   * report is encoded first (about 80 ms each), and a model that chose them encodes each report
   * it is asked about
   */
  sentenceEncoder?: string;
  onProgress?: OnProgress;
  /** threads each SVM fit may use (default 1): the CLI's EIGHTBALL_THREADS, a job's worker's */
  threads?: number;
  now?: () => string;
  /**
   * who is training (a job's id): a second run under the same key stores and activates nothing and
   * answers with the version the first run stored, so a job that runs twice has one effect
   */
  runKey?: string;
}

export interface TrainOutcome {
  task: TaskName;
  /**
   * a multi-label task's `accuracy` is its exact-set accuracy, `macroF1` over labels; a rank
   * task's (files) `accuracy` is top-1, `macroF1` MAP and `top3` top-5
   */
  kind?: 'classify' | 'multilabel' | 'rank';
  id: number;
  version: number;
  activated: boolean;
  reason: string;
  labelSource: string;
  nLabelled: number;
  nCorrections: number;
  accuracy: number;
  macroF1: number;
  top3: number | null;
  ece: number;
  threshold: ServedThreshold;
  model: string;
}

/**
 * The stored reports with a label for the task (corrections first), read a page at a time, their
 * text packed (`PackedReports`: a million reports' summaries and descriptions as strings are most
 * of what `train` held before it fitted anything).
 */
export async function labelledReports(
  store: Store,
  task: TaskDefinition,
  onProgress?: TrainOptions['onProgress'],
): Promise<{
  settings: Awaited<ReturnType<typeof taskSettings>>;
  corrections: Map<number, string>;
  reports: BugReport[];
  /** each report's labels, in the order of `reports` */
  labels: string[][];
}> {
  const settings = await taskSettings(store, task);
  const corrections = await correctionsByReport(store.db, task.name);
  const reports: BugReport[] = [];
  const labels: string[][] = [];
  const packed = new PackedReports();
  let scanned = 0;
  for await (const { id, report } of iterateStoredReports(store.db)) {
    scanned++;
    const corrected = corrections.get(id);
    const l =
      corrected !== undefined
        ? labelsOfCorrection(task, corrected)
        : task.labelsOf(report, settings.labelSource);
    if (l === null) continue;
    reports.push(packed.add(report));
    labels.push(l);
    if (scanned % 5000 === 0) onProgress?.('reading reports', scanned, 0);
  }
  if (reports.length === 0) {
    throw new EightballError(
      'rejected',
      `no stored report has a ${task.name} label from "${settings.labelSource}" (${scanned} reports scanned): import reports or change the task's label source`,
    );
  }
  return { settings, corrections, reports, labels };
}

/** A correction as the task's labels: a multi-label task's is its labels joined by commas. */
function labelsOfCorrection(task: TaskDefinition, label: string): string[] {
  if (task.kind !== 'multilabel') return [label];
  return label
    .split(',')
    .map((x) => x.trim())
    .filter((x) => x !== '' && x !== '(none)');
}

/** The single label of each report of a one-label task, looked up by report. */
function singleLabels(reports: BugReport[], labels: string[][]): (r: BugReport) => string | null {
  const by = new Map<BugReport, string>();
  reports.forEach((r, i) => {
    by.set(r, labels[i]![0]!);
  });
  return (r) => by.get(r) ?? null;
}

/**
 * With a sentence encoder (the caller's, else the task's setting on the admin page): every report's
 * vector, made once for the search, the folds and the final fit.
 */
async function sentenceVectorsFor(
  reports: BugReport[],
  name: string | null | undefined,
  onProgress: TrainOptions['onProgress'],
  threads = 1,
): Promise<SentenceVectors | undefined> {
  if (!name) return undefined;
  const encoder = await loadSentenceEncoder(name, threads);
  return encodeReports(reports, TEXT_FIELDS, encoder, (done, total) =>
    onProgress?.(`encoding reports with ${encoder.name}`, done, total),
  );
}

/** The artifact text, or a clear refusal where the model is past what a string can hold. */
function storableArtifact(model: TextModel): Buffer {
  try {
    return serializeClassifier(model);
  } catch (e) {
    if (!(e instanceof RangeError)) throw e;
    const K = model.classes.length;
    const F = model.vectorizer.nFeatures;
    throw new EightballError(
      'rejected',
      `the trained model is too large to store (${K} classes × ${F} features, ${((K * F * 4) / 2 ** 20).toFixed(0)} MiB of weights): ${e.message}`,
    );
  }
}

/**
 * Measure how a task would do now, on the stored reports and a time split, without storing or
 * activating anything: the evaluate job.
 */
export async function evaluateTask(
  store: Store,
  taskName: TaskName,
  opts: Pick<TrainOptions, 'seed' | 'onProgress' | 'sentenceEncoder' | 'threads'> = {},
): Promise<object> {
  const task = await getTask(store, taskName);
  if (task.kind === 'multilabel') return evaluateMultilabelTask(store, task, opts);
  const { settings, reports, labels } = await labelledReports(store, task, opts.onProgress);
  const sentenceVectors = await sentenceVectorsFor(
    reports,
    opts.sentenceEncoder ?? settings.sentenceEncoder,
    opts.onProgress,
    opts.threads,
  );
  const result = evaluateReports(reports, {
    sentenceVectors,
    label: task.name,
    labelOf: singleLabels(reports, labels),
    metaFields: task.metaFields(settings.labelSource),
    split: { kind: 'time' },
    model: 'auto',
    seed: opts.seed ?? 42,
    objective: settings.objective,
    minClassSize: MIN_CLASS_SIZE,
    ...(opts.onProgress ? { onProgress: opts.onProgress } : {}),
    ...(opts.threads !== undefined ? { threads: opts.threads } : {}),
  });
  const {
    perClass: _p,
    candidates: _c,
    ...summary
  } = evaluationJson({ ...result, label: task.name }) as Record<string, unknown>;
  return { ...summary, labelSource: settings.labelSource };
}

/**
 * Train a task on the stored reports: label by the task's source (corrections win), features as
 * filed, validate on a time split (oldest 75% / newest 25%), choose the abstention threshold by
 * cost on the validation answers, refit on every labelled report, store the version with its
 * metrics and report, and activate it unless it is worse than the active one.
 */
export async function trainTask(
  store: Store,
  taskName: TaskName,
  opts: TrainOptions = {},
): Promise<TrainOutcome> {
  const definition = await getTask(store, taskName);
  const task = definition.name;
  if (opts.runKey) {
    const done = await findVersionByRunKey(store.db, opts.runKey);
    if (done) return alreadyTrained(store, task, done.id);
  }
  if (definition.kind === 'multilabel') return trainMultilabelTask(store, definition, opts);
  if (definition.kind === 'rank') return trainFilesTask(store, definition, opts);
  const { settings, corrections, reports, labels } = await labelledReports(
    store,
    definition,
    opts.onProgress,
  );
  const metaFields = definition.metaFields(settings.labelSource);
  const labelOf = singleLabels(reports, labels);
  const sentenceVectors = await sentenceVectorsFor(
    reports,
    opts.sentenceEncoder ?? settings.sentenceEncoder,
    opts.onProgress,
    opts.threads,
  );
  const result = evaluateReports(reports, {
    sentenceVectors,
    label: task,
    labelOf,
    metaFields,
    split: { kind: 'time' },
    model: 'auto',
    seed: opts.seed ?? 42,
    objective: settings.objective,
    minClassSize: MIN_CLASS_SIZE,
    keepModel: true,
    ...(opts.onProgress ? { onProgress: opts.onProgress } : {}),
    ...(opts.threads !== undefined ? { threads: opts.threads } : {}),
  });
  const validated = result.fitted!;
  opts.onProgress?.('choosing the abstention threshold on training reports', 0, 1);
  const threshold = chooseServedThreshold({
    reports,
    labelOf: (r) => labelOf(r)!,
    validated,
    textFields: validated.params.vectorizer.fields.map((f) => f.name),
    metaFields,
    sentenceVectors,
    minClassSize: MIN_CLASS_SIZE,
    validation: result.validation!,
    cost: settings.cost,
    threads: opts.threads ?? 1,
    tailAnswers: result.tailAnswers,
    tailPeriods: result.tailPeriods,
  });

  // the served model learns from every labelled report, newest included, with the validated settings
  opts.onProgress?.('fitting on all labelled reports', 0, 1);
  const counts = new Map<string, number>();
  for (const r of reports) counts.set(labelOf(r)!, (counts.get(labelOf(r)!) ?? 0) + 1);
  const kept = reports.filter((r) => counts.get(labelOf(r)!)! >= MIN_CLASS_SIZE);
  const textFields = validated.params.vectorizer.fields.map((f) => f.name);
  // raw fields, each member tokenising them its own way as it reads them (none kept: a store of a
  // million reports fits in memory), with the validated weights and temperatures
  function* raw() {
    for (const r of kept) {
      const doc = docOf(r, textFields, metaFields);
      yield sentenceVectors ? { ...doc, dense: sentenceVectors.of(r)! } : doc;
    }
  }
  const specs = blendSpecs(validated);
  const fitOptions = { threads: opts.threads ?? 1 };
  const keptY = kept.map((r) => labelOf(r)!);
  const counted = result.counted;
  // the counts of a large training side cover every report: read, not tokenised and counted again
  const one = specs.length === 1 && counted?.corpus.serves(specs[0]!.params) ? specs[0]! : null;
  const row = new Map(counted?.reports.map((r, i) => [r, i]) ?? []);
  const rows = one ? kept.map((r) => row.get(r) ?? -1) : [];
  let served: TextModel;
  if (one && counted && !rows.includes(-1)) {
    // the last fit these counts serve: let go before the solver runs
    const c = counted.corpus.fit(one.params, rows, keptY, fitOptions, true);
    served = new FittedTextClassifier(c.params, c.vectorizer, c.model, one.temperature);
  } else served = fitBlendRaw(specs, raw, keptY, fitOptions);
  // the counts are a gigabyte on a million reports: not kept past the last fit
  result.counted = undefined;
  const final = withBiasesOf(validated, served);
  opts.onProgress?.('fitting on all labelled reports', 1, 1);

  const bySource = settings.sources === 'apart' ? labelsBySource(kept, labelOf) : undefined;
  const metrics = {
    ...evaluationJson({ ...result, label: task }),
    threshold,
    ...(bySource ? { labelsBySource: bySource } : {}),
    sources: settings.sources,
    labelSource: settings.labelSource,
    nLabelled: reports.length,
    nServed: kept.length,
    nCorrections: corrections.size,
    metaFields,
  };
  const now = opts.now ?? (() => new Date().toISOString());
  const { activate, reason } = await activationDecision(store, task, opts.force === true, (active) =>
    compareWithActive(store, active, result, settings.labelSource),
  );
  // stored and activated in one transaction, once per run key
  const stored = await insertModelVersion(
    store.db,
    {
      task,
      created_at: now(),
      label_source: settings.labelSource,
      description: result.model,
      metrics: JSON.stringify(metrics),
      threshold: threshold.threshold,
      // the page is drawn from this when asked, so it follows the code that draws it
      report_html: '',
      report: JSON.stringify(evaluationReportData({ ...result, label: task })),
      artifact: storableArtifact(final),
      run_key: opts.runKey ?? null,
    },
    { activate, now: now() },
  );
  if (stored.existing) return alreadyTrained(store, task, stored.id);
  const { id, version } = stored;
  const activated = stored.active;
  return {
    task,
    id,
    version,
    activated,
    reason,
    labelSource: settings.labelSource,
    nLabelled: reports.length,
    nCorrections: corrections.size,
    accuracy: result.accuracy,
    macroF1: result.macroF1,
    top3: result.top3,
    ece: result.ece,
    threshold,
    model: result.model,
  };
}

/** The outcome of a run that already stored its version (a job run a second time). */
async function alreadyTrained(store: Store, task: TaskName, id: number): Promise<TrainOutcome> {
  const row = (await getModelVersion(store.db, id))!;
  const m = storedMetrics(row.metrics, `${task} v${row.version}`);
  return {
    task,
    id,
    version: row.version,
    activated: row.active === 1,
    reason: `already trained by this run (v${row.version}); nothing stored again`,
    labelSource: row.label_source,
    // this release's run wrote every one of them
    nLabelled: m.nLabelled ?? 0,
    nCorrections: m.nCorrections ?? 0,
    accuracy: m.accuracy ?? Number.NaN,
    macroF1: m.macroF1 ?? Number.NaN,
    top3: m.top3 ?? null,
    ece: m.ece ?? Number.NaN,
    threshold: m.threshold as unknown as ServedThreshold,
    model: row.description,
  };
}

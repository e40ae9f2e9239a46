import type { BugReport } from '../domain/index.ts';
import { EightballError } from '../domain/index.ts';
import {
  blendSpecs,
  type FittedTextClassifier,
  fitBlend,
  type OnProgress,
  serializeClassifier,
  type TokenizerSpec,
  tokenizeDoc,
  tokenizerOptions,
} from '../ml/index.ts';
import {
  activeModelSummary,
  correctionsByReport,
  findVersionByRunKey,
  getModelVersion,
  insertModelVersion,
  iterateStoredReports,
  type Store,
} from '../store/index.ts';
import { docOf, TEXT_FIELDS } from './dataset.ts';
import { evaluateReports, type SentenceVectors } from './evaluate-reports.ts';
import { evaluationJson, evaluationReportData } from './evaluation-report.ts';
import { encodeReports, loadSentenceEncoder } from './sentence-encoder.ts';
import { storedMetrics } from './stored-metrics.ts';
import { labelFromSource, metaFieldsFor, type TaskName, taskSettings } from './tasks.ts';
import { chooseServedThreshold, type ServedThreshold } from './threshold-choice.ts';
import { compareWithActive } from './version-comparison.ts';

/** Rare classes: fewer reports than this in the training part and the class is dropped, and listed. */
export const MIN_CLASS_SIZE = 5;
/** A new version may trail the active one by this much (mean of accuracy and macro-F1) and still count as not worse. */
export const NOT_WORSE_TOLERANCE = 0.005;

const LABEL_KEY = '__eightball_label';

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
  now?: () => string;
  /**
   * who is training (a job's id): a second run under the same key stores and activates nothing and
   * answers with the version the first run stored, so a job that runs twice has one effect
   */
  runKey?: string;
}

export interface TrainOutcome {
  task: TaskName;
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

/** The stored reports with a label for the task (corrections first), read a page at a time. */
async function labelledReports(
  store: Store,
  task: TaskName,
  onProgress?: TrainOptions['onProgress'],
): Promise<{
  settings: Awaited<ReturnType<typeof taskSettings>>;
  corrections: Map<number, string>;
  reports: BugReport[];
}> {
  const settings = await taskSettings(store, task);
  const corrections = await correctionsByReport(store.db, task);
  const reports: BugReport[] = [];
  let scanned = 0;
  for await (const { id, report } of iterateStoredReports(store.db)) {
    scanned++;
    const label = corrections.get(id) ?? labelFromSource(report, settings.labelSource);
    if (label === null) continue;
    reports.push({ ...report, labels: { ...report.labels, [LABEL_KEY]: label } });
    if (scanned % 5000 === 0) onProgress?.('reading reports', scanned, 0);
  }
  if (reports.length === 0) {
    throw new EightballError(
      'rejected',
      `no stored report has a ${task} label from "${settings.labelSource}" (${scanned} reports scanned): import reports or change the task's label source`,
    );
  }
  return { settings, corrections, reports };
}

/**
 * With a sentence encoder (the caller's, else the task's setting on the admin page): every report's
 * vector, made once for the search, the folds and the final fit.
 */
async function sentenceVectorsFor(
  reports: BugReport[],
  name: string | null | undefined,
  onProgress: TrainOptions['onProgress'],
): Promise<SentenceVectors | undefined> {
  if (!name) return undefined;
  const encoder = await loadSentenceEncoder(name);
  return encodeReports(reports, TEXT_FIELDS, encoder, (done, total) =>
    onProgress?.(`encoding reports with ${encoder.name}`, done, total),
  );
}

/** The artifact text, or a clear refusal where the model is past what a string can hold. */
function storableArtifact(model: FittedTextClassifier): string {
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
  task: TaskName,
  opts: Pick<TrainOptions, 'seed' | 'onProgress' | 'sentenceEncoder'> = {},
): Promise<object> {
  const { settings, reports } = await labelledReports(store, task, opts.onProgress);
  const sentenceVectors = await sentenceVectorsFor(
    reports,
    opts.sentenceEncoder ?? settings.sentenceEncoder,
    opts.onProgress,
  );
  const result = evaluateReports(reports, {
    sentenceVectors,
    label: `labels.${LABEL_KEY}`,
    metaFields: metaFieldsFor(task, settings.labelSource),
    split: { kind: 'time' },
    model: 'auto',
    seed: opts.seed ?? 42,
    minClassSize: MIN_CLASS_SIZE,
    ...(opts.onProgress ? { onProgress: opts.onProgress } : {}),
  });
  const {
    perClass: _p,
    candidates: _c,
    ...summary
  } = evaluationJson({ ...result, label: task }) as Record<string, unknown>;
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
  task: TaskName,
  opts: TrainOptions = {},
): Promise<TrainOutcome> {
  const now = opts.now ?? (() => new Date().toISOString());
  if (opts.runKey) {
    const done = await findVersionByRunKey(store.db, opts.runKey);
    if (done) return alreadyTrained(store, task, done.id);
  }
  const { settings, corrections, reports } = await labelledReports(store, task, opts.onProgress);
  const metaFields = metaFieldsFor(task, settings.labelSource);
  const sentenceVectors = await sentenceVectorsFor(
    reports,
    opts.sentenceEncoder ?? settings.sentenceEncoder,
    opts.onProgress,
  );
  const result = evaluateReports(reports, {
    sentenceVectors,
    label: `labels.${LABEL_KEY}`,
    metaFields,
    split: { kind: 'time' },
    model: 'auto',
    seed: opts.seed ?? 42,
    minClassSize: MIN_CLASS_SIZE,
    keepModel: true,
    ...(opts.onProgress ? { onProgress: opts.onProgress } : {}),
  });
  const validated = result.fitted!;
  opts.onProgress?.('choosing the abstention threshold on training reports', 0, 1);
  const threshold = chooseServedThreshold({
    reports,
    labelOf: (r) => r.labels[LABEL_KEY]!,
    validated,
    textFields: validated.params.vectorizer.fields.map((f) => f.name),
    metaFields,
    sentenceVectors,
    minClassSize: MIN_CLASS_SIZE,
    validation: result.validation!,
    cost: settings.cost,
  });

  // the served model learns from every labelled report, newest included, with the validated settings
  opts.onProgress?.('fitting on all labelled reports', 0, 1);
  const counts = new Map<string, number>();
  for (const r of reports) counts.set(r.labels[LABEL_KEY]!, (counts.get(r.labels[LABEL_KEY]!) ?? 0) + 1);
  const kept = reports.filter((r) => counts.get(r.labels[LABEL_KEY]!)! >= MIN_CLASS_SIZE);
  const textFields = validated.params.vectorizer.fields.map((f) => f.name);
  // tokenised as the fit reads them, and not kept: a store of a million reports fits in memory
  function* docs(tokenizer: TokenizerSpec | undefined) {
    const options = tokenizerOptions(tokenizer);
    for (const r of kept) {
      const doc = tokenizeDoc(docOf(r, textFields, metaFields), options);
      yield sentenceVectors ? { ...doc, dense: sentenceVectors.of(r)! } : doc;
    }
  }
  // a blend refits every member, each with its own tokenizer and the validated weights
  const final = fitBlend(
    blendSpecs(validated),
    docs,
    kept.map((r) => r.labels[LABEL_KEY]!),
  );
  opts.onProgress?.('fitting on all labelled reports', 1, 1);

  const metrics = {
    ...evaluationJson({ ...result, label: task }),
    threshold,
    labelSource: settings.labelSource,
    nLabelled: reports.length,
    nServed: kept.length,
    nCorrections: corrections.size,
    metaFields,
  };
  const active = await activeModelSummary(store.db, task);
  let activate = false;
  let reason: string;
  if (!active) {
    activate = true;
    reason = 'first version of this task';
  } else {
    const c = await compareWithActive(store, active, result, settings.labelSource);
    const { delta } = c;
    const score = `score ${delta >= 0 ? '+' : ''}${delta.toFixed(3)}: ${c.newScore.toFixed(3)} against ${c.activeScore.toFixed(3)} ${c.basis}`;
    if (opts.force) {
      activate = true;
      reason = `--force (${score} of v${active.version})`;
    } else if (delta >= -NOT_WORSE_TOLERANCE) {
      activate = true;
      reason = `not worse than v${active.version} (${score})`;
    } else {
      reason = `worse than active v${active.version} by ${(-delta).toFixed(3)} (mean of accuracy and macro-F1, ${c.basis}); use --force to activate anyway`;
    }
  }
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

import type { BugReport } from '../domain/index.ts';
import { multilabelMetrics } from '../evaluation/multilabel-metrics.ts';
import { deserializeModel, FittedMultilabelClassifier } from '../ml/index.ts';
import {
  getModelVersion,
  type ModelSummaryRow,
  reportKeysImportedAfter,
  type Store,
} from '../store/index.ts';
import { docOf, TEXT_FIELDS } from './dataset.ts';
import { storedMetrics } from './stored-metrics.ts';
import {
  MIN_UNSEEN,
  storedFiguresCompared,
  type VersionComparison,
  versionScore,
} from './version-comparison.ts';

/** A multi-label run's test window: its reports' true labels and the new model's probabilities. */
export interface MultilabelWindow {
  reports: readonly BugReport[];
  truth: readonly (readonly string[])[];
  /** row-major reports × labels, in the order of `labels` */
  proba: Float64Array;
  labels: readonly string[];
  threshold: number;
}

const scoreOf = (m: { subsetAccuracy: number; macroF1: number }) =>
  versionScore({ accuracy: m.subsetAccuracy, macroF1: m.macroF1 });

/** The probabilities of the window's reports `rows` (by index), in `labels`' order. */
function rowsOf(window: MultilabelWindow, rows: number[]): Float64Array {
  const L = window.labels.length;
  const out = new Float64Array(rows.length * L);
  rows.forEach((i, r) => {
    out.set(window.proba.subarray(i * L, (i + 1) * L), r * L);
  });
  return out;
}

/**
 * A new multi-label version against the active one on the same test reports: those of the new
 * run's window the active version did not learn from (stored after it was trained), each version
 * asked with its own labels and threshold and scored the same way (the mean of subset accuracy
 * and macro-F1 over its labels). Where the active version cannot be asked fairly (too few new
 * reports, another label source, not a multi-label model) the stored figures of the two windows
 * are compared, and the basis says why.
 */
export async function compareMultilabelWithActive(
  store: Store,
  active: ModelSummaryRow,
  window: MultilabelWindow,
  newMetrics: { subsetAccuracy: number; macroF1: number },
  labelSource: string,
): Promise<VersionComparison> {
  const measure = 'mean of subset accuracy and macro-F1 over labels';
  const sameQuestion = active.label_source === labelSource;
  const row = sameQuestion ? await getModelVersion(store.db, active.id) : undefined;
  const stored = row ? deserializeModel(row.artifact_bin ?? row.artifact) : null;
  const served = stored instanceof FittedMultilabelClassifier ? stored : null;
  const unseenKeys = await reportKeysImportedAfter(store.db, active.created_at);
  const unseen = window.reports.flatMap((r, i) =>
    unseenKeys.has(`${r.source}\n${r.externalId}`) ? [i] : [],
  );
  if (!served || unseen.length < MIN_UNSEEN)
    return storedFiguresCompared(
      active,
      scoreOf(newMetrics),
      { sameQuestion, askable: served !== null, unseen: unseen.length, windowSize: window.reports.length },
      measure,
    );
  const metaFields = storedMetrics(active.metrics).metaFields ?? [];
  const truth = unseen.map((i) => window.truth[i]!);
  const activeProba = served.predictProba(
    unseen.map((i) => served.tokenize(docOf(window.reports[i]!, TEXT_FIELDS, metaFields))),
  );
  const newScore = scoreOf(multilabelMetrics(truth, rowsOf(window, unseen), window.labels, window.threshold));
  const activeScore = scoreOf(multilabelMetrics(truth, activeProba, served.labels, active.threshold));
  return {
    delta: newScore - activeScore,
    newScore,
    activeScore,
    basis: `on the same ${unseen.length} test reports, new since v${active.version}`,
    measure,
  };
}

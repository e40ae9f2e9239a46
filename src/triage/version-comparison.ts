import { labelScores } from '../evaluation/label-scores.ts';
import { deserializeClassifier } from '../ml/index.ts';
import { getModelVersion, type ModelSummaryRow, type Store } from '../store/index.ts';
import { docOf } from './dataset.ts';
import type { EvaluationResult } from './evaluate-reports.ts';
import { storedMetrics } from './stored-metrics.ts';

/** The selection score a version is compared by: it balances common and rare classes. */
export function versionScore(m: { accuracy: number; macroF1: number }): number {
  return (m.accuracy + m.macroF1) / 2;
}

export interface VersionComparison {
  /** the new version's score minus the active one's */
  delta: number;
  newScore: number;
  activeScore: number;
  /** how they were compared, for the reason a person reads */
  basis: string;
  /** what the score is, when not the mean of accuracy and macro-F1 */
  measure?: string;
}

/**
 * The new version against the active one **on the same test reports**: the active version is
 * asked about the new run's test window, and both are scored the same way (labelScores). Scores
 * from two different windows (each version's own, newer reports each time) say more about the
 * windows than the models. Only when the active version cannot be asked here (it reads a
 * sentence encoder's vectors, or learnt another label source) are the stored figures compared,
 * and the reason says so.
 */
export async function compareWithActive(
  store: Store,
  active: ModelSummaryRow,
  result: Pick<EvaluationResult, 'accuracy' | 'macroF1' | 'window'>,
  labelSource: string,
): Promise<VersionComparison> {
  const window = result.window;
  // a version of another label source answers another question: its labels never match these
  const sameQuestion = active.label_source === labelSource;
  const row = sameQuestion ? await getModelVersion(store.db, active.id) : undefined;
  const served = row ? deserializeClassifier(row.artifact_bin ?? row.artifact) : null;
  if (!window || window.reports.length === 0 || !served || served.denseEncoder) {
    const m = storedMetrics(active.metrics, `${active.task} v${active.version}`);
    const activeScore = versionScore({ accuracy: m.accuracy ?? 0, macroF1: m.macroF1 ?? 0 });
    const newScore = versionScore(result);
    const why = sameQuestion ? '' : `, the label source changed from ${active.label_source}`;
    return {
      delta: newScore - activeScore,
      newScore,
      activeScore,
      basis: `each on its own test window${why}`,
    };
  }
  const textFields = served.params.vectorizer.fields.map((f) => f.name);
  const metaFields = storedMetrics(active.metrics).metaFields ?? [];
  const classes = served.classes;
  const activePredicted = window.reports.map((r) => {
    const p = served.predictRaw([docOf(r, textFields, metaFields)]);
    let best = 0;
    for (let k = 1; k < p.length; k++) if (p[k]! > p[best]!) best = k;
    return classes[best]!;
  });
  const newScore = versionScore(labelScores(window.labels, window.predicted));
  const activeScore = versionScore(labelScores(window.labels, activePredicted));
  return {
    delta: newScore - activeScore,
    newScore,
    activeScore,
    basis: `on the same ${window.reports.length} test reports`,
  };
}

import { labelScores } from '../evaluation/label-scores.ts';
import { deserializeClassifier } from '../ml/index.ts';
import {
  getModelVersion,
  type ModelSummaryRow,
  reportKeysImportedAfter,
  type Store,
} from '../store/index.ts';
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

/** Fewer of the window's reports new to the active version than this, and they are too few to judge by. */
export const MIN_UNSEEN = 30;

/**
 * The active version's stored figures (from its own test window) against the new score, when it
 * cannot be asked about the new window fairly, and why: another label source, or (`askable`: it
 * could have been asked) too few of the window's reports new to it.
 */
export function storedFiguresCompared(
  active: ModelSummaryRow,
  newScore: number,
  why: { sameQuestion: boolean; askable: boolean; unseen: number; windowSize: number },
  measure?: string,
): VersionComparison {
  const m = storedMetrics(active.metrics, `${active.task} v${active.version}`);
  const activeScore = versionScore({ accuracy: m.accuracy ?? 0, macroF1: m.macroF1 ?? 0 });
  const reason = !why.sameQuestion
    ? `, the label source changed from ${active.label_source}`
    : why.askable
      ? `: v${active.version} learnt from all but ${why.unseen} of this window's ${why.windowSize} reports`
      : '';
  return {
    delta: newScore - activeScore,
    newScore,
    activeScore,
    basis: `each on its own test window${reason}`,
    ...(measure ? { measure } : {}),
  };
}

/**
 * The new version against the active one **on the same test reports**, those of the new run's test
 * window the active version did not learn from (stored after it was trained: a served version
 * learnt from every report there was, the window's included, and asked about those it would look
 * better than it is). Both are scored the same way (labelScores). Scores from two different
 * windows say more about the windows than the models, so only when the active version cannot be
 * asked fairly here (too few new reports, it reads a sentence encoder's vectors, or it learnt
 * another label source) are the stored figures compared, and the reason says so.
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
  const unseenKeys = window ? await reportKeysImportedAfter(store.db, active.created_at) : new Set<string>();
  const unseen = (window?.reports ?? [])
    .map((r, i) => ({ r, i }))
    .filter(({ r }) => unseenKeys.has(`${r.source}\n${r.externalId}`));
  if (!window || unseen.length < MIN_UNSEEN || !served || served.denseEncoder)
    return storedFiguresCompared(active, versionScore(result), {
      sameQuestion,
      askable: !!window && !!served && !served.denseEncoder,
      unseen: unseen.length,
      windowSize: window?.reports.length ?? 0,
    });
  const textFields = served.params.vectorizer.fields.map((f) => f.name);
  const metaFields = storedMetrics(active.metrics).metaFields ?? [];
  const classes = served.classes;
  const activePredicted = unseen.map(({ r }) => {
    const p = served.predictRaw([docOf(r, textFields, metaFields)]);
    let best = 0;
    for (let k = 1; k < p.length; k++) if (p[k]! > p[best]!) best = k;
    return classes[best]!;
  });
  const labels = unseen.map(({ i }) => window.labels[i]!);
  const newScore = versionScore(
    labelScores(
      labels,
      unseen.map(({ i }) => window.predicted[i]!),
    ),
  );
  const activeScore = versionScore(labelScores(labels, activePredicted));
  return {
    delta: newScore - activeScore,
    newScore,
    activeScore,
    basis: `on the same ${unseen.length} test reports, new since v${active.version}`,
  };
}

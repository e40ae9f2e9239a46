import type { ClassificationMetrics } from '../evaluation/metrics.ts';
import { pooledGroupFigures } from '../evaluation/protocol.ts';
import type { EvaluationResult } from './evaluate-reports.ts';
import { HEADLINE_METRICS } from './stored-metrics.ts';

type Group = EvaluationResult & { group: string };

/** Measures whose mean over groups is what a per-group protocol reports (NLBSE's mean macro-F1). */
const MEAN_KEYS = [...HEADLINE_METRICS, 'fitSeconds', 'selectionSeconds', 'predictMsPerReport'] as const;

const mean = (xs: (number | null | undefined)[]): number | null => {
  const v = xs.filter((x): x is number => typeof x === 'number' && Number.isFinite(x));
  return v.length > 0 ? v.reduce((a, b) => a + b, 0) / v.length : null;
};

/**
 * The top level of a grouped evaluation, built from every group rather than copied from the
 * first: means where a mean means something (the measures, times per group), sums for counts,
 * the worst group's p99 latency, every group's classes (named `group: label`), the figures of
 * all groups' answers pooled (`pooled`), and no curve, confusion matrix or temperature, which
 * exist per group only (in `groups`).
 */
export function combineGroups(
  groups: Group[],
  skipped: { group: string; reason: string }[],
  label: string,
): EvaluationResult {
  const m = (k: (typeof MEAN_KEYS)[number]) => mean(groups.map((g) => g[k]));
  const prefixed = <T extends { label: string }>(g: Group, xs: T[]) =>
    xs.map((x) => ({ ...x, label: `${g.group}: ${x.label}` }));
  const perClass = groups.flatMap((g) => prefixed(g, g.perClass));
  const topKeys = [...new Set(groups.flatMap((g) => Object.keys(g.metrics.topK)))];
  const metrics: ClassificationMetrics = {
    n: groups.reduce((s, g) => s + g.metrics.n, 0),
    classes: perClass.map((c) => c.label),
    accuracy: m('accuracy')!,
    macroPrecision: mean(groups.map((g) => g.metrics.macroPrecision))!,
    macroRecall: mean(groups.map((g) => g.metrics.macroRecall))!,
    macroF1: m('macroF1')!,
    microF1: m('microF1')!,
    weightedF1: m('weightedF1')!,
    topK: Object.fromEntries(topKeys.map((k) => [k, mean(groups.map((g) => g.metrics.topK[k]))!])),
    auc: m('auc'),
    brier: m('brier')!,
    rmse: mean(groups.map((g) => g.metrics.rmse))!,
    logLoss: mean(groups.map((g) => g.metrics.logLoss))!,
    ece: m('ece')!,
    perClass,
    confusion: [],
    reliability: [],
    coverage: [],
    cost: [],
    roc: {},
    pr: {},
    costCurve: null,
  };
  return {
    label,
    split: groups[0]!.split,
    model: [...new Set(groups.map((g) => g.model))].join(' | '),
    temperature: Number.NaN,
    objective: groups[0]!.objective,
    // corrected only when every group's model was
    biasCorrected: groups.every((g) => g.biasCorrected),
    atPrecision: pooledAtPrecision(groups),
    candidates: [],
    nSelection: groups.reduce((s, g) => s + g.nSelection, 0),
    droppedClasses: groups.flatMap((g) => prefixed(g, g.droppedClasses)),
    droppedReports: {
      train: groups.reduce((s, g) => s + g.droppedReports.train, 0),
      test: groups.reduce((s, g) => s + g.droppedReports.test, 0),
      unlabelled: groups.reduce((s, g) => s + g.droppedReports.unlabelled, 0),
    },
    accuracy: m('accuracy')!,
    macroF1: m('macroF1')!,
    microF1: m('microF1')!,
    weightedF1: m('weightedF1')!,
    top3: m('top3'),
    auc: m('auc'),
    brier: m('brier')!,
    ece: m('ece')!,
    fitSeconds: m('fitSeconds')!,
    selectionSeconds: m('selectionSeconds')!,
    predictMsPerReport: m('predictMsPerReport')!,
    predictMsP99: Math.max(...groups.map((g) => g.predictMsP99)),
    nTrain: groups.reduce((s, g) => s + g.nTrain, 0),
    nTest: groups.reduce((s, g) => s + g.nTest, 0),
    classes: Math.max(...groups.map((g) => g.classes)),
    perClass,
    metrics,
    groups,
    skippedGroups: skipped,
    // the pooled figures come from the pooled answers, not from the means above
    ...(groups.every((g) => g.answers)
      ? { pooled: pooledGroupFigures(groups.map((g) => ({ group: g.group, ...g.answers! }))) }
      : {}),
  };
}

/** Every group's answers at its own threshold, counted together. */
function pooledAtPrecision(groups: Group[]): EvaluationResult['atPrecision'] {
  let total = 0;
  let answered = 0;
  let right = 0;
  let ranked = 0;
  for (const g of groups) {
    const a = g.atPrecision.coverage * g.nTest;
    total += g.nTest;
    answered += a;
    right += (g.atPrecision.precision ?? 0) * a;
    ranked += g.atPrecision.rankedCoverage * g.nTest;
  }
  return {
    target: groups[0]!.atPrecision.target,
    thresholds: groups.flatMap((g) => g.atPrecision.thresholds),
    coverage: total ? answered / total : 0,
    precision: answered > 0 ? right / answered : null,
    rankedCoverage: total ? ranked / total : 0,
  };
}

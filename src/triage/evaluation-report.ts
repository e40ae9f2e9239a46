import { evaluationCharts } from '../evaluation/charts.ts';
import { type ReportSection, renderReportHtml } from '../evaluation/report-html.ts';
import type { EvaluationResult } from './evaluate-reports.ts';

/** The JSON contract of `evaluate --json`: the summary, per class and per group, without curves. */

/** a task's objective as the report says it */
const OBJECTIVE_WORDS: Record<string, string> = {
  accuracy: 'top-1 accuracy',
  topk: 'top-1 and top-3 accuracy',
  macroF1: 'macro-F1',
  mean: 'accuracy and macro-F1 alike',
};
export function evaluationJson(r: EvaluationResult): object {
  // the per-report answers are the page's, and the rest the caller's: written out with the figures
  // they made a stored version's metrics a megabyte (the weights as JSON numbers), and the held-out
  // answers 16 MB at a million reports
  const { metrics: m, groups, answers: _a, ...rest } = withoutTransients(r);
  return {
    ...rest,
    macroPrecision: m.macroPrecision,
    macroRecall: m.macroRecall,
    topK: m.topK,
    rmse: m.rmse,
    logLoss: m.logLoss,
    coverage: m.coverage,
    reliability: m.reliability,
    classNames: m.classes,
    ...(groups ? { groups: groups.map((g) => evaluationJson(g)) } : {}),
  };
}

async function sections(r: EvaluationResult): Promise<ReportSection[]> {
  const one = async (g: EvaluationResult, title: string): Promise<ReportSection> => ({
    title,
    summary: {
      model: g.model,
      'train reports': g.nTrain,
      'test reports': g.nTest,
      classes: g.classes,
      accuracy: g.accuracy,
      'macro F1': g.macroF1,
      'weighted F1': g.weightedF1,
      'top-3 accuracy': g.top3,
      'ROC AUC (macro, one vs rest)': g.auc,
      Brier: g.brier,
      ECE: g.ece,
      [g.blend ? 'temperature (first member)' : 'temperature']: g.temperature,
      'chosen by': OBJECTIVE_WORDS[g.objective] ?? g.objective,
      [`answered at ${g.atPrecision.target} precision (threshold chosen on training reports, 95% sure of it)`]:
        g.atPrecision.precision === null
          ? 'none (no threshold shows it on held-out training reports, 95% sure)'
          : `${(g.atPrecision.coverage * 100).toFixed(1)}% of reports, ${(g.atPrecision.precision * 100).toFixed(1)}% of them right`,
      'per-class bias correction': g.biasCorrected ? 'yes (fitted on held-out training reports)' : 'no',
      'fit seconds': g.fitSeconds,
      'predict ms/report': g.predictMsPerReport,
    },
    metrics: g.metrics,
    charts: await evaluationCharts(g.metrics),
    notes: [
      `split: ${g.split}; model chosen by 3-fold cross-validation on the training data: ${g.candidates
        .map(
          (c) =>
            `${c.description} acc ${c.accuracy.toFixed(3)} top-3 ${c.top3.toFixed(3)} macro-F1 ${c.macroF1.toFixed(3)}`,
        )
        .join('; ')}`,
      ...(g.blend
        ? [
            `answered by a blend of ${g.blend.length} of these models, picked on their out-of-fold probabilities (greedy selection on log-loss), each weighing its share: ${g.blend.map((m) => `${m.model} ${Math.round(m.weight * 100)}%`).join('; ')}`,
          ]
        : []),
      ...(g.droppedClasses.length > 0
        ? [
            `dropped classes with fewer than 5 training reports: ${g.droppedClasses.map((d) => `${d.label} (${d.trainCount})`).join(', ')}`,
          ]
        : []),
    ],
  });
  if (!r.groups) return [await one(r, `${r.label}`)];
  const out: ReportSection[] = [];
  for (const g of r.groups) out.push(await one(g, `${r.label}, group ${g.group}`));
  return out;
}

/** The evaluation report page: one section per model (per group with --group-by), charts inline. */
export async function evaluationHtml(r: EvaluationResult, title: string): Promise<string> {
  // one line per reason: a tracker's export can have dozens of products too small to evaluate
  const byReason = new Map<string, string[]>();
  for (const g of r.skippedGroups ?? []) {
    const groups = byReason.get(g.reason) ?? [];
    groups.push(g.group);
    byReason.set(g.reason, groups);
  }
  const skipped = [...byReason].map(
    ([reason, groups]) =>
      `${groups.length} group${groups.length === 1 ? '' : 's'} not evaluated (left out of the means), ${reason}: ${groups.join(', ')}`,
  );
  return renderReportHtml(title, await sections(r), new Date(), skipped);
}

/** What the report page is drawn from, as a model version stores it: the result without the model. */
type Transient = 'fitted' | 'validation' | 'window' | 'tailAnswers' | 'tailPeriods' | 'counted';

export type EvaluationReportData = Omit<EvaluationResult, Transient | 'groups'> & {
  groups?: EvaluationReportData[];
};

/**
 * The result as stored with a version (JSON): everything the page draws, nothing it does not (the
 * held-out answers the threshold was chosen on were 16 MB of a million-report version's report).
 */
export function evaluationReportData(r: EvaluationResult): EvaluationReportData {
  const { groups, ...rest } = withoutTransients(r);
  return { ...rest, ...(groups ? { groups: groups.map((g) => evaluationReportData(g)) } : {}) };
}

/**
 * The result without what only the caller uses (the fitted model, its counts, the window, and the
 * held-out answers the threshold was chosen on): none of it is a figure to store.
 */
function withoutTransients(r: EvaluationResult): Omit<EvaluationResult, Transient> {
  const {
    fitted: _f,
    validation: _v,
    window: _w,
    tailAnswers: _t,
    tailPeriods: _p,
    counted: _c,
    ...rest
  } = r;
  return rest;
}

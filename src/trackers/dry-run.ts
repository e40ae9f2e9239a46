import { EightballError } from '../domain/index.ts';
import {
  getWritebackRule,
  newestOfSource,
  rowToReport,
  type Store,
  type WritebackRule,
} from '../store/index.ts';
import { getTask, inputFromReport, modelLabels, type Predictor } from '../triage/index.ts';
import { answersAsFor, decide, type PlannedAct } from './writeback-decision.ts';

export interface DryRunRow {
  reportId: number;
  externalId: string;
  url: string | null;
  summary: string;
  /** what would have been done as it was filed, or null */
  act: PlannedAct | null;
  reasons: string[];
  /** what people later decided (the task's label now), null when they have not */
  decided: string | null;
  /** whether the act agrees with it (null: nothing done, or nothing decided yet) */
  right: boolean | null;
  /** filed before the active model was trained: it may have learnt from this very report */
  seenInTraining: boolean;
}

export interface DryRunReport {
  source: string;
  task: string;
  rule: WritebackRule;
  rows: DryRunRow[];
  acted: number;
  /** precision of the acts against what people decided, over every row and over the unseen ones */
  precision: number | null;
  unseenActed: number;
  unseenPrecision: number | null;
}

const precision = (rows: DryRunRow[]) => {
  const judged = rows.filter((r) => r.right !== null);
  return judged.length === 0 ? null : judged.filter((r) => r.right).length / judged.length;
};

/**
 * What `apply` would have done to a source's last N reports, each as it was filed (its
 * as-filed component, no labels yet), and how often that agrees with what people decided later.
 * Reports the active model was trained on flatter it; the figure over the reports filed after the
 * model was trained is the one to trust, and it is reported separately.
 */
export async function dryRun(
  store: Store,
  predictor: Predictor,
  o: { source: string; task: string; last: number; rule?: Partial<WritebackRule> },
): Promise<DryRunReport> {
  const task = await getTask(store, o.task);
  const loaded = (await predictor.models()).get(task.name);
  if (!loaded) throw new EightballError('not-found', `task ${task.name} has no active model: train it first`);
  const stored = await getWritebackRule(store.db, o.source, task.name);
  const rule: WritebackRule = {
    source: o.source,
    task: task.name,
    mode: 'apply',
    threshold: stored?.threshold ?? 0.8,
    labelThresholds: stored?.labelThresholds ?? {},
    untriaged: stored?.untriaged ?? defaultUntriaged(o.source),
    needsTriageLabel: stored?.needsTriageLabel ?? null,
    ...o.rule,
  };
  const answersAs = answersAsFor(
    o.source.startsWith('github:') ? 'label' : 'component',
    task.name,
    modelLabels(loaded),
  );
  const rows = await newestOfSource(store.db, o.source, o.last);
  if (rows.length === 0)
    throw EightballError.about('source', 'not-found', `source: no reports are stored under "${o.source}"`);
  const trainedAt = loaded.row.created_at;
  const out: DryRunRow[] = [];
  for (const row of rows) {
    const report = rowToReport(row);
    const c = await predictor.classify(inputFromReport(report), { similar: 0 });
    const answer = c.answers[task.name];
    if (!answer) continue;
    // where the import knew no as-filed values, the report is taken as filed untriaged
    const filedState = {
      product: report.filed.product,
      component:
        answersAs !== 'component'
          ? null
          : report.filedKnown
            ? report.filed.component
            : (rule.untriaged[0] ?? null),
      labels: [],
    };
    const plan = decide({
      rule,
      ranking: answer.ranking,
      answersAs,
      taskLabels: answer.ranking.map((r) => r.label),
      state: filedState,
      humanChanges: [],
      done: new Set(),
    });
    const labels = task.labelsOf(report, loaded.row.label_source);
    const decided = labels && labels.length > 0 ? labels[0]! : null;
    const act = plan.act?.kind === 'needs-triage' ? null : plan.act;
    let right: boolean | null = null;
    if (act && decided !== null)
      right =
        act.kind === 'set-component' && act.productOnly
          ? decided.startsWith(`${act.product}::`)
          : act.kind === 'add-labels'
            ? (labels ?? []).includes(act.decision)
            : act.decision === decided;
    out.push({
      reportId: Number(row.id),
      externalId: report.externalId,
      url: report.url,
      summary: report.summary,
      act: plan.act,
      reasons: report.filedKnown ? plan.reasons : ['as filed unknown: taken as untriaged', ...plan.reasons],
      decided,
      right,
      seenInTraining: row.imported_at <= trainedAt,
    });
  }
  const unseen = out.filter((r) => !r.seenInTraining);
  return {
    source: o.source,
    task: task.name,
    rule,
    rows: out,
    acted: out.filter((r) => r.act && r.act.kind !== 'needs-triage').length,
    precision: precision(out),
    unseenActed: unseen.filter((r) => r.act && r.act.kind !== 'needs-triage').length,
    unseenPrecision: precision(unseen),
  };
}

/** What "nobody has triaged it yet" means by default: Bugzilla's catch-all components; Jira: none. */
export function defaultUntriaged(source: string): string[] {
  if (source.startsWith('bugzilla:')) return ['General', 'Untriaged'];
  if (source.startsWith('jira:')) return [''];
  return [];
}

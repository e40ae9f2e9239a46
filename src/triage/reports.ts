import { EightballError } from '../domain/index.ts';
import {
  addAudit,
  correctionLabels,
  getReportById,
  reportIdOf,
  type Store,
  type StoredPrediction,
  saveCorrection,
  savePredictions,
  upsertReports,
} from '../store/index.ts';
import { type Classification, modelLabels, type Predictor } from './predictor.ts';
import { type ReportInput, reportFromInput } from './report-input.ts';
import { findTask, type TaskName } from './tasks/index.ts';

export function storedPredictions(c: Classification): StoredPrediction[] {
  return Object.values(c.answers).map((a) => ({
    task: a.task,
    modelId: a.modelId,
    label: a.label,
    probability: a.probability,
    abstained: a.needsHuman,
    ranking: a.ranking,
  }));
}

/** File a report through eightball: store it, classify it, store the answers with it. */
export async function submitReport(
  store: Store,
  predictor: Predictor,
  input: ReportInput,
): Promise<{ id: number; classification: Classification }> {
  const report = reportFromInput(input);
  await upsertReports(store.db, [report]);
  const id = (await reportIdOf(store.db, report.source, report.externalId))!;
  const classification = await predictor.classify(input, { excludeId: id });
  await savePredictions(store.db, id, storedPredictions(classification), new Date().toISOString());
  predictor.remember(id, report);
  return { id, classification };
}

/** The labels a task knows: its active model's classes and those triagers have given it. */
export async function knownLabels(store: Store, predictor: Predictor, task: TaskName): Promise<string[]> {
  const model = (await predictor.models()).get(task);
  const all = new Set([...modelLabels(model), ...(await correctionLabels(store.db, task))]);
  return [...all].sort((a, b) => a.localeCompare(b));
}

/**
 * Refuse a label the task does not know unless the caller says it is new on purpose: a typo
 * would otherwise become a class of the next training (or a watch that never fires).
 */
export async function checkLabel(
  store: Store,
  predictor: Predictor,
  task: TaskName,
  label: string,
  allowNew: boolean,
): Promise<string> {
  const l = label.trim();
  if (l === '' || l.length > 200) throw EightballError.about('label', 'usage', 'label: 1 to 200 characters');
  const multi = (await findTask(store, task))?.kind === 'multilabel';
  // a multi-label answer is a set: "crash, security", or "(none)" for a report that is none of them
  const parts = multi ? [...new Set(l.split(',').map((x) => x.trim()))].filter((x) => x !== '').sort() : [l];
  const value = multi ? (parts.includes('(none)') ? '(none)' : parts.join(', ')) : l;
  if (allowNew || value === '(none)') return value;
  const known = await knownLabels(store, predictor, task);
  const known1 = multi ? [...new Set(known.flatMap((k) => k.split(',').map((x) => x.trim())))] : known;
  const unknown = parts.find((p) => known1.length > 0 && !known1.includes(p));
  if (unknown !== undefined) {
    const near = known1.filter((k) => k.toLowerCase() === unknown.toLowerCase());
    throw EightballError.about(
      'label',
      'usage',
      `label: "${unknown}" is not a ${task} label yet${near.length ? ` (did you mean "${near[0]}"?)` : ''}; known: ${known1.slice(0, 20).join(', ')}${known1.length > 20 ? ', ...' : ''}. To add it as a new label, confirm (allowNew: true)`,
    );
  }
  return value;
}

/**
 * A triager accepts the predicted label or gives the right one: stored as the report's label for
 * the task's next training. A label the task does not know needs `allowNew`.
 */
export async function recordFeedback(
  store: Store,
  predictor: Predictor,
  reportId: number,
  f: { task: TaskName; label: string; accepted: boolean; allowNew?: boolean },
  userId: number,
): Promise<void> {
  if (!(await getReportById(store.db, reportId)))
    throw new EightballError('not-found', `report ${reportId} not found`);
  const label = await checkLabel(store, predictor, f.task, f.label, f.allowNew === true || f.accepted);
  const now = new Date().toISOString();
  await saveCorrection(store.db, reportId, { task: f.task, label, accepted: f.accepted, userId }, now);
  await addAudit(
    store.db,
    {
      userId,
      action: f.accepted ? 'prediction.accept' : 'prediction.correct',
      detail: `report ${reportId} ${f.task} = ${label}`,
    },
    now,
  );
}

import { EightballError } from '../domain/index.ts';
import {
  addAudit,
  getReportById,
  reportIdOf,
  type Store,
  type StoredPrediction,
  saveCorrection,
  savePredictions,
  upsertReports,
} from '../store/index.ts';
import type { Classification, Predictor } from './predictor.ts';
import { type ReportInput, reportFromInput } from './report-input.ts';
import type { TaskName } from './tasks.ts';

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

/**
 * A triager accepts the predicted label or gives the right one: stored as the report's label for
 * the task's next training.
 */
export async function recordFeedback(
  store: Store,
  reportId: number,
  f: { task: TaskName; label: string; accepted: boolean },
  userId: number,
): Promise<void> {
  if (!(await getReportById(store.db, reportId)))
    throw new EightballError('not-found', `report ${reportId} not found`);
  const label = f.label.trim();
  if (label === '' || label.length > 200) throw new EightballError('usage', 'label: 1 to 200 characters');
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

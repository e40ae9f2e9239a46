import type { Kysely, Selectable } from 'kysely';
import type { Database, PredictionsTable } from './schema.ts';

export interface StoredPrediction {
  task: string;
  modelId: number;
  label: string | null;
  probability: number;
  abstained: boolean;
  ranking: { label: string; probability: number }[];
}

export async function savePredictions(
  db: Kysely<Database>,
  reportId: number,
  predictions: StoredPrediction[],
  now: string,
): Promise<void> {
  for (const p of predictions) {
    const values = {
      report_id: reportId,
      task: p.task,
      model_id: p.modelId,
      label: p.label,
      probability: p.probability,
      abstained: p.abstained ? 1 : 0,
      ranking: JSON.stringify(p.ranking),
      created_at: now,
    };
    const { report_id: _r, task: _t, ...update } = values;
    await db
      .insertInto('predictions')
      .values(values)
      .onConflict((oc) => oc.columns(['report_id', 'task']).doUpdateSet(update))
      .execute();
  }
}

function fromRow(r: Selectable<PredictionsTable>): StoredPrediction {
  return {
    task: r.task,
    modelId: Number(r.model_id),
    label: r.label,
    probability: r.probability,
    abstained: r.abstained === 1,
    ranking: JSON.parse(r.ranking) as StoredPrediction['ranking'],
  };
}

export async function predictionsFor(db: Kysely<Database>, reportId: number): Promise<StoredPrediction[]> {
  const rows = await db.selectFrom('predictions').selectAll().where('report_id', '=', reportId).execute();
  return rows.map(fromRow);
}

export interface Correction {
  task: string;
  label: string;
  accepted: boolean;
  userId: number;
  createdAt: string;
}

/** The labels triagers have given a task (they are known labels, whatever the model knows). */
export async function correctionLabels(db: Kysely<Database>, task: string): Promise<string[]> {
  const rows = await db
    .selectFrom('corrections')
    .select('label')
    .distinct()
    .where('task', '=', task)
    .execute();
  return rows.map((r) => r.label);
}

/** One correction per report and task: a later one replaces it. */
export async function saveCorrection(
  db: Kysely<Database>,
  reportId: number,
  c: Omit<Correction, 'createdAt'>,
  now: string,
): Promise<void> {
  const values = {
    report_id: reportId,
    task: c.task,
    label: c.label,
    accepted: c.accepted ? 1 : 0,
    user_id: c.userId,
    created_at: now,
  };
  await db
    .insertInto('corrections')
    .values(values)
    .onConflict((oc) =>
      oc.columns(['report_id', 'task']).doUpdateSet({
        label: c.label,
        accepted: values.accepted,
        user_id: c.userId,
        created_at: now,
      }),
    )
    .execute();
}

export async function correctionsFor(db: Kysely<Database>, reportId: number): Promise<Correction[]> {
  const rows = await db.selectFrom('corrections').selectAll().where('report_id', '=', reportId).execute();
  return rows.map((r) => ({
    task: r.task,
    label: r.label,
    accepted: r.accepted === 1,
    userId: Number(r.user_id),
    createdAt: r.created_at,
  }));
}

/** Every correction of a task, by report id: training reads these as labels. */
export async function correctionsByReport(db: Kysely<Database>, task: string): Promise<Map<number, string>> {
  const rows = await db
    .selectFrom('corrections')
    .select(['report_id', 'label'])
    .where('task', '=', task)
    .execute();
  return new Map(rows.map((r) => [Number(r.report_id), r.label]));
}

/** The stored predictions of several reports at once (a list page), by report id. */
export async function predictionsForReports(
  db: Kysely<Database>,
  ids: number[],
): Promise<Map<number, StoredPrediction[]>> {
  const out = new Map<number, StoredPrediction[]>();
  if (ids.length === 0) return out;
  const rows = await db.selectFrom('predictions').selectAll().where('report_id', 'in', ids).execute();
  for (const r of rows) {
    const list = out.get(Number(r.report_id)) ?? [];
    list.push(fromRow(r));
    out.set(Number(r.report_id), list);
  }
  return out;
}

/** The corrections of several reports at once (a list page), by report id. */
export async function correctionsForReports(
  db: Kysely<Database>,
  ids: number[],
): Promise<Map<number, Correction[]>> {
  const out = new Map<number, Correction[]>();
  if (ids.length === 0) return out;
  const rows = await db.selectFrom('corrections').selectAll().where('report_id', 'in', ids).execute();
  for (const r of rows) {
    const list = out.get(Number(r.report_id)) ?? [];
    list.push({
      task: r.task,
      label: r.label,
      accepted: r.accepted === 1,
      userId: Number(r.user_id),
      createdAt: r.created_at,
    });
    out.set(Number(r.report_id), list);
  }
  return out;
}

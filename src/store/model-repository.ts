import type { Kysely } from 'kysely';
import type { Database, ModelVersionRow } from './schema.ts';

export type ModelSummaryRow = Omit<ModelVersionRow, 'artifact' | 'report_html'>;

const SUMMARY_COLUMNS = [
  'id',
  'task',
  'version',
  'created_at',
  'activated_at',
  'active',
  'label_source',
  'description',
  'metrics',
  'threshold',
] as const;

function normalise<T extends { id: number | string }>(r: T): T {
  return { ...r, id: Number(r.id) };
}

export async function insertModelVersion(
  db: Kysely<Database>,
  m: Omit<ModelVersionRow, 'id' | 'version' | 'active' | 'activated_at'>,
): Promise<{ id: number; version: number }> {
  return db.transaction().execute(async (tx) => {
    const last = await tx
      .selectFrom('model_versions')
      .select((eb) => eb.fn.max('version').as('v'))
      .where('task', '=', m.task)
      .executeTakeFirst();
    const version = Number(last?.v ?? 0) + 1;
    const row = await tx
      .insertInto('model_versions')
      .values({ ...m, version, active: 0, activated_at: null })
      .returning('id')
      .executeTakeFirstOrThrow();
    return { id: Number(row.id), version };
  });
}

export async function listModelVersions(db: Kysely<Database>, task?: string): Promise<ModelSummaryRow[]> {
  let q = db.selectFrom('model_versions').select(SUMMARY_COLUMNS).orderBy('task').orderBy('version', 'desc');
  if (task) q = q.where('task', '=', task);
  return (await q.execute()).map(normalise);
}

export async function getModelVersion(
  db: Kysely<Database>,
  id: number,
): Promise<ModelVersionRow | undefined> {
  const r = await db.selectFrom('model_versions').selectAll().where('id', '=', id).executeTakeFirst();
  return r ? normalise(r) : undefined;
}

export async function getModelByTaskVersion(
  db: Kysely<Database>,
  task: string,
  version: number,
): Promise<ModelSummaryRow | undefined> {
  const r = await db
    .selectFrom('model_versions')
    .select(SUMMARY_COLUMNS)
    .where('task', '=', task)
    .where('version', '=', version)
    .executeTakeFirst();
  return r ? normalise(r) : undefined;
}

export async function activeModelSummary(
  db: Kysely<Database>,
  task: string,
): Promise<ModelSummaryRow | undefined> {
  const r = await db
    .selectFrom('model_versions')
    .select(SUMMARY_COLUMNS)
    .where('task', '=', task)
    .where('active', '=', 1)
    .executeTakeFirst();
  return r ? normalise(r) : undefined;
}

/** The active model id per task: cheap, so every process can poll it and swap when it changes. */
export async function activeModelIds(db: Kysely<Database>): Promise<Map<string, number>> {
  const rows = await db.selectFrom('model_versions').select(['task', 'id']).where('active', '=', 1).execute();
  return new Map(rows.map((r) => [r.task, Number(r.id)]));
}

/** Make one version the active one of its task, in one transaction so a task never has two. */
export async function activateModelVersion(db: Kysely<Database>, id: number, now: string): Promise<void> {
  await db.transaction().execute(async (tx) => {
    const m = await tx
      .selectFrom('model_versions')
      .select('task')
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    await tx.updateTable('model_versions').set({ active: 0 }).where('task', '=', m.task).execute();
    await tx
      .updateTable('model_versions')
      .set({ active: 1, activated_at: now })
      .where('id', '=', id)
      .execute();
  });
}

export async function setModelThreshold(db: Kysely<Database>, id: number, threshold: number): Promise<void> {
  await db.updateTable('model_versions').set({ threshold }).where('id', '=', id).execute();
}

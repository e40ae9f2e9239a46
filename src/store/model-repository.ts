import type { Kysely } from 'kysely';
import { readArtifactBytes } from './artifact-bytes.ts';
import type { Database, ModelVersionRow } from './schema.ts';

export type ModelSummaryRow = Omit<ModelVersionRow, 'artifact' | 'artifact_bin' | 'report_html' | 'report'>;

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
  'run_key',
] as const;

function normalise<T extends { id: number | string }>(r: T): T {
  return { ...r, id: Number(r.id) };
}

/**
 * Store a new version and, when asked, make it the active one, in one transaction. With a
 * `run_key` (the job that trained it) a second run of the same job stores nothing: it gets the
 * version the first run stored, with `existing: true`.
 */
export async function insertModelVersion(
  db: Kysely<Database>,
  m: Omit<
    ModelVersionRow,
    'id' | 'version' | 'active' | 'activated_at' | 'run_key' | 'report' | 'artifact' | 'artifact_bin'
  > & {
    run_key?: string | null;
    report?: string | null;
    /** bytes (a binary artifact) or text (a JSON one) */
    artifact: string | Uint8Array;
  },
  opts: { activate?: boolean; now?: string } = {},
): Promise<{ id: number; version: number; existing: boolean; active: boolean }> {
  return db.transaction().execute(async (tx) => {
    if (m.run_key) {
      const done = await findVersionByRunKey(tx, m.run_key);
      if (done) return { ...done, existing: true };
    }
    const last = await tx
      .selectFrom('model_versions')
      .select((eb) => eb.fn.max('version').as('v'))
      .where('task', '=', m.task)
      .executeTakeFirst();
    const version = Number(last?.v ?? 0) + 1;
    const row = await tx
      .insertInto('model_versions')
      .values({
        ...m,
        artifact: typeof m.artifact === 'string' ? m.artifact : '',
        artifact_bin: typeof m.artifact === 'string' ? null : m.artifact,
        run_key: m.run_key ?? null,
        report: m.report ?? null,
        version,
        active: 0,
        activated_at: null,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const id = Number(row.id);
    if (opts.activate) await activateIn(tx, id, opts.now ?? new Date().toISOString());
    return { id, version, existing: false, active: opts.activate === true };
  });
}

/** The version a run (a job) stored, if it stored one. */
export async function findVersionByRunKey(
  db: Kysely<Database>,
  runKey: string,
): Promise<{ id: number; version: number; active: boolean } | undefined> {
  const r = await db
    .selectFrom('model_versions')
    .select(['id', 'version', 'active'])
    .where('run_key', '=', runKey)
    .executeTakeFirst();
  return r ? { id: Number(r.id), version: r.version, active: r.active === 1 } : undefined;
}

export async function listModelVersions(db: Kysely<Database>, task?: string): Promise<ModelSummaryRow[]> {
  let q = db.selectFrom('model_versions').select(SUMMARY_COLUMNS).orderBy('task').orderBy('version', 'desc');
  if (task) q = q.where('task', '=', task);
  return (await q.execute()).map(normalise);
}

export type ServableModelRow = ModelSummaryRow & Pick<ModelVersionRow, 'artifact' | 'artifact_bin'>;

/**
 * A version as a server loads it: its summary and artifact, without the evaluation report (tens
 * of megabytes at a million reports) that only its page reads.
 */
export async function getServableModel(
  db: Kysely<Database>,
  id: number,
): Promise<ServableModelRow | undefined> {
  const r = await db
    .selectFrom('model_versions')
    .select([...SUMMARY_COLUMNS, 'artifact'])
    .where('id', '=', id)
    .executeTakeFirst();
  if (!r) return undefined;
  return normalise({ ...r, artifact_bin: await readArtifactBytes(db, id) });
}

/** A version whole: what a server loads, and its evaluation report. */
export async function getModelVersion(
  db: Kysely<Database>,
  id: number,
): Promise<ModelVersionRow | undefined> {
  const servable = await getServableModel(db, id);
  if (!servable) return undefined;
  const page = await db
    .selectFrom('model_versions')
    .select(['report_html', 'report'])
    .where('id', '=', id)
    .executeTakeFirstOrThrow();
  return { ...servable, ...page };
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
  await db.transaction().execute((tx) => activateIn(tx, id, now));
}

async function activateIn(tx: Kysely<Database>, id: number, now: string): Promise<void> {
  const m = await tx
    .selectFrom('model_versions')
    .select('task')
    .where('id', '=', id)
    .executeTakeFirstOrThrow();
  await tx.updateTable('model_versions').set({ active: 0 }).where('task', '=', m.task).execute();
  await tx.updateTable('model_versions').set({ active: 1, activated_at: now }).where('id', '=', id).execute();
}

export async function setModelThreshold(db: Kysely<Database>, id: number, threshold: number): Promise<void> {
  await db.updateTable('model_versions').set({ threshold }).where('id', '=', id).execute();
}

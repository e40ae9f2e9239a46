import type { Kysely, Transaction } from 'kysely';
import type { Database, ImportRunRow, ImportRunStatus } from './schema.ts';

type Db = Kysely<Database> | Transaction<Database>;

export interface ImportRunStart {
  source: string;
  kind: 'file' | 'bugzilla' | 'git' | 'github' | 'jira';
  target: string;
  fingerprint: string;
  options: Record<string, unknown>;
  checkpoint?: string | null;
}

export async function startImportRun(
  db: Db,
  start: ImportRunStart,
  now = new Date().toISOString(),
): Promise<number> {
  const row = await db
    .insertInto('import_runs')
    .values({
      source: start.source,
      kind: start.kind,
      target: start.target,
      fingerprint: start.fingerprint,
      options: JSON.stringify(start.options),
      status: 'running',
      started_at: now,
      heartbeat_at: now,
      checkpoint: start.checkpoint ?? null,
      imported: 0,
      updated: 0,
      unchanged: 0,
      rejected: 0,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return Number(row.id);
}

export interface RunProgress {
  imported: number;
  updated: number;
  unchanged: number;
  rejected: number;
  checkpoint: string | null;
}

/** Record progress; called in the same transaction as the batch it describes, so both land or neither. */
export async function recordRunProgress(
  db: Db,
  id: number,
  p: RunProgress,
  now = new Date().toISOString(),
): Promise<void> {
  await db
    .updateTable('import_runs')
    .set({ ...p, heartbeat_at: now })
    .where('id', '=', id)
    .execute();
}

export async function finishImportRun(
  db: Db,
  id: number,
  status: Exclude<ImportRunStatus, 'running'>,
  p: RunProgress,
  message: string | null = null,
  now = new Date().toISOString(),
): Promise<void> {
  await db
    .updateTable('import_runs')
    .set({ ...p, status, message, finished_at: now, heartbeat_at: now })
    .where('id', '=', id)
    .execute();
}

/** The latest run for this source and target, to resume from or to report. */
export async function latestImportRun(db: Db, source: string, target: string): Promise<ImportRunRow | null> {
  const row = await db
    .selectFrom('import_runs')
    .selectAll()
    .where('source', '=', source)
    .where('target', '=', target)
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row ?? null;
}

/** The newest checkpoint any run of this target left: where an incremental sync (or a resume) starts. */
export async function latestCheckpoint(db: Db, source: string, target: string): Promise<string | null> {
  const row = await db
    .selectFrom('import_runs')
    .select('checkpoint')
    .where('source', '=', source)
    .where('target', '=', target)
    .where('checkpoint', 'is not', null)
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row?.checkpoint ?? null;
}

export async function listImportRuns(db: Db, limit = 20): Promise<ImportRunRow[]> {
  return db.selectFrom('import_runs').selectAll().orderBy('id', 'desc').limit(limit).execute();
}

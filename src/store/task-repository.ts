import type { Kysely, Selectable } from 'kysely';
import type { Database, TasksTable } from './schema.ts';

export type TaskRow = Selectable<TasksTable>;

export async function listTaskRows(db: Kysely<Database>): Promise<TaskRow[]> {
  return db.selectFrom('tasks').selectAll().orderBy('name').execute();
}

export async function getTaskRow(db: Kysely<Database>, name: string): Promise<TaskRow | undefined> {
  return db.selectFrom('tasks').selectAll().where('name', '=', name).executeTakeFirst();
}

/** False when a task of that name exists already. */
export async function insertTaskRow(db: Kysely<Database>, row: TaskRow): Promise<boolean> {
  const r = await db
    .insertInto('tasks')
    .values(row)
    .onConflict((oc) => oc.column('name').doNothing())
    .executeTakeFirst();
  return Number(r.numInsertedOrUpdatedRows ?? 0) > 0;
}

/**
 * The task, its settings and its models' activation go in one transaction: a removed task answers
 * nothing, while its versions, predictions and corrections stay for the record.
 */
export async function deleteTaskRow(db: Kysely<Database>, name: string): Promise<boolean> {
  return db.transaction().execute(async (tx) => {
    const r = await tx.deleteFrom('tasks').where('name', '=', name).executeTakeFirst();
    await tx.deleteFrom('settings').where('key', 'like', `task.${name}.%`).execute();
    await tx.updateTable('model_versions').set({ active: 0 }).where('task', '=', name).execute();
    return Number(r.numDeletedRows) > 0;
  });
}

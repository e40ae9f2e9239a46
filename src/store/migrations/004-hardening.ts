import type { Kysely } from 'kysely';

/**
 * Sessions know their user (a password change ends the user's other sessions), and a model version
 * knows the run that made it (a job that runs twice stores and activates one version).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('sessions').addColumn('user_id', 'integer').execute();
  await db.schema.createIndex('sessions_user').on('sessions').column('user_id').execute();
  await db.schema.alterTable('model_versions').addColumn('run_key', 'text').execute();
  await db.schema
    .createIndex('model_versions_run_key')
    .on('model_versions')
    .column('run_key')
    .unique()
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('model_versions_run_key').execute();
  await db.schema.alterTable('model_versions').dropColumn('run_key').execute();
  await db.schema.dropIndex('sessions_user').execute();
  await db.schema.alterTable('sessions').dropColumn('user_id').execute();
}

import type { Kysely } from 'kysely';
import { isPostgres } from './dialect.ts';

/**
 * Model artifacts as bytes (typed arrays as they are, `ml/binary-artifact.ts`) beside the text
 * column the JSON artifacts of earlier versions stay in: a version has one or the other.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  const type = (await isPostgres(db)) ? 'bytea' : 'blob';
  await db.schema.alterTable('model_versions').addColumn('artifact_bin', type).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('model_versions').dropColumn('artifact_bin').execute();
}

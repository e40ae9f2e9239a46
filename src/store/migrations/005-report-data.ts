import type { Kysely } from 'kysely';

/**
 * A model version keeps the data of its evaluation report (JSON), and the page is rendered from it
 * when asked, so it follows the code that draws it; versions stored before keep their HTML.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('model_versions').addColumn('report', 'text').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('model_versions').dropColumn('report').execute();
}

import type { Kysely } from 'kysely';

/**
 * A linked git repository's commits (read once each; the files they changed, renames followed)
 * and which stored reports each one fixed.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('git_commits')
    .addColumn('repo', 'text', (c) => c.notNull())
    .addColumn('sha', 'text', (c) => c.notNull())
    .addColumn('committed_at', 'text', (c) => c.notNull())
    .addColumn('author', 'text', (c) => c.notNull())
    .addColumn('subject', 'text', (c) => c.notNull())
    .addColumn('files', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('git_commits_pk', ['repo', 'sha'])
    .execute();
  await db.schema
    .createTable('report_commits')
    .addColumn('report_id', 'integer', (c) => c.notNull())
    .addColumn('repo', 'text', (c) => c.notNull())
    .addColumn('sha', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('report_commits_pk', ['report_id', 'repo', 'sha'])
    .execute();
  await db.schema
    .createIndex('report_commits_by_commit')
    .on('report_commits')
    .columns(['repo', 'sha'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('report_commits').execute();
  await db.schema.dropTable('git_commits').execute();
}

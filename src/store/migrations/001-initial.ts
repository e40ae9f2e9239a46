import type { Kysely } from 'kysely';
import { isPostgres } from './dialect.ts';

export async function up(db: Kysely<unknown>): Promise<void> {
  const pg = await isPostgres(db);
  const idType = pg ? 'bigserial' : 'integer';
  await db.schema
    .createTable('bug_reports')
    .addColumn('id', idType, (c) => (pg ? c.primaryKey() : c.primaryKey().autoIncrement()))
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('external_id', 'text', (c) => c.notNull())
    .addColumn('url', 'text')
    .addColumn('summary', 'text', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('product', 'text')
    .addColumn('component', 'text')
    .addColumn('type', 'text')
    .addColumn('severity', 'text')
    .addColumn('priority', 'text')
    .addColumn('platform', 'text')
    .addColumn('op_sys', 'text')
    .addColumn('version', 'text')
    .addColumn('keywords', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('status', 'text')
    .addColumn('resolution', 'text')
    .addColumn('reporter', 'text')
    .addColumn('assignee', 'text')
    .addColumn('created_at', 'text')
    .addColumn('updated_at', 'text')
    .addColumn('labels', 'text', (c) => c.notNull().defaultTo('{}'))
    .addColumn('filed_product', 'text')
    .addColumn('filed_component', 'text')
    .addColumn('filed_severity', 'text')
    .addColumn('filed_type', 'text')
    .addColumn('filed_priority', 'text')
    .addColumn('filed_known', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('raw', 'text', (c) => c.notNull())
    .addColumn('content_hash', 'text', (c) => c.notNull())
    .addColumn('imported_at', 'text', (c) => c.notNull())
    .addColumn('changed_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('bug_reports_source_external_id', ['source', 'external_id'])
    .execute();
  await db.schema
    .createIndex('bug_reports_product_component')
    .on('bug_reports')
    .columns(['product', 'component'])
    .execute();
  await db.schema.createIndex('bug_reports_created_at').on('bug_reports').column('created_at').execute();

  await db.schema
    .createTable('import_runs')
    .addColumn('id', idType, (c) => (pg ? c.primaryKey() : c.primaryKey().autoIncrement()))
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('target', 'text', (c) => c.notNull())
    .addColumn('fingerprint', 'text', (c) => c.notNull())
    .addColumn('options', 'text', (c) => c.notNull().defaultTo('{}'))
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('started_at', 'text', (c) => c.notNull())
    .addColumn('finished_at', 'text')
    .addColumn('heartbeat_at', 'text', (c) => c.notNull())
    .addColumn('imported', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('updated', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('unchanged', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('rejected', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('checkpoint', 'text')
    .addColumn('message', 'text')
    .execute();
  await db.schema
    .createIndex('import_runs_source_target')
    .on('import_runs')
    .columns(['source', 'target', 'started_at'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('import_runs').execute();
  await db.schema.dropTable('bug_reports').execute();
}

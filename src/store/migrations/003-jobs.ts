import { type Kysely, sql } from 'kysely';
import { idColumn } from './dialect.ts';

/** The embedded job queue, batches of reports to classify, and watchers' subscriptions. */
export async function up(db: Kysely<unknown>): Promise<void> {
  const { type: idType, build: id } = await idColumn(db);
  await db.schema
    .createTable('jobs')
    .addColumn('id', idType, id)
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('data', 'text', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('priority', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('max_attempts', 'integer', (c) => c.notNull())
    .addColumn('backoff_ms', 'integer', (c) => c.notNull())
    .addColumn('run_at', 'text', (c) => c.notNull())
    .addColumn('lease_owner', 'text')
    .addColumn('lease_until', 'text')
    .addColumn('cancel_requested', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('progress', 'text')
    .addColumn('result', 'text')
    .addColumn('error', 'text')
    .addColumn('dedup_key', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('finished_at', 'text')
    .execute();
  await db.schema.createIndex('jobs_claim').on('jobs').columns(['state', 'run_at']).execute();
  // at most one waiting or running job per de-duplication key, even when two processes race
  await db.schema
    .createIndex('jobs_dedup_live')
    .on('jobs')
    .column('dedup_key')
    .unique()
    .where(sql.ref('state'), 'in', sql`('waiting', 'active')`)
    .execute();
  // when a source's schedule last fired: the compare-and-set that lets one process of many enqueue it
  await db.schema.alterTable('data_sources').addColumn('last_scheduled', 'text').execute();
  await db.schema
    .createTable('batches')
    .addColumn('id', idType, id)
    .addColumn('total', 'integer', (c) => c.notNull())
    .addColumn('user_id', 'integer')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('batch_items')
    .addColumn('batch_id', 'integer', (c) => c.notNull())
    .addColumn('idx', 'integer', (c) => c.notNull())
    .addColumn('input', 'text', (c) => c.notNull())
    .addColumn('result', 'text')
    .addColumn('worker', 'text')
    .addColumn('done_at', 'text')
    .addPrimaryKeyConstraint('batch_items_pk', ['batch_id', 'idx'])
    .execute();
  await db.schema
    .createTable('subscriptions')
    .addColumn('id', idType, id)
    .addColumn('user_id', 'integer', (c) => c.notNull())
    .addColumn('email', 'text', (c) => c.notNull())
    .addColumn('task', 'text', (c) => c.notNull())
    .addColumn('label', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('subscriptions_unique', ['user_id', 'task', 'label'])
    .execute();
  await db.schema
    .createTable('notifications')
    .addColumn('subscription_id', 'integer', (c) => c.notNull())
    .addColumn('report_id', 'integer', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('sent_at', 'text')
    .addPrimaryKeyConstraint('notifications_pk', ['subscription_id', 'report_id'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('data_sources').dropColumn('last_scheduled').execute();
  for (const t of ['notifications', 'subscriptions', 'batch_items', 'batches', 'jobs']) {
    await db.schema.dropTable(t).execute();
  }
}

import type { Kysely } from 'kysely';
import { idColumn } from './dialect.ts';

/**
 * The tracker loop: webhook deliveries seen (a replay changes nothing), what to write back per
 * source and task, and every action taken in a tracker (to undo it, and never to take it twice).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  const id = await idColumn(db);
  await db.schema
    .createTable('webhook_deliveries')
    .addColumn('tracker', 'text', (c) => c.notNull())
    .addColumn('delivery_id', 'text', (c) => c.notNull())
    .addColumn('event', 'text', (c) => c.notNull())
    .addColumn('report_id', 'integer')
    .addColumn('received_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('webhook_deliveries_pk', ['tracker', 'delivery_id'])
    .execute();
  await db.schema
    .createTable('writeback_rules')
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('task', 'text', (c) => c.notNull())
    .addColumn('mode', 'text', (c) => c.notNull())
    .addColumn('threshold', 'real', (c) => c.notNull())
    .addColumn('label_thresholds', 'text', (c) => c.notNull())
    .addColumn('untriaged', 'text', (c) => c.notNull())
    .addColumn('needs_triage_label', 'text')
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('writeback_rules_pk', ['source', 'task'])
    .execute();
  await db.schema
    .createTable('tracker_actions')
    .addColumn('id', id.type, id.build)
    .addColumn('report_id', 'integer', (c) => c.notNull())
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('task', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('decision', 'text', (c) => c.notNull())
    .addColumn('probability', 'real', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('before_value', 'text', (c) => c.notNull())
    .addColumn('after_value', 'text', (c) => c.notNull())
    .addColumn('external_ref', 'text')
    .addColumn('message', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('undone_at', 'text')
    .addColumn('undone_by', 'integer')
    .execute();
  await db.schema
    .createIndex('tracker_actions_once')
    .on('tracker_actions')
    .columns(['report_id', 'task', 'kind', 'decision'])
    .unique()
    .execute();
  await db.schema
    .createTable('report_field_changes')
    .addColumn('report_id', 'integer', (c) => c.notNull())
    .addColumn('field', 'text', (c) => c.notNull())
    .addColumn('removed', 'text', (c) => c.notNull())
    .addColumn('added', 'text', (c) => c.notNull())
    .addColumn('who', 'text', (c) => c.notNull())
    .addColumn('at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('report_field_changes_by_report')
    .on('report_field_changes')
    .columns(['report_id', 'field'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('report_field_changes').execute();
  await db.schema.dropTable('tracker_actions').execute();
  await db.schema.dropTable('writeback_rules').execute();
  await db.schema.dropTable('webhook_deliveries').execute();
}

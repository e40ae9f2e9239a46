import { type Kysely, sql } from 'kysely';
import { isPostgres } from './dialect.ts';

/**
 * A full-text index over every stored report's summary and description, kept up to date by the
 * database itself (SQLite: an FTS5 table over bug_reports, with triggers; PostgreSQL: a generated
 * tsvector column with a GIN index), for similar reports over the whole store.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  if (await isPostgres(db)) {
    // bounded, as to_tsvector refuses vectors over 1 MB
    await sql`alter table bug_reports add column search tsvector generated always as (to_tsvector('simple', left(summary, 2000) || ' ' || left(description, 30000))) stored`.execute(
      db,
    );
    await sql`create index bug_reports_search on bug_reports using gin (search)`.execute(db);
    return;
  }
  await sql`create virtual table report_search using fts5(summary, description, content='bug_reports', content_rowid='id', tokenize='unicode61 remove_diacritics 2')`.execute(
    db,
  );
  await sql`create trigger report_search_insert after insert on bug_reports begin
    insert into report_search(rowid, summary, description) values (new.id, new.summary, new.description);
  end`.execute(db);
  await sql`create trigger report_search_delete after delete on bug_reports begin
    insert into report_search(report_search, rowid, summary, description) values ('delete', old.id, old.summary, old.description);
  end`.execute(db);
  await sql`create trigger report_search_update after update of summary, description on bug_reports begin
    insert into report_search(report_search, rowid, summary, description) values ('delete', old.id, old.summary, old.description);
    insert into report_search(rowid, summary, description) values (new.id, new.summary, new.description);
  end`.execute(db);
  await sql`insert into report_search(report_search) values ('rebuild')`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  if (await isPostgres(db)) {
    await sql`drop index if exists bug_reports_search`.execute(db);
    await sql`alter table bug_reports drop column if exists search`.execute(db);
    return;
  }
  for (const t of ['report_search_insert', 'report_search_delete', 'report_search_update'])
    await sql`drop trigger if exists ${sql.raw(t)}`.execute(db);
  await sql`drop table if exists report_search`.execute(db);
}

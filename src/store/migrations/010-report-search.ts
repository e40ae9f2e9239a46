import { type Kysely, sql } from 'kysely';
import { isPostgres } from './dialect.ts';

/**
 * A full-text index over every stored report's summary and the start of its description, kept up
 * to date by the database itself (SQLite: a contentless FTS5 table, with triggers; PostgreSQL: a generated
 * tsvector column with a GIN index), for similar reports over the whole store.
 */
/** the characters of a description the index reads (its summary is read whole) */
const INDEXED_DESCRIPTION = 2000;

export async function up(db: Kysely<unknown>): Promise<void> {
  if (await isPostgres(db)) {
    await sql`alter table bug_reports add column search tsvector generated always as (to_tsvector('simple', left(summary, 2000) || ' ' || left(description, ${sql.raw(String(INDEXED_DESCRIPTION))}))) stored`.execute(
      db,
    );
    await sql`create index bug_reports_search on bug_reports using gin (search)`.execute(db);
    return;
  }
  // contentless (the text stays in bug_reports alone), and of the description only its start: the
  // words a search needs, at a fraction of the indexing work of whole descriptions
  await sql`create virtual table report_search using fts5(summary, description, content='', contentless_delete=1, tokenize='unicode61 remove_diacritics 2')`.execute(
    db,
  );
  await sql`create trigger report_search_insert after insert on bug_reports begin
    insert into report_search(rowid, summary, description) values (new.id, new.summary, substr(new.description, 1, ${sql.raw(String(INDEXED_DESCRIPTION))}));
  end`.execute(db);
  await sql`create trigger report_search_delete after delete on bug_reports begin
    delete from report_search where rowid = old.id;
  end`.execute(db);
  await sql`create trigger report_search_update after update of summary, description on bug_reports begin
    delete from report_search where rowid = old.id;
    insert into report_search(rowid, summary, description) values (new.id, new.summary, substr(new.description, 1, ${sql.raw(String(INDEXED_DESCRIPTION))}));
  end`.execute(db);
  await sql`insert into report_search(rowid, summary, description) select id, summary, substr(description, 1, ${sql.raw(String(INDEXED_DESCRIPTION))}) from bug_reports`.execute(
    db,
  );
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

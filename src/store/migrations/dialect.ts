import { type ColumnDefinitionBuilder, type Kysely, sql } from 'kysely';

/** Migrations see a bare Kysely: ask the server what it is. */
export async function isPostgres(db: Kysely<unknown>): Promise<boolean> {
  const r = await sql<{ v: string }>`select version() as v`.execute(db).catch(() => null);
  return r !== null && /postgres/i.test(String(r.rows[0]?.v ?? ''));
}

/** The id column is the one thing the dialects spell differently. */
export async function idColumn(db: Kysely<unknown>): Promise<{
  type: 'bigserial' | 'integer';
  build: (c: ColumnDefinitionBuilder) => ColumnDefinitionBuilder;
}> {
  const pg = await isPostgres(db);
  return {
    type: pg ? 'bigserial' : 'integer',
    build: (c) => (pg ? c.primaryKey() : c.primaryKey().autoIncrement()),
  };
}

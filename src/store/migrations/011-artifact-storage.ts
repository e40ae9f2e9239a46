import { type Kysely, sql } from 'kysely';
import { isPostgres } from './dialect.ts';

/**
 * PostgreSQL keeps a bytea compressed unless told otherwise, and a piece of a compressed value
 * is read by decompressing everything before it. Artifacts are typed arrays that hardly compress,
 * so they are stored as they are, and `artifact-bytes.ts` reads them in pieces. Versions stored
 * before keep their storage: they still load, only without the saving.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  if (await isPostgres(db)) {
    await sql`alter table model_versions alter column artifact_bin set storage external`.execute(db);
  }
}

export async function down(db: Kysely<unknown>): Promise<void> {
  if (await isPostgres(db)) {
    await sql`alter table model_versions alter column artifact_bin set storage extended`.execute(db);
  }
}

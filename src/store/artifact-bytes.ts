import { type Kysely, PostgresAdapter, sql } from 'kysely';
import type { Database } from './schema.ts';

/**
 * node-postgres turns a bytea into a hex string and back: one select of an 84 MiB artifact took
 * 5.3 s, the same bytes in 1 MiB pieces 1.2-1.9 s (RESULTS, The whole product). SQLite hands a blob
 * over as it is, so it reads it whole.
 */
export const ARTIFACT_PIECE_BYTES = 1024 * 1024;

function onPostgres(db: Kysely<Database>): boolean {
  return db.getExecutor().adapter instanceof PostgresAdapter;
}

/** A version's binary artifact, or null when it has none (a JSON artifact of an earlier version). */
export async function readArtifactBytes(
  db: Kysely<Database>,
  id: number,
  piece = ARTIFACT_PIECE_BYTES,
): Promise<Uint8Array | null> {
  if (!onPostgres(db)) {
    const r = await db
      .selectFrom('model_versions')
      .select('artifact_bin')
      .where('id', '=', id)
      .executeTakeFirst();
    return r?.artifact_bin ?? null;
  }
  const head = await db
    .selectFrom('model_versions')
    .select(sql<number | null>`length(artifact_bin)`.as('n'))
    .where('id', '=', id)
    .executeTakeFirst();
  if (head?.n == null) return null;
  const total = Number(head.n);
  const out = new Uint8Array(total);
  // storage 'external' (migration 011) lets each piece be read without decompressing what is before it
  for (let at = 0; at < total; at += piece) {
    const r = await db
      .selectFrom('model_versions')
      .select(sql<Uint8Array>`substring(artifact_bin from ${at + 1} for ${piece})`.as('part'))
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    out.set(r.part, at);
  }
  return out;
}

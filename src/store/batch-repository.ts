import type { Kysely } from 'kysely';
import type { Database } from './schema.ts';

const CHUNK = 500;

export async function insertBatch(
  db: Kysely<Database>,
  inputs: unknown[],
  userId: number | null,
  now: string,
): Promise<number> {
  return db.transaction().execute(async (tx) => {
    const b = await tx
      .insertInto('batches')
      .values({ total: inputs.length, user_id: userId, created_at: now })
      .returning('id')
      .executeTakeFirstOrThrow();
    const id = Number(b.id);
    for (let i = 0; i < inputs.length; i += CHUNK) {
      await tx
        .insertInto('batch_items')
        .values(
          inputs
            .slice(i, i + CHUNK)
            .map((input, k) => ({ batch_id: id, idx: i + k, input: JSON.stringify(input) })),
        )
        .execute();
    }
    return id;
  });
}

/** Take back a batch that could not be queued: stored and queued together, or not at all. */
export async function deleteBatch(db: Kysely<Database>, id: number): Promise<void> {
  await db.transaction().execute(async (tx) => {
    await tx.deleteFrom('batch_items').where('batch_id', '=', id).execute();
    await tx.deleteFrom('batches').where('id', '=', id).execute();
  });
}

export async function getBatch(
  db: Kysely<Database>,
  id: number,
): Promise<
  { id: number; total: number; done: number; createdAt: string; userId: number | null } | undefined
> {
  const b = await db.selectFrom('batches').selectAll().where('id', '=', id).executeTakeFirst();
  if (!b) return undefined;
  const done = await db
    .selectFrom('batch_items')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('batch_id', '=', id)
    .where('result', 'is not', null)
    .executeTakeFirstOrThrow();
  return {
    id: Number(b.id),
    total: b.total,
    done: Number(done.n),
    createdAt: b.created_at,
    userId: b.user_id === null ? null : Number(b.user_id),
  };
}

/** The items of a range still without a result. */
export async function pendingBatchItems(
  db: Kysely<Database>,
  batchId: number,
  from: number,
  to: number,
): Promise<{ idx: number; input: unknown }[]> {
  const rows = await db
    .selectFrom('batch_items')
    .select(['idx', 'input'])
    .where('batch_id', '=', batchId)
    .where('idx', '>=', from)
    .where('idx', '<', to)
    .where('result', 'is', null)
    .orderBy('idx')
    .execute();
  return rows.map((r) => ({ idx: r.idx, input: JSON.parse(r.input) as unknown }));
}

/**
 * Store results only where none is stored yet, in one transaction: a chunk run twice (its first
 * worker died after writing) never writes an item twice.
 */
export async function saveBatchResults(
  db: Kysely<Database>,
  batchId: number,
  results: { idx: number; result: unknown }[],
  worker: string,
  now: string,
): Promise<number> {
  return db.transaction().execute(async (tx) => {
    let n = 0;
    for (const r of results) {
      const u = await tx
        .updateTable('batch_items')
        .set({ result: JSON.stringify(r.result), worker, done_at: now })
        .where('batch_id', '=', batchId)
        .where('idx', '=', r.idx)
        .where('result', 'is', null)
        .executeTakeFirst();
      n += Number(u.numUpdatedRows);
    }
    return n;
  });
}

export async function batchResults(
  db: Kysely<Database>,
  batchId: number,
  limit: number,
  offset: number,
): Promise<{ idx: number; result: unknown; worker: string | null }[]> {
  const rows = await db
    .selectFrom('batch_items')
    .select(['idx', 'result', 'worker'])
    .where('batch_id', '=', batchId)
    .orderBy('idx')
    .limit(limit)
    .offset(offset)
    .execute();
  return rows.map((r) => ({
    idx: r.idx,
    result: r.result ? (JSON.parse(r.result) as unknown) : null,
    worker: r.worker,
  }));
}

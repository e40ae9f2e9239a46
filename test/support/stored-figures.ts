import type { Store } from '../../src/store/index.ts';

/** As if a version had been measured on a window where it did badly: its stored figures say 0. */
export async function zeroStoredFigures(store: Store, id: number): Promise<void> {
  const row = await store.db
    .selectFrom('model_versions')
    .select('metrics')
    .where('id', '=', id)
    .executeTakeFirstOrThrow();
  const doctored = { ...(JSON.parse(row.metrics) as object), accuracy: 0, macroF1: 0 };
  await store.db
    .updateTable('model_versions')
    .set({ metrics: JSON.stringify(doctored) })
    .where('id', '=', id)
    .execute();
}

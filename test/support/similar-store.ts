import { openStore, reportIdOf, type Store, upsertReports } from '../../src/store/index.ts';
import { trainTask } from '../../src/triage/index.ts';
import { makeReport } from './reports.ts';
import { triageCorpus } from './triage-corpus.ts';

/** What the outlier says, in other words: only it should come back as similar. */
export const OUTLIER_QUERY = {
  summary: 'ligature kerning wrong',
  description: 'typography of glyphs with kerning',
};

/**
 * A store whose first and oldest report says what no other does (kerning, ligatures), then `n`
 * corpus reports, and a trained component model: where a search that sees only the newest
 * reports misses the one that matters.
 */
export async function storeWithOutlier(n: number): Promise<{ store: Store; oldest: number }> {
  const store = await openStore('sqlite::memory:');
  await upsertReports(store.db, [
    makeReport({
      source: 'bugzilla:test',
      externalId: 'old',
      summary: 'kerning ligature typography glyphs wrong',
      description: 'font kerning between ligature glyphs, typography broken',
      product: 'Core',
      component: 'Printing',
      createdAt: '2010-01-01T00:00:00Z',
    }),
  ]);
  const oldest = (await reportIdOf(store.db, 'bugzilla:test', 'old'))!;
  await upsertReports(store.db, triageCorpus(n));
  await trainTask(store, 'component');
  return { store, oldest };
}

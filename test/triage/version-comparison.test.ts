import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { labelScores } from '../../src/evaluation/label-scores.ts';
import { openStore, upsertReports } from '../../src/store/index.ts';
import { trainTask } from '../../src/triage/index.ts';
import { triageCorpus } from '../support/triage-corpus.ts';

describe('a new version against the active one', () => {
  it('scores labels as scikit-learn does: macro over every label either side names', () => {
    const s = labelScores(['a', 'a', 'b', 'b'], ['a', 'b', 'b', 'c']);
    assert.equal(s.accuracy, 0.5);
    // F1: a 2/3, b 1/2, c 0 (predicted, never true)
    assert.ok(Math.abs(s.macroF1 - (2 / 3 + 1 / 2 + 0) / 3) < 1e-12);
  });

  it('is compared on the same test reports: the figures stored with the active one do not count', async () => {
    const store = await openStore('sqlite::memory:');
    try {
      await upsertReports(store.db, triageCorpus(200));
      await trainTask(store, 'component');
      const same = await trainTask(store, 'component');
      // the same reports, the same model: nothing between them, on the same window
      assert.match(
        same.reason,
        /^not worse than v1 \(score \+0\.000: (\d\.\d+) against \1 on the same \d+ test reports\)$/,
      );
      // as if v2 had been measured on a window where it did badly: its stored figures say 0
      const row = await store.db
        .selectFrom('model_versions')
        .select('metrics')
        .where('id', '=', same.id)
        .executeTakeFirstOrThrow();
      const doctored = { ...(JSON.parse(row.metrics) as object), accuracy: 0, macroF1: 0 };
      await store.db
        .updateTable('model_versions')
        .set({ metrics: JSON.stringify(doctored) })
        .where('id', '=', same.id)
        .execute();
      const third = await trainTask(store, 'component');
      // asked again on this window, v2 does as well as v3: the stored 0 counts for nothing
      assert.match(
        third.reason,
        /^not worse than v2 \(score \+0\.000: (\d\.\d+) against \1 on the same \d+ test reports\)$/,
      );
    } finally {
      await store.close();
    }
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { labelScores } from '../../src/evaluation/label-scores.ts';
import { openStore, upsertReports } from '../../src/store/index.ts';
import { trainTask } from '../../src/triage/index.ts';
import { zeroStoredFigures } from '../support/stored-figures.ts';
import { triageCorpus } from '../support/triage-corpus.ts';

describe('a new version against the active one', () => {
  it('scores labels as scikit-learn does: macro over every label either side names', () => {
    const s = labelScores(['a', 'a', 'b', 'b'], ['a', 'b', 'b', 'c']);
    assert.equal(s.accuracy, 0.5);
    // F1: a 2/3, b 1/2, c 0 (predicted, never true)
    assert.ok(Math.abs(s.macroF1 - (2 / 3 + 1 / 2 + 0) / 3) < 1e-12);
  });

  it('is compared on the test reports new to the active version: its stored figures do not count', async () => {
    const store = await openStore('sqlite::memory:');
    try {
      const corpus = triageCorpus(300);
      await upsertReports(store.db, corpus.slice(0, 200));
      const first = await trainTask(store, 'component');
      await zeroStoredFigures(store, first.id);
      // 100 newer reports: the next window (the newest 75 of 300) is all new to v1
      await upsertReports(store.db, corpus.slice(200));
      const second = await trainTask(store, 'component');
      const m =
        /score ([+−-]\d\.\d+): (\d\.\d+) against (\d\.\d+) on the same 75 test reports, new since v1\)$/.exec(
          second.reason,
        );
      assert.ok(m, second.reason);
      // v1 was asked about them: the stored 0 counts for nothing
      assert.ok(Number(m[3]) > 0.3, second.reason);
    } finally {
      await store.close();
    }
  });

  it('with no report new to the active version, compares the stored figures and says why', async () => {
    const store = await openStore('sqlite::memory:');
    try {
      await upsertReports(store.db, triageCorpus(200));
      await trainTask(store, 'component');
      // v1 learnt from every report of v2's window: asking it about them would flatter it
      const again = await trainTask(store, 'component');
      assert.match(
        again.reason,
        /each on its own test window: v1 learnt from all but 0 of this window's 50 reports\)$/,
      );
    } finally {
      await store.close();
    }
  });
});

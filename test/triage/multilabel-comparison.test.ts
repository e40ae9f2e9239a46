import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { openStore, upsertReports } from '../../src/store/index.ts';
import { addTask, trainTask } from '../../src/triage/index.ts';
import { zeroStoredFigures } from '../support/stored-figures.ts';
import { triageCorpus } from '../support/triage-corpus.ts';

/** Reports whose keywords follow their component: a multi-label task learns them from the words. */
function keyworded(n: number) {
  const keywords: Record<string, string[]> = {
    Printing: ['printing'],
    Graphics: ['graphics'],
    DOM: ['printing', 'graphics'],
    Networking: [],
  };
  return triageCorpus(n).map((r) => ({ ...r, keywords: keywords[r.component ?? ''] ?? [] }));
}

describe('a new multi-label version against the active one', () => {
  it('is compared on the test reports new to the active version: its stored figures do not count', async () => {
    const store = await openStore('sqlite::memory:');
    try {
      await addTask(store, { name: 'areas', labelSource: 'keywords', labelMap: '', multilabel: true }, null);
      const corpus = keyworded(300);
      await upsertReports(store.db, corpus.slice(0, 200));
      const first = await trainTask(store, 'areas');
      await zeroStoredFigures(store, first.id);
      await upsertReports(store.db, corpus.slice(200));
      const second = await trainTask(store, 'areas');
      const m = /against (\d\.\d+) on the same (\d+) test reports, new since v1/.exec(second.reason);
      assert.ok(m, second.reason);
      assert.ok(Number(m[2]) >= 30, second.reason);
      // v1 was asked about them: the stored 0 counts for nothing
      assert.ok(Number(m[1]) > 0.3, second.reason);
    } finally {
      await store.close();
    }
  });

  it('with no report new to the active version, compares the stored figures and says why', async () => {
    const store = await openStore('sqlite::memory:');
    try {
      await addTask(store, { name: 'areas', labelSource: 'keywords', labelMap: '', multilabel: true }, null);
      await upsertReports(store.db, keyworded(200));
      await trainTask(store, 'areas');
      const again = await trainTask(store, 'areas');
      assert.match(
        again.reason,
        /each on its own test window: v1 learnt from all but 0 of this window's \d+ reports/,
      );
    } finally {
      await store.close();
    }
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { keepModelsFresh } from '../../src/cli/warm-models.ts';
import { openStore, upsertReports } from '../../src/store/index.ts';
import { Predictor, trainTask } from '../../src/triage/index.ts';
import { triageCorpus } from '../support/triage-corpus.ts';
import { until } from '../support/until.ts';

describe('a server keeping its models fresh between requests', () => {
  it('loads and warms a version activated elsewhere without a request', async () => {
    const store = await openStore('sqlite::memory:');
    try {
      await upsertReports(store.db, triageCorpus(160));
      const first = await trainTask(store, 'component');
      const predictor = new Predictor(store, { refreshMs: 0 });
      const warmed: number[] = [];
      const loadedId = async () => (await predictor.models()).get('component')?.row.id;
      const stop = keepModelsFresh(predictor, 20, async () => {
        warmed.push((await loadedId())!);
      });
      try {
        // ticks pass with the same version: nothing to warm
        await until('a few refreshes', async () => (await loadedId()) === first.id);
        await new Promise((r) => setTimeout(r, 100));
        assert.deepEqual(warmed, []);
        // as a worker's train job would, in another process: this predictor is not told
        const second = await trainTask(store, 'component', { force: true });
        assert.equal(second.activated, true);
        await until('the new version warmed', () => warmed.length > 0);
        assert.deepEqual(warmed, [second.id]);
      } finally {
        stop();
      }
    } finally {
      await store.close();
    }
  });
});

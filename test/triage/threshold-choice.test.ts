import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { getModelVersion, openStore, upsertReports } from '../../src/store/index.ts';
import { trainTask } from '../../src/triage/index.ts';
import { triageCorpus } from '../support/triage-corpus.ts';

describe('the abstention threshold a version serves with', () => {
  it('is chosen on training reports (the newest fifth) and measured on the test window it did not choose on', async () => {
    const store = await openStore('sqlite::memory:');
    try {
      await upsertReports(store.db, triageCorpus(200));
      const t = (await trainTask(store, 'component')).threshold;
      // 200 reports: 150 train, of which the newest 30 are the tail a model of the older 120 is asked about
      assert.equal(t.chosenOn, 'the newest fifth of the training reports (30), by a model of the older 120');
      for (const x of [t.precision, t.coverage, t.chosenPrecision, t.chosenCoverage])
        assert.ok(x >= 0 && x <= 1);
      assert.ok(t.threshold >= 0 && t.threshold <= 1);
    } finally {
      await store.close();
    }
  });

  it('with a tail the model search already scored (50 reports or more), chooses on those answers: no second fit', async () => {
    const store = await openStore('sqlite::memory:');
    try {
      await upsertReports(store.db, triageCorpus(400));
      const trained = await trainTask(store, 'component');
      const t = trained.threshold;
      // the answers it was chosen on are the training's to use, not a figure to store
      const row = (await getModelVersion(store.db, trained.id))!;
      const metrics = JSON.parse(row.metrics) as object;
      const report = JSON.parse(row.report!) as object;
      for (const transient of ['tailAnswers', 'tailPeriods', 'counted']) {
        assert.ok(!(transient in metrics), `${transient} is not stored in the metrics`);
        assert.ok(!(transient in report), `${transient} is not stored in the report`);
      }
      assert.ok('answers' in report, 'the report keeps what its page draws');
      assert.ok('threshold' in metrics);
      // 400 reports: 300 train, the newest 60 of them the tail the search scored for the
      // temperatures, and the 60 before them, by a model of the oldest 180 (served-periods)
      assert.equal(
        t.chosenOn,
        'the fourth and the newest fifth of the training reports (120), each by a model of the older reports',
      );
      assert.ok(t.threshold >= 0 && t.threshold <= 1);
      for (const x of [t.precision, t.coverage, t.chosenPrecision, t.chosenCoverage])
        assert.ok(x >= 0 && x <= 1);
    } finally {
      await store.close();
    }
  });

  it('says so when there are too few training reports to keep a tail apart', async () => {
    const store = await openStore('sqlite::memory:');
    try {
      await upsertReports(store.db, triageCorpus(60));
      const t = (await trainTask(store, 'category')).threshold;
      assert.match(t.chosenOn, /^the test window \(15 reports; too few training reports/);
      assert.equal(t.precision, t.chosenPrecision);
    } finally {
      await store.close();
    }
  });
});

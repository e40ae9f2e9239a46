import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { chooseThreshold, thresholdStats } from '../../src/evaluation/abstention.ts';
import {
  listModelVersions,
  reportIdOf,
  type Store,
  setModelThreshold,
  upsertReports,
} from '../../src/store/index.ts';
import {
  activateTaskVersion,
  categoryTask,
  Predictor,
  recordFeedback,
  rollbackTask,
  saveTaskSettings,
  submitReport,
  trainTask,
} from '../../src/triage/index.ts';
import { DIALECTS } from '../support/dialects.ts';
import { triageCorpus } from '../support/triage-corpus.ts';

describe('abstention threshold by cost', () => {
  const answers = [
    { probability: 0.95, correct: true },
    { probability: 0.9, correct: true },
    { probability: 0.8, correct: false },
    { probability: 0.7, correct: true },
    { probability: 0.4, correct: false },
    { probability: 0.3, correct: false },
  ];
  it('answers only where a right answer outweighs the cost of a wrong one', () => {
    // cost 2: answering down to 0.9 gains 2; adding 0.8 (wrong) costs 2, 0.7 (right) wins back 1;
    // the lowest hundredth that answers exactly the 0.95 and 0.9 is 0.81
    const c = chooseThreshold(answers, 2);
    assert.equal(c.threshold, 0.81);
    assert.equal(c.coverage, 2 / 6);
    assert.equal(c.precision, 1);
    assert.equal(c.utility, 2 / 6);
  });
  it('answers more when mistakes are cheap', () => {
    const c = chooseThreshold(answers, 0.5);
    // down to 0.7: 3 right, 1 wrong: 3 - 0.5 = 2.5; further down only wrong ones
    assert.equal(c.threshold, 0.41);
    assert.equal(c.precision, 0.75);
    assert.deepEqual(thresholdStats(answers, 0.7), { precision: 0.75, coverage: 4 / 6 });
  });
  it('abstains on everything when every answer is wrong', () => {
    const c = chooseThreshold([{ probability: 0.9, correct: false }], 1);
    assert.equal(c.coverage, 0);
    assert.equal(c.threshold, 1);
  });
});

for (const dialect of DIALECTS) {
  describe(`training and serving on ${dialect.name}`, { skip: dialect.skip }, () => {
    let store: Store & { dispose(): Promise<void> };
    before(async () => {
      store = await dialect.open();
      await upsertReports(store.db, triageCorpus(160));
    });
    after(async () => {
      await store?.dispose();
    });

    it('trains both tasks, stores versions with metrics and reports, activates the first', async () => {
      const cat = await trainTask(store, 'category');
      const comp = await trainTask(store, 'component');
      assert.equal(cat.version, 1);
      assert.equal(cat.activated, true);
      assert.equal(cat.nLabelled, 160);
      assert.ok(cat.accuracy > 0.7, `category accuracy ${cat.accuracy}`);
      assert.ok(comp.accuracy > 0.6, `component accuracy ${comp.accuracy}`);
      assert.ok(cat.threshold.threshold >= 0 && cat.threshold.threshold <= 1.01);
      const versions = await listModelVersions(store.db);
      assert.equal(versions.length, 2);
      assert.ok(versions.every((v) => v.active === 1));
      const m = JSON.parse(versions[0]!.metrics) as Record<string, unknown>;
      for (const k of ['accuracy', 'macroF1', 'ece', 'perClass', 'threshold', 'metaFields'])
        assert.ok(k in m, k);
    });

    it('answers a new report with ranked labels, an explanation and similar reports', async () => {
      const predictor = new Predictor(store, { refreshMs: 0 });
      await predictor.similarReady();
      const c = await predictor.classify({
        summary: 'print preview margin wrong crash',
        description: 'printer page header footer broken',
      });
      const comp = c.answers.component!;
      assert.equal(comp.ranking[0]!.label, 'Core::Printing');
      const total = comp.ranking.reduce((s, r) => s + r.probability, 0);
      assert.ok(total <= 1.000001 && total > 0.99, 'the four classes share the probability');
      assert.equal(comp.explanation[0]!.label, 'Core::Printing');
      assert.ok(
        comp.explanation[0]!.because.some((b) => /print|margin|preview|page|header|footer/.test(b.feature)),
      );
      assert.equal(c.answers.category!.ranking[0]!.label, 'defect');
      assert.equal(c.similar.length, 5);
      assert.ok(c.similar[0]!.similarity >= c.similar[4]!.similarity);
      assert.ok(c.similar[0]!.url?.startsWith('https://bugzilla.example.org/'));
    });

    it('abstains below the threshold and names the candidates', async () => {
      const [active] = (await listModelVersions(store.db, 'component')).filter((m) => m.active === 1);
      const saved = active!.threshold;
      const ask = async (threshold: number) => {
        // the threshold set on either side of the answer's probability: the rule, whatever the data
        await setModelThreshold(store.db, active!.id, threshold);
        return (
          await new Predictor(store, { refreshMs: 0 }).classify({ summary: 'something unrelated entirely' })
        ).answers.component!;
      };
      try {
        const high = await ask(0.999);
        assert.ok(high.probability < 0.999);
        assert.equal(high.needsHuman, true);
        assert.equal(high.label, null);
        assert.equal(high.ranking.length, 4, 'the candidates are named');
        const low = await ask(0);
        assert.equal(low.needsHuman, false);
        assert.equal(low.label, low.ranking[0]!.label);
      } finally {
        await setModelThreshold(store.db, active!.id, saved);
      }
    });

    it('keeps the active version when a new one is worse, unless forced; rollback goes back', async () => {
      // relabel category from severity: a different question with fewer signals in the text
      await saveTaskSettings(store, categoryTask, { labelSource: 'severity' });
      const worse = await trainTask(store, 'category');
      assert.equal(worse.version, 2);
      assert.equal(worse.activated, false, worse.reason);
      assert.match(worse.reason, /worse than active v1/);
      const forced = await trainTask(store, 'category', { force: true });
      assert.equal(forced.activated, true);
      const back = await rollbackTask(store, 'category', null);
      assert.equal(back.task, 'category');
      assert.notEqual(back.version, 3);
      await saveTaskSettings(store, categoryTask, { labelSource: 'type' });
      await activateTaskVersion(store, 'category', 1, null);
    });

    it('swaps to a newly activated version without a restart', async () => {
      const predictor = new Predictor(store, { refreshMs: 0 });
      const before = await predictor.classify({ summary: 'webgl shader crash' });
      assert.equal(before.answers.category!.version, 1);
      await activateTaskVersion(store, 'category', 3, null);
      const afterSwap = await predictor.classify({ summary: 'webgl shader crash' });
      assert.equal(afterSwap.answers.category!.version, 3);
      await activateTaskVersion(store, 'category', 1, null);
    });

    it('stores filed reports with their predictions; corrections become training labels', async () => {
      const predictor = new Predictor(store, { refreshMs: 0 });
      await predictor.similarReady();
      const { id, classification } = await submitReport(store, predictor, {
        summary: 'dns proxy timeout on every request',
        description: 'socket connection fails',
      });
      assert.equal(classification.answers.component!.ranking[0]!.label, 'Core::Networking');
      // the new report is findable as similar at once
      const again = await predictor.classify({ summary: 'dns proxy timeout on every request' });
      assert.equal(again.similar[0]!.id, id);
      await recordFeedback(
        store,
        predictor,
        id,
        { task: 'component', label: 'Core::DOM', accepted: false },
        1,
      );
      const first = (await reportIdOf(store.db, 'bugzilla:test', '1000'))!;
      await recordFeedback(
        store,
        predictor,
        first,
        { task: 'component', label: 'Core::Printing', accepted: false },
        1,
      );
      const retrained = await trainTask(store, 'component');
      assert.equal(retrained.nCorrections, 2);
      // the filed report has no product::component of its own: its label is the correction
      assert.equal(retrained.nLabelled, 161);
    });
  });
}

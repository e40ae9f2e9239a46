import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { openStore, type Store, upsertReports } from '../../src/store/index.ts';
import {
  addTask,
  allowedForSource,
  labelSetsBySource,
  labelsBySource,
  Predictor,
  saveTaskSettings,
  taskSettings,
  trainTask,
} from '../../src/triage/index.ts';
import { componentTask } from '../../src/triage/tasks/component.ts';
import { triageCorpus } from '../support/triage-corpus.ts';
import { jiraReports } from '../support/two-trackers.ts';

const hdfsLike = {
  summary: 'namenode editlog checkpoint fsimage',
  description: 'safemode lease quota namenode',
};

describe('keeping trackers apart', () => {
  it('lists each tracker’s labels only when there are several trackers', () => {
    const one = triageCorpus(20);
    const labelOf = (r: (typeof one)[number]) => `${r.product}::${r.component}`;
    assert.equal(labelsBySource(one, labelOf), undefined);
    const both = labelsBySource([...one, ...jiraReports(10)], labelOf)!;
    assert.deepEqual(Object.keys(both).sort(), ['bugzilla:test', 'jira:hdfs']);
    assert.deepEqual(both['jira:hdfs'], ['HDFS::datanode', 'HDFS::namenode']);
    assert.ok(both['bugzilla:test']!.every((l) => l.startsWith('Core::')));
  });

  it('answers a tracker’s report among its labels, within a named product’s where they meet', () => {
    const labels = ['Core::DOM', 'Core::Printing', 'HDFS::namenode', 'Other::X'];
    const by = labelSetsBySource({
      'bugzilla:test': ['Core::DOM', 'Core::Printing', 'Other::X'],
      'jira:hdfs': ['HDFS::namenode'],
    });
    const ok = (f: ((l: string) => boolean) | undefined) => (f ? labels.filter(f) : labels);
    assert.deepEqual(ok(allowedForSource(by, 'jira:hdfs', undefined, labels)), ['HDFS::namenode']);
    assert.deepEqual(ok(allowedForSource(by, undefined, undefined, labels)), labels);
    // a tracker the model never saw, or a model that pooled them: no restriction
    assert.deepEqual(ok(allowedForSource(by, 'github:x', undefined, labels)), labels);
    assert.deepEqual(ok(allowedForSource(undefined, 'jira:hdfs', undefined, labels)), labels);
    const core = (l: string) => l.startsWith('Core::');
    assert.deepEqual(ok(allowedForSource(by, 'bugzilla:test', core, labels)), [
      'Core::DOM',
      'Core::Printing',
    ]);
    // a product its tracker does not know: the tracker still holds
    assert.deepEqual(ok(allowedForSource(by, 'jira:hdfs', core, labels)), ['HDFS::namenode']);
  });

  describe('in a store of two trackers', () => {
    let store: Store;
    const hdfsWords = {
      summary: 'namenode editlog checkpoint fsimage',
      description: 'safemode lease quota namenode',
    };
    // mostly a Jira project's words, a few of a Bugzilla component's: near reports in both trackers
    const mixed = {
      summary: 'namenode editlog checkpoint fsimage print',
      description: 'safemode lease quota pdf',
    };
    before(async () => {
      store = await openStore('sqlite::memory:');
      await upsertReports(store.db, [...triageCorpus(160), ...jiraReports(60)]);
    });
    after(async () => {
      await store?.close();
    });

    it('answers a Bugzilla report among Bugzilla’s components however Jira-like its words', async () => {
      await trainTask(store, 'component');
      const p = new Predictor(store, { refreshMs: 0 });
      const anyTracker = (await p.classify(hdfsWords, { similar: 0 })).answers.component!;
      assert.equal(anyTracker.ranking[0]!.label, 'HDFS::namenode');
      const own = (await p.classify(hdfsWords, { similar: 0, source: 'bugzilla:test' })).answers.component!;
      assert.ok(
        own.ranking.every((r) => r.label.startsWith('Core::')),
        own.ranking.map((r) => r.label).join(', '),
      );
      const sum = own.ranking.reduce((a, r) => a + r.probability, 0);
      assert.ok(Math.abs(sum - 1) < 1e-6, `renormalised: ${sum}`);
      // and its similar reports are its own tracker's, though the other's are nearer
      await p.similarReady();
      assert.equal((await p.classify(mixed)).similar[0]!.source, 'jira:hdfs');
      const similar = (await p.classify(mixed, { source: 'bugzilla:test' })).similar;
      assert.ok(similar.length > 0 && similar.every((r) => r.source === 'bugzilla:test'));
    });

    it('pools them when the task says so', async () => {
      await saveTaskSettings(store, componentTask, { sources: 'pooled' });
      assert.equal((await taskSettings(store, componentTask)).sources, 'pooled');
      await trainTask(store, 'component', { force: true });
      const p = new Predictor(store, { refreshMs: 0 });
      const pooled = (await p.classify(hdfsWords, { similar: 0, source: 'bugzilla:test' })).answers
        .component!;
      assert.equal(pooled.ranking[0]!.label, 'HDFS::namenode');
      await p.similarReady();
      const similar = (await p.classify(mixed, { source: 'bugzilla:test' })).similar;
      assert.equal(similar[0]!.source, 'jira:hdfs');
      await assert.rejects(
        saveTaskSettings(store, componentTask, { sources: 'mixed' as never }),
        /sources "mixed" is not one of apart, pooled/,
      );
    });
  });

  it('answers a multi-label task among the labels its tracker’s reports carried', async () => {
    const store = await openStore('sqlite::memory:');
    try {
      // Bugzilla's reports carry "printing" or "graphics", Jira's "metadata" or "storage"
      const bugzilla = triageCorpus(120).map((r) => ({
        ...r,
        keywords: [r.component === 'Printing' ? 'printing' : 'graphics'],
      }));
      const jira = jiraReports(60).map((r) => ({
        ...r,
        keywords: [r.component === 'namenode' ? 'metadata' : 'storage'],
      }));
      await upsertReports(store.db, [...bugzilla, ...jira]);
      await addTask(store, { name: 'areas', labelSource: 'keywords', labelMap: '', multilabel: true }, null);
      await trainTask(store, 'areas');
      const p = new Predictor(store, { refreshMs: 0 });
      const labelsOf = async (source?: string) =>
        (
          await p.classify(hdfsLike, { similar: 0, ...(source ? { source } : {}) })
        ).answers.areas!.ranking.map((r) => r.label);
      assert.ok((await labelsOf()).includes('metadata'));
      const own = await labelsOf('bugzilla:test');
      assert.deepEqual([...own].sort(), ['graphics', 'printing']);
      const answer = (await p.classify(hdfsLike, { similar: 0, source: 'bugzilla:test' })).answers.areas!;
      assert.ok(
        answer.labels.every((l) => own.includes(l)),
        answer.labels.join(', '),
      );
    } finally {
      await store.close();
    }
  });
});

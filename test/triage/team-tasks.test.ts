import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { EightballError } from '../../src/domain/index.ts';
import {
  activeModelSummary,
  correctionsFor,
  reportIdOf,
  type Store,
  upsertReports,
} from '../../src/store/index.ts';
import {
  addTask,
  createUser,
  findTask,
  listTasks,
  Predictor,
  recordFeedback,
  removeTask,
  storedPredictions,
  trainTask,
} from '../../src/triage/index.ts';
import { DIALECTS } from '../support/dialects.ts';
import { teamCorpus } from '../support/team-corpus.ts';

const isError = (code: string, field?: string) => (e: unknown) =>
  e instanceof EightballError && e.code === code && (field === undefined || e.field === field);

for (const dialect of DIALECTS) {
  describe(`team-defined tasks on ${dialect.name}`, { skip: dialect.skip }, () => {
    let store: Store & { dispose(): Promise<void> };
    before(async () => {
      store = await dialect.open();
      await upsertReports(store.db, teamCorpus(240));
    });
    after(() => store?.dispose());

    it('are added, listed after the built-in ones, found by name, and refused twice or under a bad name', async () => {
      const kind = await addTask(
        store,
        { name: 'kind', labelSource: 'labels.kind', labelMap: 'product-bug=product bug,docs=documentation' },
        null,
      );
      assert.equal(kind.kind, 'classify');
      assert.deepEqual(
        (await listTasks(store)).map((t) => t.name),
        ['category', 'component', 'kind'],
      );
      assert.equal((await findTask(store, 'kind'))?.defaultLabelSource, 'labels.kind');
      await assert.rejects(
        addTask(store, { name: 'kind', labelSource: 'type' }, null),
        isError('conflict', 'name'),
      );
      await assert.rejects(
        addTask(store, { name: 'category', labelSource: 'type' }, null),
        isError('conflict'),
      );
      await assert.rejects(
        addTask(store, { name: 'Bad Name', labelSource: 'type' }, null),
        isError('usage', 'name'),
      );
      await assert.rejects(
        addTask(store, { name: 'other', labelSource: 'nonsense' }, null),
        isError('usage', 'labelSource'),
      );
      await assert.rejects(removeTask(store, 'component', null), isError('usage'));
    });

    it('a one-label team task trains on its mapped labels and answers beside the built-in ones', async () => {
      const outcome = await trainTask(store, 'kind');
      assert.equal(outcome.activated, true);
      assert.ok(outcome.accuracy > 0.6, `accuracy ${outcome.accuracy}`);
      await trainTask(store, 'component');
      const predictor = new Predictor(store, { refreshMs: 0 });
      const c = await predictor.classify({
        summary: 'crash broken error fails',
        description: 'regression wrong',
      });
      assert.deepEqual(Object.keys(c.answers).sort(), ['component', 'kind']);
      const answer = c.answers.kind!;
      assert.equal(answer.kind, 'classify');
      assert.deepEqual(
        answer.ranking.map((r) => r.label).sort(),
        ['documentation', 'product bug'],
        'the model learnt the mapped labels',
      );
      assert.ok(answer.explanation[0]!.reasons.length > 0);
    });

    it('a multi-label task learns each label as its own yes/no and asserts every label past the threshold', async () => {
      await addTask(
        store,
        {
          name: 'bug-type',
          labelSource: 'keywords',
          labelMap: 'crash=crash,print-*=printing,*=',
          multilabel: true,
        },
        null,
      );
      const outcome = await trainTask(store, 'bug-type');
      assert.equal(outcome.activated, true);
      assert.match(outcome.model, /per label/);
      const predictor = new Predictor(store, { refreshMs: 0 });
      const both = (
        await predictor.classify({
          summary: 'crash print pdf',
          description: 'hang crash printer page preview margin',
        })
      ).answers['bug-type']!;
      assert.equal(both.kind, 'multilabel');
      assert.deepEqual(
        both.ranking.map((r) => r.label).sort(),
        ['crash', 'printing'],
        'the map dropped "triaged"',
      );
      const p = Object.fromEntries(both.ranking.map((r) => [r.label, r.probability]));
      assert.ok(p.crash! > 0.5 && p.printing! > 0.5, JSON.stringify(p));
      const neither = (
        await predictor.classify({
          summary: 'dns proxy socket',
          description: 'http tls timeout cookie request',
        })
      ).answers['bug-type']!;
      const q = Object.fromEntries(neither.ranking.map((r) => [r.label, r.probability]));
      assert.ok(q.crash! < p.crash! && q.printing! < p.printing!, JSON.stringify(q));
      // asserted labels are the ones at or above the threshold, and the stored row says so
      assert.deepEqual(
        both.labels,
        both.ranking.filter((r) => r.probability >= both.threshold).map((r) => r.label),
      );
      const stored = storedPredictions({ answers: { 'bug-type': both }, similar: [] })[0]!;
      assert.equal(stored.label, both.label);
    });

    it('takes a triager’s correction of a multi-label answer as a set of known labels', async () => {
      const predictor = new Predictor(store, { refreshMs: 0 });
      const triager = await createUser(
        store,
        { username: 'tom', password: 'correct horse battery', role: 'triager' },
        null,
      );
      const id = (await reportIdOf(store.db, 'bugzilla:test', '1003'))!;
      const correct = (label: string) =>
        recordFeedback(store, predictor, id, { task: 'bug-type', label, accepted: false }, triager);
      await correct(' printing,crash ');
      assert.deepEqual(
        (await correctionsFor(store.db, id)).map((c) => [c.task, c.label]),
        [['bug-type', 'crash, printing']],
      );
      await assert.rejects(
        correct('crash, memory'),
        (e: unknown) =>
          e instanceof EightballError &&
          e.field === 'label' &&
          /"memory" is not a bug-type label/.test(e.message),
      );
      await correct('(none)');
      assert.equal((await correctionsFor(store.db, id))[0]!.label, '(none)');
    });

    it('removing a team task stops its answers and keeps its versions inactive', async () => {
      const { versions } = await removeTask(store, 'kind', null);
      assert.equal(versions, 1);
      assert.equal(await activeModelSummary(store.db, 'kind'), undefined);
      const predictor = new Predictor(store, { refreshMs: 0 });
      const c = await predictor.classify({ summary: 'crash', description: '' });
      assert.equal(c.answers.kind, undefined);
      await assert.rejects(trainTask(store, 'kind'), isError('not-found', 'task'));
    });
  });
}

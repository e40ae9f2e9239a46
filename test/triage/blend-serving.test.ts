import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  blendSpecs,
  deserializeClassifier,
  FittedBlend,
  fitBlend,
  serializeClassifier,
  type TokenizerSpec,
  tokenizeDoc,
  tokenizerOptions,
} from '../../src/ml/index.ts';
import {
  getModelVersion,
  insertModelVersion,
  listModelVersions,
  openStore,
  upsertReports,
} from '../../src/store/index.ts';
import { componentTask, docOf, Predictor, trainTask } from '../../src/triage/index.ts';
import { triageCorpus } from '../support/triage-corpus.ts';

describe('a blend as the active version', () => {
  // built here rather than hoped for: whether a data set's search forms a blend is the gates' call
  it('is stored as one artifact and served as that artifact answers, explained and ranked', async () => {
    const store = await openStore('sqlite::memory:');
    try {
      const reports = triageCorpus(200);
      await upsertReports(store.db, reports);
      const single = await trainTask(store, 'component');
      const stored = deserializeClassifier((await getModelVersion(store.db, single.id))!.artifact_bin ?? '');
      const [svm] = blendSpecs(stored);
      // a second member of another kind: complement naive Bayes over the same features
      const specs = [
        { ...svm!, weight: 0.6 },
        {
          params: { ...svm!.params, model: { kind: 'nb' as const, alpha: 0.3 } },
          weight: 0.4,
          temperature: 1,
        },
      ];
      const textFields = svm!.params.vectorizer.fields.map((f) => f.name);
      const meta = componentTask.metaFields('product::component');
      const docs = (t: TokenizerSpec | undefined) =>
        reports.map((r) => tokenizeDoc(docOf(r, textFields, meta), tokenizerOptions(t)));
      const blend = fitBlend(
        specs,
        docs,
        reports.map((r) => `${r.product}::${r.component}`),
      );
      assert.equal(blend.members().length, 2);
      const { id } = await insertModelVersion(
        store.db,
        {
          task: 'component',
          created_at: new Date().toISOString(),
          label_source: 'product::component',
          description: 'blend of 2',
          metrics: (await getModelVersion(store.db, single.id))!.metrics,
          threshold: 0,
          report_html: '',
          artifact: serializeClassifier(blend),
        },
        { activate: true },
      );
      assert.equal((await listModelVersions(store.db, 'component')).find((m) => m.active === 1)?.id, id);

      const served = deserializeClassifier((await getModelVersion(store.db, id))!.artifact_bin ?? '');
      assert.equal(served.members().length, 2);
      assert.ok(served instanceof FittedBlend, 'the artifact reads back as a blend');
      const report = { summary: 'print preview margin broken', description: 'the footer is cut off' };
      const answer = (await new Predictor(store, { refreshMs: 0 }).classify(report)).answers.component!;
      assert.equal(answer.modelId, id);
      for (let i = 1; i < answer.ranking.length; i++)
        assert.ok(answer.ranking[i]!.probability <= answer.ranking[i - 1]!.probability);
      assert.equal(answer.explanation[0]!.label, answer.ranking[0]!.label);
      assert.ok(answer.explanation[0]!.because.length > 0);
      // the answer is the stored blend's: the weighted mean of its members' probabilities
      const p = served.predictProba([
        served.tokenize({ text: { summary: report.summary, description: report.description }, meta: {} }),
      ]);
      assert.ok(Math.abs(answer.ranking[0]!.probability - Math.max(...p)) < 1e-9);
      const members = served.members().map((m) =>
        m.classifier.predictProba([
          m.classifier.tokenize({
            text: { summary: report.summary, description: report.description },
            meta: {},
          }),
        ]),
      );
      const best = p.indexOf(Math.max(...p));
      const mean = served.members().reduce((s, m, k) => s + m.weight * members[k]![best]!, 0);
      assert.ok(Math.abs(mean - p[best]!) < 1e-9, `blend ${p[best]} vs weighted mean ${mean}`);
    } finally {
      await store.close();
    }
  });
});

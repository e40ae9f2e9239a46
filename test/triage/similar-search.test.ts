import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { TextModel } from '../../src/ml/index.ts';
import { type Store, upsertReports } from '../../src/store/index.ts';
import { docOf, Predictor, reportFromInput } from '../../src/triage/index.ts';
import { IndexedSimilarity } from '../../src/triage/similar-search.ts';
import { makeReport } from '../support/reports.ts';
import { OUTLIER_QUERY, storeWithOutlier } from '../support/similar-store.ts';

describe('similar reports from the database’s full-text index', () => {
  let store: Store;
  let oldest: number;

  before(async () => {
    // more than one batch of the fill (200) in the memory test, so it is read in pages
    ({ store, oldest } = await storeWithOutlier(200));
  });
  after(async () => {
    await store?.close();
  });

  const query = OUTLIER_QUERY;

  it('searches every stored report, where the in-memory search saw only the newest', async () => {
    const memory = new Predictor(store, { refreshMs: 0, similarSearch: 'memory', similarLimit: 100 });
    await memory.similarReady();
    assert.ok(!(await memory.classify(query)).similar.some((s) => s.id === oldest));
    const indexed = new Predictor(store, { refreshMs: 0, similarSearch: 'index' });
    const { similar } = await indexed.classify(query);
    assert.equal(similar[0]!.id, oldest);
    assert.ok(similar.every((s, i) => i === 0 || s.similarity <= similar[i - 1]!.similarity));
  });

  it('leaves out the report asked about, and keeps to a tracker when asked', async () => {
    const p = new Predictor(store, { refreshMs: 0, similarSearch: 'index' });
    assert.ok(!(await p.classify(query, { excludeId: oldest })).similar.some((s) => s.id === oldest));
    assert.deepEqual((await p.classify(query, { source: 'github:elsewhere' })).similar, []);
  });

  it('finds a report as soon as it is stored', async () => {
    const p = new Predictor(store, { refreshMs: 0, similarSearch: 'index' });
    await upsertReports(store.db, [
      makeReport({
        source: 'bugzilla:test',
        externalId: 'new',
        summary: 'landscape footer scale margin',
        description: 'printer landscape scale footer header margin preview',
        product: 'Core',
      }),
    ]);
    const { similar } = await p.classify({
      summary: 'landscape footer scale margin',
      description: 'printer landscape scale footer header margin preview',
    });
    assert.equal(similar[0]!.externalId, 'new');
  });

  it('gives the same answers with a cache smaller than one query’s candidates', async () => {
    const p = new Predictor(store, { refreshMs: 0, similarSearch: 'index' });
    const loaded = [...(await p.models()).values()].find((m) => m.task.name === 'component')!;
    const basis = { model: loaded.model as TextModel, textFields: loaded.textFields, modelId: loaded.row.id };
    const report = {
      summary: 'print preview margin',
      description: 'printer page footer header landscape',
      product: null,
    };
    const tokens = basis.model.tokenize(
      docOf(
        reportFromInput({ summary: report.summary, description: report.description }),
        basis.textFields,
        [],
      ),
    );
    const big = await new IndexedSimilarity(store).search(basis, report, tokens, 5, {});
    const tiny = new IndexedSimilarity(store, 3);
    for (let i = 0; i < 3; i++) assert.deepEqual(await tiny.search(basis, report, tokens, 5, {}), big);
    assert.equal(big.length, 5);
  });
});

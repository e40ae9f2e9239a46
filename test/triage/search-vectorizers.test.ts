import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { describeCandidate } from '../../src/ml/index.ts';
import { evaluateReports } from '../../src/triage/evaluate-reports.ts';
import { SMALL_DATA, searchVectorizers } from '../../src/triage/search-vectorizers.ts';
import { makeReport } from '../support/reports.ts';

const base = { metaFields: ['opSys'], ownCopies: false };
const weights = (v: { fields: { name: string; weight: number }[] }) =>
  v.fields.map((f) => [f.name, f.weight]);

describe('the vectorizers the model search tries', () => {
  it('weigh a title word 2 and a categorical value 0.3 unless told otherwise', () => {
    const [plain] = searchVectorizers(base, 1000, 100);
    assert.deepEqual(weights(plain!), [
      ['summary', 2],
      ['description', 1],
    ]);
    assert.equal(plain!.metaWeight, 0.3);
    assert.equal(plain!.maxFeatures, 1000);
    const [told] = searchVectorizers({ ...base, weights: { title: 1, meta: 1 } }, 1000, 100);
    assert.deepEqual(weights(told!), [
      ['summary', 1],
      ['description', 1],
    ]);
    assert.equal(told!.metaWeight, 1);
  });

  it('try unigrams too on small data, and categorical values at weight 1 where asked', () => {
    assert.equal(searchVectorizers(base, 1000, SMALL_DATA).length, 2);
    assert.equal(searchVectorizers(base, 1000, SMALL_DATA + 1).length, 1);
    const searched = searchVectorizers({ ...base, metaSearch: true }, 1000, 100);
    assert.deepEqual(
      searched.map((v) => v.metaWeight),
      [0.3, 1, 0.3, 1],
    );
    assert.equal(
      searchVectorizers({ ...base, metaFields: [], metaSearch: true }, 1000, 100).length,
      2,
      'no categorical field: nothing to weigh',
    );
    const model = { kind: 'svm', C: 1, classWeight: null } as const;
    assert.ok(describeCandidate({ vectorizer: searched[1]!, model }).endsWith('metadata ×1'));
    assert.ok(!describeCandidate({ vectorizer: searched[0]!, model }).includes('metadata'));
  });

  it('are what an evaluation asked for other weights fits', () => {
    const reports = Array.from({ length: 90 }, (_, i) =>
      makeReport({
        externalId: String(i),
        summary: ['socket timeout', 'canvas blurry', 'cache corrupt'][i % 3]!,
        description: `seen again on day ${i}`,
        component: ['Networking', 'Graphics', 'Storage'][i % 3]!,
        createdAt: new Date(Date.UTC(2020, 0, 1) + i * 86_400_000).toISOString(),
      }),
    );
    const opts = { label: 'component', split: { kind: 'time' } as const, model: 'svm' as const, seed: 1 };
    const fitted = (w?: { title?: number; meta?: number }) =>
      evaluateReports(reports, { ...opts, keepModel: true, ...(w ? { weights: w } : {}) }).fitted!.vectorizer
        .params;
    assert.equal(fitted().fields[0]!.weight, 2);
    assert.equal(fitted({ title: 1, meta: 1 }).fields[0]!.weight, 1);
    assert.equal(fitted({ title: 1, meta: 1 }).metaWeight, 1);
    const thresholds = { minDf: 1, maxDfRatio: 1, sublinearTf: false };
    const own = evaluateReports(reports, { ...opts, keepModel: true, thresholds }).fitted!.vectorizer.params;
    assert.deepEqual([own.minDf, own.maxDfRatio, own.sublinearTf], [1, 1, false]);
    assert.deepEqual([fitted().minDf, fitted().maxDfRatio, fitted().sublinearTf], [2, 0.9, true]);
  });

  it('keep and count terms by the thresholds asked for, on small data in every candidate', () => {
    const told = searchVectorizers({ ...base, thresholds: { minDf: 1, sublinearTf: false } }, 1000, 100);
    assert.equal(told.length, 2);
    for (const v of told) assert.deepEqual([v.minDf, v.maxDfRatio, v.sublinearTf], [1, 0.9, false]);
  });
});

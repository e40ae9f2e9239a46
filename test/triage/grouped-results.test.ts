import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { evaluateReports } from '../../src/triage/evaluate-reports.ts';
import { evaluationJson } from '../../src/triage/evaluation-report.ts';
import { triageCorpus } from '../support/triage-corpus.ts';

describe('a grouped evaluation', () => {
  it('reports every group at the top level, not the first group dressed up as all of them', () => {
    // two groups of different sizes, so a figure copied from one group shows
    const reports = triageCorpus(240).map((r, i) => ({
      ...r,
      product: i % 3 === 0 ? 'Thunderbird' : 'Firefox',
    }));
    const r = evaluateReports(reports, {
      label: 'component',
      split: { kind: 'random' },
      groupBy: 'product',
      model: 'svm',
      seed: 1,
    });
    const [a, b] = r.groups!;
    assert.ok(a && b);
    assert.notEqual(a.nTest, b.nTest);
    assert.equal(r.nTest, a.nTest + b.nTest);
    // per class: every group's classes, named by group, their support adding up to every test report
    assert.equal(
      r.perClass.reduce((s, c) => s + c.support, 0),
      r.nTest,
    );
    assert.ok(r.perClass.some((c) => c.label.startsWith('Firefox: ')));
    assert.ok(r.perClass.some((c) => c.label.startsWith('Thunderbird: ')));
    assert.equal(r.metrics.n, r.nTest);
    assert.equal(r.predictMsP99, Math.max(a.predictMsP99, b.predictMsP99));
    assert.ok(Math.abs(r.selectionSeconds - (a.selectionSeconds + b.selectionSeconds) / 2) < 1e-12);
    assert.ok(Math.abs(r.macroF1 - (a.macroF1 + b.macroF1) / 2) < 1e-12);
    // pooled: the answers of both groups counted together, weighted by their reports
    const pooledAccuracy = (a.accuracy * a.nTest + b.accuracy * b.nTest) / (a.nTest + b.nTest);
    assert.equal(r.pooled!.n, r.nTest);
    assert.ok(Math.abs(r.pooled!.accuracy - pooledAccuracy) < 1e-12);
    // what exists per group only is not claimed for the whole
    assert.deepEqual(r.candidates, []);
    const json = JSON.parse(JSON.stringify(evaluationJson(r))) as Record<string, unknown>;
    assert.equal(json.temperature, null);
    assert.deepEqual(json.coverage, []);
    assert.equal((json.groups as unknown[]).length, 2);
    assert.equal(json.answers, undefined, 'per-report answers are not stored with the figures');
  });
});

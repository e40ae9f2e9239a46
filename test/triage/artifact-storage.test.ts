import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { deserializeModel } from '../../src/ml/index.ts';
import { ARTIFACT_FORMAT, ARTIFACT_VERSION } from '../../src/ml/text-classifier.ts';
import {
  activateModelVersion,
  getModelVersion,
  insertModelVersion,
  upsertReports,
} from '../../src/store/index.ts';
import { Predictor, trainTask } from '../../src/triage/index.ts';
import { DIALECTS } from '../support/dialects.ts';
import { legacyArtifact } from '../support/legacy-artifact.ts';
import { triageCorpus } from '../support/triage-corpus.ts';

for (const dialect of DIALECTS) {
  describe(`model artifacts stored as bytes (${dialect.name})`, { skip: dialect.skip }, () => {
    it('stores a new version as a binary artifact, and still serves a JSON one of an earlier version', async () => {
      const store = await dialect.open();
      try {
        await upsertReports(store.db, triageCorpus(120));
        const trained = await trainTask(store, 'component');
        const row = (await getModelVersion(store.db, trained.id))!;
        assert.equal(row.artifact, '', 'no text artifact for a new version');
        assert.ok(row.artifact_bin && row.artifact_bin.length > 0);
        const model = deserializeModel(row.artifact_bin);
        const legacy = legacyArtifact(model, ARTIFACT_FORMAT, ARTIFACT_VERSION);
        assert.ok(row.artifact_bin.length < legacy.length, 'bytes are smaller than base64 in JSON');
        const input = {
          summary: 'print preview margin broken',
          description: 'the printer page footer is cut off',
        };
        const predictor = new Predictor(store, { refreshMs: 0 });
        const before = (await predictor.classify(input)).answers.component!;
        // an earlier eightball's version: the JSON envelope in the text column
        const old = await insertModelVersion(store.db, {
          task: 'component',
          created_at: new Date().toISOString(),
          label_source: row.label_source,
          description: row.description,
          metrics: row.metrics,
          threshold: row.threshold,
          report_html: '',
          artifact: legacy,
        });
        await activateModelVersion(store.db, old.id, new Date().toISOString());
        const after = (await new Predictor(store, { refreshMs: 0 }).classify(input)).answers.component!;
        assert.equal(after.version, old.version);
        assert.deepEqual(
          after.ranking.map((r) => [r.label, r.probability.toFixed(6)]),
          before.ranking.map((r) => [r.label, r.probability.toFixed(6)]),
        );
      } finally {
        await store.dispose();
      }
    });
  });
}

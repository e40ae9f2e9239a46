import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { sql } from 'kysely';
import { getModelVersion, insertModelVersion, readArtifactBytes } from '../../src/store/index.ts';
import { DIALECTS } from '../support/dialects.ts';

function version(artifact: string | Uint8Array) {
  return {
    task: 'component',
    created_at: '2026-12-08T00:00:00Z',
    label_source: 'component',
    description: '',
    metrics: '{}',
    threshold: 0.5,
    report_html: '',
    artifact,
  };
}

for (const dialect of DIALECTS) {
  describe(`a version's artifact read back (${dialect.name})`, { skip: dialect.skip }, () => {
    it('gives the bytes stored, whole or in pieces of any size, and null for a JSON artifact', async () => {
      const store = await dialect.open();
      try {
        // not a multiple of any piece size tried, so the last piece is short
        const bytes = new Uint8Array(randomBytes(100_003));
        const bin = await insertModelVersion(store.db, version(bytes));
        for (const piece of [7, 4096, 65_536, 1 << 22]) {
          const back = await readArtifactBytes(store.db, bin.id, piece);
          assert.ok(back, `piece ${piece}`);
          assert.equal(back.length, bytes.length, `piece ${piece}`);
          assert.ok(Buffer.from(back).equals(Buffer.from(bytes)), `piece ${piece}: the same bytes`);
        }
        const row = (await getModelVersion(store.db, bin.id))!;
        assert.ok(Buffer.from(row.artifact_bin!).equals(Buffer.from(bytes)));
        assert.equal(row.artifact, '');

        const json = await insertModelVersion(store.db, version('{"format":"x"}'));
        assert.equal(await readArtifactBytes(store.db, json.id), null);
        const jsonRow = (await getModelVersion(store.db, json.id))!;
        assert.equal(jsonRow.artifact_bin, null);
        assert.equal(jsonRow.artifact, '{"format":"x"}');
        assert.equal(await getModelVersion(store.db, 999_999), undefined);
      } finally {
        await store.dispose();
      }
    });

    if (dialect.name === 'postgres') {
      it('stores artifacts uncompressed, so a piece is read without what comes before it', async () => {
        const store = await dialect.open();
        try {
          const r = await sql<{ s: string }>`select attstorage as s from pg_attribute
            where attrelid = 'model_versions'::regclass and attname = 'artifact_bin'`.execute(store.db);
          assert.equal(r.rows[0]?.s, 'e');
        } finally {
          await store.dispose();
        }
      });
    }
  });
}

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { reportIdOf, searchReports, searchWords, upsertReports } from '../../src/store/index.ts';
import { DIALECTS } from '../support/dialects.ts';
import { makeReport } from '../support/reports.ts';

for (const dialect of DIALECTS) {
  describe(`the full-text index of stored reports (${dialect.name})`, { skip: dialect.skip }, () => {
    it('finds reports by their words, kept up to date as reports are stored and changed', async () => {
      const store = await dialect.open();
      try {
        await upsertReports(store.db, [
          makeReport({
            source: 'a',
            externalId: '1',
            summary: 'Printing a PDF cuts the footer',
            description: 'print preview margin',
          }),
          makeReport({
            source: 'a',
            externalId: '2',
            summary: 'WebGL canvas flickers',
            description: 'gpu driver shader',
          }),
          makeReport({
            source: 'b',
            externalId: '3',
            summary: 'Printer margins wrong in landscape',
            description: 'print page',
          }),
        ]);
        const hits = await searchReports(store, ['print', 'margin', 'footer'], 5);
        assert.equal(hits[0]!.externalId, '1');
        assert.deepEqual(hits.map((h) => h.externalId).sort(), ['1', '3']);
        const onlyB = await searchReports(store, ['print'], 5, { source: 'b' });
        assert.deepEqual(
          onlyB.map((h) => h.externalId),
          ['3'],
        );
        const one = (await reportIdOf(store.db, 'a', '1'))!;
        assert.ok(!(await searchReports(store, ['footer'], 5, { excludeId: one })).some((h) => h.id === one));
        // a changed report is found by its new words, not its old ones
        await upsertReports(store.db, [
          makeReport({
            source: 'a',
            externalId: '2',
            summary: 'Sound stutters on video',
            description: 'audio codec',
            updatedAt: '2030-01-01T00:00:00Z',
          }),
        ]);
        assert.deepEqual(
          (await searchReports(store, ['webgl', 'shader'], 5)).map((h) => h.externalId),
          [],
        );
        assert.deepEqual(
          (await searchReports(store, ['audio'], 5)).map((h) => h.externalId),
          ['2'],
        );
      } finally {
        await store.dispose();
      }
    });

    it('takes only letters and digits from the words, so no query syntax gets through', async () => {
      assert.deepEqual(searchWords(['Crash!', '"OR"', 'a', 'x:y', 'naïve', 'NEAR(']), [
        'crash',
        'or',
        'xy',
        'naïve',
        'near',
      ]);
      const store = await dialect.open();
      try {
        await upsertReports(store.db, [
          makeReport({ source: 'a', externalId: '1', summary: 'crash on start' }),
        ]);
        assert.equal((await searchReports(store, ['crash)', '" OR 1', '*', '&|!'], 5)).length, 1);
        assert.deepEqual(await searchReports(store, ['!!!'], 5), []);
      } finally {
        await store.dispose();
      }
    });
  });
}

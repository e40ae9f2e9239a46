import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  countReports,
  getReport,
  getReportById,
  iterateReports,
  iterateStoredReports,
  migrateToLatest,
  type Store,
  storedReportsPage,
  storeStats,
  upsertReports,
} from '../../src/store/index.ts';
import { DIALECTS } from '../support/dialects.ts';
import { makeReport } from '../support/reports.ts';

for (const dialect of DIALECTS) {
  describe(`report store on ${dialect.name}`, { skip: dialect.skip }, () => {
    let store: Store & { dispose(): Promise<void> };
    before(async () => {
      store = await dialect.open();
    });
    after(async () => {
      await store?.dispose();
    });

    it('migrates idempotently', async () => {
      assert.deepEqual(await migrateToLatest(store), []);
    });

    it('inserts, then importing the same reports again changes nothing', async () => {
      const reports = [
        makeReport({ externalId: '1' }),
        makeReport({ externalId: '2', component: 'Toolbars' }),
      ];
      assert.deepEqual(await upsertReports(store.db, reports), ['imported', 'imported']);
      assert.deepEqual(await upsertReports(store.db, reports), ['unchanged', 'unchanged']);
      assert.equal(await countReports(store.db, 'test'), 2);
      const back = await getReport(store.db, 'test', '2');
      assert.deepEqual(back, reports[1]);
    });

    it('keeps the newer version by updatedAt, and ignores an older one', async () => {
      const newer = makeReport({
        externalId: '1',
        summary: 'Renamed',
        updatedAt: '2021-01-01T00:00:00.000Z',
      });
      assert.deepEqual(await upsertReports(store.db, [newer]), ['updated']);
      const older = makeReport({
        externalId: '1',
        summary: 'Stale copy',
        updatedAt: '2020-06-01T00:00:00.000Z',
      });
      assert.deepEqual(await upsertReports(store.db, [older]), ['unchanged']);
      assert.equal((await getReport(store.db, 'test', '1'))?.summary, 'Renamed');
    });

    it('merges labels instead of dropping them when a later import has none', async () => {
      const labelled = makeReport({ externalId: '2', component: 'Toolbars', labels: { category: 'nobug' } });
      assert.deepEqual(await upsertReports(store.db, [labelled]), ['updated']);
      const plain = makeReport({ externalId: '2', component: 'Toolbars' });
      assert.deepEqual(await upsertReports(store.db, [plain]), ['unchanged']);
      assert.deepEqual((await getReport(store.db, 'test', '2'))?.labels, { category: 'nobug' });
    });

    it('handles the same report twice in one batch', async () => {
      const a = makeReport({ externalId: '3', summary: 'first', updatedAt: '2020-01-01T00:00:00.000Z' });
      const b = makeReport({ externalId: '3', summary: 'second', updatedAt: '2020-02-01T00:00:00.000Z' });
      assert.deepEqual(await upsertReports(store.db, [a, b, a]), ['imported', 'updated', 'unchanged']);
      assert.equal((await getReport(store.db, 'test', '3'))?.summary, 'second');
    });

    it('keeps sources apart: the same id in two trackers is two reports', async () => {
      await upsertReports(store.db, [makeReport({ externalId: '1', source: 'other' })]);
      assert.equal(await countReports(store.db), 4);
      const ids: string[] = [];
      for await (const r of iterateReports(store.db, { pageSize: 2 }))
        ids.push(`${r.source}/${r.externalId}`);
      assert.deepEqual(ids.sort(), ['other/1', 'test/1', 'test/2', 'test/3']);
    });

    it('counts by source, product::component, type and year', async () => {
      const s = await storeStats(store.db);
      assert.equal(s.total, 4);
      assert.deepEqual(s.bySource, [
        { key: 'test', n: 3 },
        { key: 'other', n: 1 },
      ]);
      assert.deepEqual(s.byProductComponent[0], { key: 'Firefox::General', n: 3 });
      assert.deepEqual(s.byYear, [{ key: '2020', n: 4 }]);
    });

    it('stores text with quotes, emoji and SQL metacharacters verbatim', async () => {
      const tricky = makeReport({
        externalId: "x'; drop table bug_reports; --",
        summary: 'It\'s "broken" 💥 \\ %_',
      });
      await upsertReports(store.db, [tricky]);
      assert.equal((await getReport(store.db, 'test', tricky.externalId))?.summary, tricky.summary);
    });

    it('streams reports with their ids, without their raw records, every other field as stored', async () => {
      const r = makeReport({ externalId: 'no-raw', source: 'raw-test', keywords: ['crash'] });
      await upsertReports(store.db, [r]);
      const lean = [];
      for await (const s of iterateStoredReports(store.db, { source: 'raw-test' })) lean.push(s);
      assert.equal(lean.length, 1);
      assert.deepEqual(lean[0]!.report, { ...r, raw: null });
      assert.deepEqual(await getReport(store.db, 'raw-test', 'no-raw'), r);
      assert.equal((await getReportById(store.db, lean[0]!.id))?.report.externalId, 'no-raw');
    });

    it('pages stored reports by id: below one, newest first, or above one, oldest first, without raw records', async () => {
      const rs = ['n1', 'n2', 'n3', 'n4'].map((externalId) => makeReport({ externalId, source: 'paged' }));
      await upsertReports(store.db, rs);
      const ids: number[] = [];
      for await (const s of iterateStoredReports(store.db, { source: 'paged' })) ids.push(s.id);
      const down = await storedReportsPage(store.db, { beforeId: ids[3]!, limit: 2 });
      assert.deepEqual(
        down.map((s) => s.report),
        [rs[2], rs[1]].map((r) => ({ ...r, raw: null })),
      );
      const up = await storedReportsPage(store.db, { afterId: ids[1]!, limit: 10 });
      assert.deepEqual(
        up.map((s) => s.id),
        [ids[2], ids[3]],
      );
    });
  });
}

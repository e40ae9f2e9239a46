import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { getReportById, reportIdOf, type Store, upsertReports } from '../../src/store/index.ts';
import { Predictor } from '../../src/triage/index.ts';
import { makeReport } from '../support/reports.ts';
import { OUTLIER_QUERY, storeWithOutlier } from '../support/similar-store.ts';
import { until } from '../support/until.ts';

describe('similar reports from the in-memory index of every stored report', () => {
  let store: Store;
  let oldest: number;

  before(async () => {
    // more than one batch of the fill (200) in the memory test, so it is read in pages
    ({ store, oldest } = await storeWithOutlier(450));
  });
  after(async () => {
    await store?.close();
  });

  const query = OUTLIER_QUERY;

  it('starts answering with the newest part and fills down to the first stored report', async () => {
    const p = new Predictor(store, { refreshMs: 0 });
    await p.similarReady(100);
    const early = p.similarStatus()!;
    assert.ok(early.indexed >= 100, `indexed ${early.indexed}`);
    assert.equal(early.complete, false);
    await p.similarReady();
    assert.deepEqual(p.similarStatus(), { indexed: 451, complete: true });
    assert.equal((await p.classify(query)).similar[0]!.id, oldest);
  });

  it('lets the event loop run between slices of a page while it fills', async () => {
    const p = new Predictor(store, { refreshMs: 0 });
    await p.similarReady(1);
    // what a request made during the fill would see: the index between two turns of the loop
    const seen = new Set<number>();
    while (!p.similarStatus()!.complete) {
      seen.add(p.similarStatus()!.indexed);
      await new Promise((r) => setImmediate(r));
    }
    // a page (200 reports) was not indexed in one go: the loop ran inside one
    const total = p.similarStatus()!.indexed;
    assert.ok(
      [...seen].some((n) => n % 200 !== 0 && n !== total),
      `indexed counts seen between turns: ${[...seen].join(', ')}`,
    );
  });

  it('keeps to the newest reports when given a limit', async () => {
    const p = new Predictor(store, { refreshMs: 0, similarLimit: 100 });
    await p.similarReady();
    assert.deepEqual(p.similarStatus(), { indexed: 100, complete: true });
    assert.ok(!(await p.classify(query)).similar.some((s) => s.id === oldest));
  });

  it('catches up with reports another process stored, and counts a remembered one once', async () => {
    const p = new Predictor(store, { refreshMs: 0 });
    await p.similarReady();
    const twin = {
      summary: 'landscape footer scale margin squashed',
      description: 'printer landscape scale footer header margin preview squashed',
    };
    // stored as an import in another process would: this predictor is not told
    await upsertReports(store.db, [
      makeReport({ source: 'bugzilla:test', externalId: 'elsewhere', product: 'Core', ...twin }),
    ]);
    const elsewhere = (await reportIdOf(store.db, 'bugzilla:test', 'elsewhere'))!;
    await until('the catch-up to index the report', async () =>
      (await p.classify(twin)).similar.some((s) => s.id === elsewhere),
    );
    // filed through this process: findable at once, and the catch-up does not add it again
    await upsertReports(store.db, [
      makeReport({ source: 'bugzilla:test', externalId: 'here', product: 'Core', ...twin }),
    ]);
    const here = (await reportIdOf(store.db, 'bugzilla:test', 'here'))!;
    p.remember(here, (await getReportById(store.db, here))!.report);
    assert.ok((await p.classify(twin)).similar.some((s) => s.id === here));
    await p.refresh(true);
    await until('a catch-up after the filing', () => p.similarStatus()!.indexed === 453);
    await new Promise((r) => setTimeout(r, 100));
    await p.refresh(true);
    assert.equal(p.similarStatus()!.indexed, 453);
    const ids = (await p.classify(twin)).similar.map((s) => s.id);
    assert.equal(ids.filter((id) => id === here).length, 1);
  });

  it("answers a stored report with its own tracker's reports only, the nearer ones of another left out", async () => {
    const p = new Predictor(store, { refreshMs: 0 });
    await p.similarReady();
    const oldestSource = 'bugzilla:test';
    // the outlier's twin in a second tracker: nearer to the query than anything but the outlier
    await upsertReports(store.db, [
      makeReport({
        source: 'jira:other',
        externalId: 'OTHER-1',
        summary: 'kerning ligature typography wrong',
        description: 'font kerning of ligature glyphs broken',
        product: 'Core',
      }),
    ]);
    const other = (await reportIdOf(store.db, 'jira:other', 'OTHER-1'))!;
    p.remember(other, (await getReportById(store.db, other))!.report);
    const pooled = (await p.classify(query)).similar.map((s) => s.id);
    assert.ok(pooled.includes(other) && pooled.includes(oldest), `pooled: ${pooled}`);
    const own = await p.classify(query, { source: oldestSource });
    assert.ok(own.similar.length > 0);
    assert.ok(own.similar.every((s) => s.source === oldestSource));
    assert.equal(own.similar[0]!.id, oldest);
    const theirs = await p.classify(query, { source: 'jira:other' });
    assert.deepEqual(
      theirs.similar.map((s) => s.id),
      [other],
    );
    assert.deepEqual((await p.classify(query, { source: 'github:nobody' })).similar, []);
  });
});

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  activateModelVersion,
  getReportById,
  reportIdOf,
  type Store,
  upsertReports,
} from '../../src/store/index.ts';
import { Predictor, trainTask } from '../../src/triage/index.ts';
import { makeReport } from '../support/reports.ts';
import { OUTLIER_QUERY, storeWithOutlier } from '../support/similar-store.ts';

describe("a newly activated version's similar index fills beside the one in use", () => {
  let store: Store;
  let oldest: number;

  before(async () => {
    ({ store, oldest } = await storeWithOutlier(450));
  });
  after(async () => {
    await store?.close();
  });

  it('answers from the whole old index until the new one is as full, then from the new one', async () => {
    // refreshed only when told, so that nothing but the fill moves between two answers
    const p = new Predictor(store, { refreshMs: 60_000 });
    await p.similarReady();
    assert.deepEqual(p.similarStatus(), { indexed: 451, complete: true });
    const v2 = await trainTask(store, 'component', { force: true });
    assert.equal(v2.activated, true);
    await p.refresh(true);
    const during = p.similarStatus()!;
    assert.equal(during.indexed, 451);
    assert.ok(during.next && during.next.indexed < 451, `next: ${JSON.stringify(during.next)}`);
    // the oldest report is the last the new index reaches: only the old index can find it now
    const answer = await p.classify(OUTLIER_QUERY);
    assert.equal(answer.answers.component!.modelId, v2.id);
    assert.equal(answer.similar[0]!.id, oldest);

    // filed during the handover: findable at once, and still after it
    const twin = {
      summary: 'landscape footer scale margin squashed',
      description: 'printer landscape footer',
    };
    await upsertReports(store.db, [makeReport({ source: 'bugzilla:test', externalId: 'mid', ...twin })]);
    const mid = (await reportIdOf(store.db, 'bugzilla:test', 'mid'))!;
    p.remember(mid, (await getReportById(store.db, mid))!.report);
    assert.ok((await p.classify(twin)).similar.some((s) => s.id === mid));

    await p.similarReady();
    assert.deepEqual(p.similarStatus(), { indexed: 452, complete: true });
    assert.equal((await p.classify(OUTLIER_QUERY)).similar[0]!.id, oldest);
    const after = (await p.classify(twin)).similar.filter((s) => s.id === mid);
    assert.equal(after.length, 1);
  });

  it('with the handover at once, answers from the new index as it fills', async () => {
    const p = new Predictor(store, { refreshMs: 60_000, similarHandover: 'at-once' });
    await p.similarReady();
    await trainTask(store, 'component', { force: true });
    await p.refresh(true);
    const during = p.similarStatus()!;
    assert.equal(during.next, undefined);
    assert.ok(during.indexed < 452, `indexed ${during.indexed}`);
    // the oldest report is the last the new index reaches
    assert.ok(!(await p.classify(OUTLIER_QUERY)).similar.some((s) => s.id === oldest));
    await p.similarReady();
    assert.equal((await p.classify(OUTLIER_QUERY)).similar[0]!.id, oldest);
  });

  it('keeps the version in use when it is activated again before the next one is whole', async () => {
    const p = new Predictor(store, { refreshMs: 60_000 });
    await p.similarReady();
    const first = (await p.models()).get('component')!.row.id;
    const second = await trainTask(store, 'component', { force: true });
    await p.refresh(true);
    assert.ok(p.similarStatus()!.next);
    await activateModelVersion(store.db, first, new Date().toISOString());
    assert.notEqual(first, second.id);
    await p.refresh(true);
    assert.equal(p.similarStatus()!.next, undefined);
    await p.similarReady();
    assert.equal((await p.classify(OUTLIER_QUERY)).similar[0]!.id, oldest);
  });
});

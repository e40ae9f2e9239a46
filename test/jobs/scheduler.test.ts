import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { EmbeddedQueue } from '../../src/jobs/embedded-queue.ts';
import { jobHandlers } from '../../src/jobs/handlers.ts';
import { checkSchedule, dueTick, startScheduler } from '../../src/jobs/scheduler.ts';
import { countReports, insertDataSource, type Store, upsertReports } from '../../src/store/index.ts';
import { Predictor } from '../../src/triage/index.ts';
import { DIALECTS } from '../support/dialects.ts';
import { triageCorpus } from '../support/triage-corpus.ts';

describe('schedules', () => {
  it('finds the newest run due, collapsing the ones missed', () => {
    const at = (s: string) => new Date(`2026-11-24T${s}:00.000Z`);
    assert.equal(dueTick('0 * * * *', at('10:05'), at('12:30'))?.toISOString(), at('12:00').toISOString());
    assert.equal(dueTick('0 * * * *', at('12:00'), at('12:30')), null);
    assert.equal(dueTick('*/15 * * * *', at('12:00'), at('12:31'))?.toISOString(), at('12:30').toISOString());
  });
  it('refuses a bad cron expression, naming the field', () => {
    assert.throws(
      () => checkSchedule('every hour'),
      (e: Error & { field?: string }) => e.field === 'schedule',
    );
    checkSchedule('0 3 * * 1-5');
  });
});

for (const dialect of DIALECTS) {
  describe(`scheduled imports and evaluate jobs on ${dialect.name}`, { skip: dialect.skip }, () => {
    let store: Store & { dispose(): Promise<void> };
    before(async () => {
      store = await dialect.open();
    });
    after(async () => {
      await store?.dispose();
    });

    it('enqueues a due import once however many schedulers look, and the job imports the file', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'eightball-sched-'));
      const file = join(dir, 'reports.csv');
      writeFileSync(
        file,
        'bug_id,short_desc,product,component,opendate\n1,Crash on print,Core,Printing,2024-01-01\n2,Slow DNS,Core,Networking,2024-01-02\n',
      );
      const past = new Date(Date.now() - 5 * 60_000).toISOString();
      await insertDataSource(
        store.db,
        { name: 'nightly-dump', kind: 'file', location: file, query: '', schedule: '* * * * *' },
        past,
      );
      const queue = new EmbeddedQueue(store, { pollMs: 20 });
      const a = startScheduler(store, queue, { intervalMs: 3_600_000 });
      const b = startScheduler(store, queue, { intervalMs: 3_600_000 });
      const queued = await Promise.all([a.tick(), b.tick(), a.tick()]);
      assert.equal(
        queued.reduce((x, y) => x + y, 0),
        1,
      );
      a.stop();
      b.stop();
      const [job] = (await queue.list()).filter((j) => j.name === 'import-source');
      assert.ok(job);
      const worker = queue.work(jobHandlers({ store, predictor: new Predictor(store), queue }));
      for (let i = 0; i < 400 && (await queue.get(job.id))?.state !== 'completed'; i++)
        await new Promise((r) => setTimeout(r, 25));
      await worker.stop();
      const done = (await queue.get(job.id))!;
      assert.equal(done.state, 'completed', done.error ?? '');
      assert.deepEqual(done.result, {
        source: 'nightly-dump',
        imported: 2,
        updated: 0,
        unchanged: 0,
        rejected: 0,
        classified: 0,
      });
      assert.equal(await countReports(store.db, 'nightly-dump'), 2);
    });

    it('evaluates a task on the stored reports without storing a model', async () => {
      await upsertReports(store.db, triageCorpus(120));
      const queue = new EmbeddedQueue(store, { pollMs: 20 });
      const job = await queue.enqueue('evaluate', { task: 'component' });
      const worker = queue.work(jobHandlers({ store, predictor: new Predictor(store), queue }));
      for (let i = 0; i < 600 && (await queue.get(job.id))?.state !== 'completed'; i++)
        await new Promise((r) => setTimeout(r, 25));
      await worker.stop();
      const r = (await queue.get(job.id))!.result as { accuracy: number; nTest: number; labelSource: string };
      assert.ok(r.accuracy > 0.5, JSON.stringify(r));
      assert.equal(r.labelSource, 'product::component');
      assert.equal(await store.db.selectFrom('model_versions').select('id').executeTakeFirst(), undefined);
    });
  });
}

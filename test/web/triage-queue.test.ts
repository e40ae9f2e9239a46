import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { EmbeddedQueue } from '../../src/jobs/embedded-queue.ts';
import { jobHandlers } from '../../src/jobs/handlers.ts';
import type { RunningWorker } from '../../src/jobs/queue.ts';
import { correctionsFor, listReports, openStore, type Store, upsertReports } from '../../src/store/index.ts';
import { createUser, Predictor, trainTask } from '../../src/triage/index.ts';
import { buildApp } from '../../src/web/app.ts';
import { makeReport } from '../support/reports.ts';
import { triageCorpus } from '../support/triage-corpus.ts';
import { until } from '../support/until.ts';
import { WebClient } from '../support/web-client.ts';

const PASSWORD = 'a long triager password';

describe('the triage queue on the reports page', () => {
  let store: Store;
  let app: FastifyInstance;
  let queue: EmbeddedQueue;
  let worker: RunningWorker;
  let web: WebClient;

  before(async () => {
    store = await openStore('sqlite::memory:');
    await upsertReports(store.db, triageCorpus(120));
    await trainTask(store, 'component');
    // newly imported, nobody has triaged them: filed in General
    await upsertReports(
      store.db,
      ['print preview margin printer', 'webgl shader flicker gpu', 'dns proxy timeout socket'].map(
        (summary, i) =>
          makeReport({
            source: 'bugzilla:new',
            externalId: String(9000 + i),
            summary,
            product: 'Core',
            component: 'General',
          }),
      ),
    );
    const predictor = new Predictor(store, { refreshMs: 0 });
    queue = new EmbeddedQueue(store, { leaseMs: 2000, pollMs: 20 });
    worker = queue.work(jobHandlers({ store, predictor, queue }));
    app = await buildApp({ store, predictor, queue });
    await createUser(store, { username: 'tri', password: PASSWORD, role: 'triager' }, null);
    web = new WebClient(app);
    await web.login('tri', PASSWORD);
  });
  after(async () => {
    await worker?.stop();
    await app?.close();
    await store?.close();
  });

  it('filters by source and untriaged, and lists what is not classified yet', async () => {
    const page = await web.get('/reports?source=bugzilla%3Anew&untriaged=1&needs=unclassified');
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /3 reports/);
    assert.match(page.body, /Classify the 3 matching reports/);
    const none = await web.get('/reports?source=bugzilla%3Atest&untriaged=1');
    assert.match(none.body, /0 reports/, 'the history is triaged');
    const bad = await web.get('/reports?needs=everything');
    assert.equal(bad.statusCode, 400);
  });

  it('classifies the matching stored reports in batches as jobs, and filters by the answer', async () => {
    const r = await web.post('/reports/classify-matching', {
      source: 'bugzilla:new',
      untriaged: '1',
      needs: 'unclassified',
    });
    assert.equal(r.statusCode, 303);
    await until('the classify job', async () =>
      (await queue.list({ limit: 20 })).some((j) => j.name === 'classify-reports' && j.state === 'completed'),
    );
    const left = await web.get('/reports?source=bugzilla%3Anew&needs=unclassified');
    assert.match(left.body, /0 reports/);
    const printing = await listReports(store.db, {
      source: 'bugzilla:new',
      task: 'component',
      predicted: 'Core::Printing',
      limit: 10,
      offset: 0,
    });
    assert.deepEqual(
      printing.items.map((i) => i.summary),
      ['print preview margin printer'],
    );
    const page = await web.get('/reports?source=bugzilla%3Anew&predicted=Core%3A%3APrinting');
    assert.match(page.body, /1 reports/);
  });

  it('accepts the checked answers at once and shows the triagers’ decisions in the list', async () => {
    const { items } = await listReports(store.db, { source: 'bugzilla:new', limit: 10, offset: 0 });
    await web.get('/reports?source=bugzilla%3Anew');
    const ids = items.slice(0, 2).map((i) => String(i.id));
    const r = await web.postEntries('/reports/bulk-accept', [
      ['task', 'component'],
      ...ids.map((id): [string, string] => ['ids', id]),
    ]);
    assert.equal(r.statusCode, 303, r.body);
    for (const id of ids) {
      const c = await correctionsFor(store.db, Number(id));
      assert.equal(c.length, 1);
      assert.equal(c[0]!.accepted, true);
    }
    const page = await web.get('/reports?source=bugzilla%3Anew');
    assert.equal((page.body.match(/>accepted</g) ?? []).length, 2);
    const reviewed = await web.get('/reports?source=bugzilla%3Anew&needs=uncorrected');
    assert.match(reviewed.body, /1 reports/);
  });
});

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { EmbeddedQueue } from '../../src/jobs/embedded-queue.ts';
import { openStore, type Store, upsertReports } from '../../src/store/index.ts';
import { createApiToken, createUser, Predictor, trainTask } from '../../src/triage/index.ts';
import { buildApp } from '../../src/web/app.ts';
import { triageCorpus } from '../support/triage-corpus.ts';
import { jiraReports } from '../support/two-trackers.ts';
import { bearer } from '../support/web-client.ts';

describe('/api/v1/classify with the tracker a report comes from', () => {
  let store: Store;
  let app: FastifyInstance;
  let token: string;

  before(async () => {
    store = await openStore('sqlite::memory:');
    await upsertReports(store.db, [...triageCorpus(160), ...jiraReports(60)]);
    await trainTask(store, 'component');
    const id = await createUser(
      store,
      { username: 'rita', password: 'correct horse battery', role: 'reporter' },
      null,
    );
    token = (await createApiToken(store, id, 'rita-token', null)).token;
    const predictor = new Predictor(store, { refreshMs: 0 });
    await predictor.similarReady();
    app = await buildApp({ store, predictor, queue: new EmbeddedQueue(store), loginRateLimit: 1000 });
  });
  after(async () => {
    await app?.close();
    await store?.close();
  });

  const classify = (payload: object) =>
    app.inject({
      method: 'POST',
      url: '/api/v1/classify',
      headers: { ...bearer(token), 'content-type': 'application/json' },
      payload,
    });
  const report = {
    summary: 'namenode editlog checkpoint fsimage print',
    description: 'safemode lease quota pdf',
  };

  it('answers among that tracker’s labels, with its similar reports', async () => {
    const any = (await classify(report)).json();
    assert.equal(any.answers.component.ranking[0].label, 'HDFS::namenode');
    const own = await classify({ ...report, source: 'bugzilla:test' });
    assert.equal(own.statusCode, 200);
    const body = own.json();
    assert.ok(body.answers.component.ranking.every((r: { label: string }) => r.label.startsWith('Core::')));
    assert.ok(body.similar.length > 0);
    assert.ok(body.similar.every((r: { source: string }) => r.source === 'bugzilla:test'));
  });

  it('refuses a tracker that is not a short string, naming the field', async () => {
    for (const source of [7, '', 'x'.repeat(201)]) {
      const r = await classify({ ...report, source });
      assert.equal(r.statusCode, 400, JSON.stringify(source).slice(0, 20));
      assert.match(r.json().error.message, /source/);
    }
  });
});

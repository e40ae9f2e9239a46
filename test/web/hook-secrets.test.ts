import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { EmbeddedQueue } from '../../src/jobs/embedded-queue.ts';
import { listDataSources, openStore, type Store } from '../../src/store/index.ts';
import { hubSignature } from '../../src/trackers/signatures.ts';
import { createUser, Predictor } from '../../src/triage/index.ts';
import { buildApp } from '../../src/web/app.ts';
import { WebClient } from '../support/web-client.ts';

const SECRET = 'a-source-secret-0123456789';

describe("a data source's own webhook secret", () => {
  let store: Store;
  let app: FastifyInstance;
  let web: WebClient;

  const deliver = (secret: string) => {
    const body = JSON.stringify({
      action: 'opened',
      issue: {
        number: 7,
        title: 'Crash on start',
        body: 'it crashes',
        html_url: 'https://github.com/acme/app/issues/7',
        labels: [],
        user: { login: 'r' },
      },
      repository: { full_name: 'acme/app' },
    });
    return app.inject({
      method: 'POST',
      url: '/hooks/github',
      headers: {
        'content-type': 'application/json',
        'x-github-event': 'issues',
        'x-github-delivery': randomUUID(),
        'x-hub-signature-256': hubSignature(secret, body),
      },
      payload: body,
    });
  };

  before(async () => {
    store = await openStore('sqlite::memory:');
    const queue = new EmbeddedQueue(store, { leaseMs: 2000, pollMs: 20 });
    app = await buildApp({ store, predictor: new Predictor(store), queue });
    await createUser(store, { username: 'ada', password: 'a long admin password', role: 'admin' }, null);
    web = new WebClient(app);
    await web.login('ada', 'a long admin password');
  });
  after(async () => {
    await app?.close();
    await store?.close();
  });

  it('is refused when short, stored when long enough, and never shown again', async () => {
    await web.get('/admin');
    const short = await web.post('/admin/sources', {
      name: 'app',
      kind: 'github',
      location: 'acme/app',
      secret: 'short',
    });
    assert.equal(short.statusCode, 400);
    assert.match(short.body, /secret: a webhook secret needs at least 16 characters/);
    const ok = await web.post('/admin/sources', {
      name: 'app',
      kind: 'github',
      location: 'acme/app',
      secret: SECRET,
    });
    assert.equal(ok.statusCode, 200);
    assert.match(ok.body, /\(its own secret\)/);
    assert.ok(!ok.body.includes(SECRET));
  });

  it('signs that tracker’s deliveries: its own secret is taken, another is 401', async () => {
    const good = await deliver(SECRET);
    assert.equal(good.statusCode, 202, good.body);
    assert.equal(good.json().source, 'github:app', 'stored under the source the repository is');
    assert.equal((await deliver('another-secret-0123456789')).statusCode, 401);
  });

  it('with the source gone, and no variable set, the hook is off (503)', async () => {
    const [s] = await listDataSources(store.db);
    await web.get('/admin');
    await web.post(`/admin/sources/${s!.id}/delete`, {});
    const r = await deliver(SECRET);
    assert.equal(r.statusCode, 503);
    assert.match(r.json().error.message, /give a github data source a webhook secret/);
  });
});

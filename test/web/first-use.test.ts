import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { EmbeddedQueue } from '../../src/jobs/embedded-queue.ts';
import {
  correctionsFor,
  listModelVersions,
  openStore,
  type Store,
  upsertReports,
} from '../../src/store/index.ts';
import { createApiToken, createUser, Predictor, trainTask } from '../../src/triage/index.ts';
import { buildApp } from '../../src/web/app.ts';
import { triageCorpus } from '../support/triage-corpus.ts';
import { bearer, WebClient } from '../support/web-client.ts';

const PASSWORD = 'correct horse battery';

describe('what a first-time user tripped on, in the web app', () => {
  let store: Store;
  let app: FastifyInstance;
  const logLines: string[] = [];
  let token = '';
  let queue: EmbeddedQueue;

  before(async () => {
    store = await openStore('sqlite::memory:');
    await upsertReports(store.db, triageCorpus(160));
    await trainTask(store, 'component');
    await trainTask(store, 'category');
    const id = await createUser(store, { username: 'ada', password: PASSWORD, role: 'admin' }, null);
    token = (await createApiToken(store, id, 'ada', null)).token;
    queue = new EmbeddedQueue(store);
    const stream = new Writable({
      write(chunk, _enc, done) {
        logLines.push(String(chunk));
        done();
      },
    });
    app = await buildApp({
      store,
      predictor: new Predictor(store, { refreshMs: 0 }),
      queue,
      loginRateLimit: 1000,
      emailEnabled: false,
      logger: { level: 'info', stream },
    });
  });
  after(async () => {
    await app?.close();
    await store?.close();
  });
  const admin = async () => {
    const c = new WebClient(app);
    assert.equal((await c.login('ada', PASSWORD)).statusCode, 303);
    return c;
  };

  it('asks before a correction adds a label the task does not know; the API needs allowNew', async () => {
    const c = await admin();
    await c.get('/reports/1');
    const typo = await c.post('/reports/1/feedback', {
      task: 'component',
      label: 'Core::Netwrking',
      accepted: 'false',
    });
    assert.equal(typo.statusCode, 200);
    assert.match(typo.body, /A new component label\?/);
    assert.match(typo.body, /Core::Networking/, 'the known labels are offered');
    assert.deepEqual(await correctionsFor(store.db, 1), [], 'nothing stored yet');
    const sure = await c.post('/reports/1/feedback', {
      task: 'component',
      label: 'Core::Netwrking',
      accepted: 'false',
      allowNew: 'true',
    });
    assert.equal(sure.statusCode, 303);
    assert.equal((await correctionsFor(store.db, 1))[0]?.label, 'Core::Netwrking');
    const h = { ...bearer(token), 'content-type': 'application/json' };
    const api = await app.inject({
      method: 'POST',
      url: '/api/v1/reports/2/feedback',
      headers: h,
      payload: JSON.stringify({ task: 'category', label: 'defct' }),
    });
    assert.equal(api.statusCode, 400);
    assert.equal(api.json().error.field, 'label');
    assert.match(api.json().error.message, /known: defect, enhancement/);
    const known = await app.inject({
      method: 'POST',
      url: '/api/v1/reports/2/feedback',
      headers: h,
      payload: JSON.stringify({ task: 'category', label: 'enhancement' }),
    });
    assert.equal(known.statusCode, 204);
  });

  it('asks before watching a label nobody predicts, and says when e-mail is off', async () => {
    const c = await admin();
    const page = await c.get('/watch');
    assert.match(page.body, /E-mail is off on this server/);
    const typo = await c.post('/watch', { task: 'category', label: 'defekt', email: 'ada@example.org' });
    assert.match(typo.body, /A new category label\?/);
    assert.doesNotMatch((await c.get('/watch')).body, /defekt/);
  });

  it('queues a train job that is taken up again after a crash (more than one attempt)', async () => {
    const c = await admin();
    await c.get('/models');
    assert.equal((await c.post('/models/task/category/train', {})).statusCode, 303);
    const [job] = await queue.list({ state: 'waiting' });
    assert.equal(job?.name, 'train');
    assert.ok(job!.maxAttempts > 1, `attempts ${job!.maxAttempts}`);
    await queue.cancel(job!.id);
  });

  it('offers no roll back for a task with one version', async () => {
    const c = await admin();
    const models = await c.get('/models');
    assert.doesNotMatch(models.body, /Roll back/);
    await trainTask(store, 'category', { force: true });
    assert.match((await c.get('/models')).body, /Roll back category/);
    assert.doesNotMatch((await c.get('/models')).body, /Roll back component/);
  });

  it('shows a bad cron expression on the sources form, with what was typed kept', async () => {
    const c = await admin();
    await c.get('/admin');
    const res = await c.post('/admin/sources', {
      name: 'nightly',
      kind: 'file',
      location: '/data/dump.jsonl',
      schedule: '61 * * * *',
    });
    assert.equal(res.statusCode, 400);
    assert.match(res.body, /schedule: /);
    assert.match(res.body, /id="src-name" name="name"[^>]*value="nightly"/);
    assert.match(res.body, /id="src-s" name="schedule"[^>]*value="61 \* \* \* \*"/);
    assert.match(res.body, /<option value="file" selected>/);
  });

  it("puts a model page's dropped rare classes behind a summary", async () => {
    await upsertReports(store.db, [
      ...triageCorpus(3, 99).map((r, i) => ({ ...r, externalId: `rare-${i}`, component: 'Rare' })),
    ]);
    await trainTask(store, 'component', { force: true });
    const c = await admin();
    const id = (await listModelVersions(store.db, 'component'))[0]!.id;
    const page = await c.get(`/models/${id}`);
    assert.match(
      page.body,
      /<details><summary>\d+ classes with fewer than 5 training reports<\/summary>[^<]*Core::Rare \(\d\)/,
    );
  });

  it('logs no info line per suggestion request', async () => {
    const c = await admin();
    await c.get('/reports/new');
    const before = logLines.length;
    const res = await c.postJson(
      '/suggest',
      { summary: 'dns proxy timeout on every request' },
      { 'x-csrf-token': c.csrf },
    );
    assert.equal(res.statusCode, 200);
    assert.equal(logLines.slice(before).filter((l) => /"url":"\/suggest"/.test(l)).length, 0);
    await c.get('/watch');
    assert.ok(
      logLines.slice(before).some((l) => /"url":"\/watch"/.test(l)),
      'other requests are still logged',
    );
  });
});

/** A triager logged in to an app over `store` (the caller's data and models), closed after `fn`. */
async function asTriager(store: Store, name: string, fn: (c: WebClient) => Promise<void>): Promise<void> {
  await createUser(store, { username: name, password: PASSWORD, role: 'triager' }, null);
  const app = await buildApp({
    store,
    predictor: new Predictor(store, { refreshMs: 0 }),
    loginRateLimit: 1000,
  });
  try {
    const c = new WebClient(app);
    assert.equal((await c.login(name, PASSWORD)).statusCode, 303);
    await fn(c);
  } finally {
    await app.close();
  }
}

describe('the report page', () => {
  it('answers "predicted when filed" and "the active models now" from the same inputs, the reporter included', async () => {
    const store = await openStore('sqlite::memory:');
    try {
      // who files says where they work: ada files the networking reports
      await upsertReports(
        store.db,
        triageCorpus(160).map((r) => (r.component === 'Networking' ? { ...r, reporter: 'ada' } : r)),
      );
      await trainTask(store, 'component');
      await asTriager(store, 'ada', async (c) => {
        await c.get('/reports/new');
        const filed = await c.post('/reports', {
          summary: 'window settings after update',
          description: 'tab open',
        });
        assert.equal(filed.statusCode, 303, filed.body);
        const page = await c.get(String(filed.headers.location));
        const whenFiled =
          /<th scope="row">component<\/th>\s*<td>[^<]*<\/td>\s*<td>([^<]+) <span class="p">([\d.]+%)<\/span>/.exec(
            page.body,
          );
        const now =
          /<section class="answer" aria-label="component"[^>]*>\s*<h3>component: (?:<strong>([^<]+)<\/strong> ([\d.]+%)|<span class="abstain">needs a human<\/span> <span class="p">\(best ([\d.]+%))/.exec(
            page.body,
          );
        assert.ok(whenFiled && now, page.body);
        assert.equal(whenFiled[2], now[2] ?? now[3]);
      });
    } finally {
      await store.close();
    }
  });
});

describe('the evaluation report of a model version', () => {
  it('is drawn from the data stored with the version, so it follows the code; an old version keeps its page', async () => {
    const store = await openStore('sqlite::memory:');
    try {
      await upsertReports(store.db, triageCorpus(120));
      const trained = await trainTask(store, 'category');
      const row = await store.db
        .selectFrom('model_versions')
        .selectAll()
        .where('id', '=', trained.id)
        .executeTakeFirstOrThrow();
      assert.equal(row.report_html, '');
      assert.ok(JSON.parse(row.report!).metrics.roc, 'the curves are stored as data');
      // the metrics are figures: not the fitted model, nor every test report's answer
      const metrics = JSON.parse(row.metrics) as Record<string, unknown>;
      assert.equal('fitted' in metrics, false);
      assert.equal('validation' in metrics, false);
      assert.equal('fitted' in JSON.parse(row.report!), false);
      // a version stored by an earlier release: only its HTML
      await store.db
        .updateTable('model_versions')
        .set({ report: null, report_html: '<p>the old page</p>' })
        .where('id', '=', trained.id)
        .execute();
      const again = await trainTask(store, 'category', { force: true });
      await asTriager(store, 'tom', async (c) => {
        const fresh = await c.get(`/models/${again.id}/report`);
        assert.equal(fresh.statusCode, 200);
        assert.match(fresh.body, /<svg/);
        assert.match(fresh.body, /category model v2/);
        assert.equal((await c.get(`/models/${trained.id}/report`)).body, '<p>the old page</p>');
      });
    } finally {
      await store.close();
    }
  });
});

describe('the live suggestions', () => {
  it('come as the same markup the report page draws, when the panel asks for HTML', async () => {
    const store = await openStore('sqlite::memory:');
    try {
      await upsertReports(store.db, triageCorpus(120));
      await trainTask(store, 'component');
      await asTriager(store, 'tess', async (c) => {
        await c.get('/reports/new');
        const body = { summary: 'print preview margin broken' };
        const page = await c.postJson('/suggest', body, { 'x-csrf-token': c.csrf, accept: 'text/html' });
        assert.equal(page.statusCode, 200);
        assert.match(String(page.headers['content-type']), /^text\/html/);
        assert.match(page.body, /^<h2>Suggestions<\/h2>/);
        assert.match(page.body, /<section class="answer" aria-label="component" data-task="component">/);
        const json = await c.postJson('/suggest', body, { 'x-csrf-token': c.csrf });
        assert.ok(json.json().answers.component, 'without asking for HTML: the JSON');
      });
    } finally {
      await store.close();
    }
  });
});

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import {
  getReportById,
  listAudit,
  listModelVersions,
  openStore,
  type Store,
  upsertReports,
} from '../../src/store/index.ts';
import {
  createApiToken,
  createUser,
  findTask,
  inputFromReport,
  Predictor,
  trainTask,
} from '../../src/triage/index.ts';
import { buildApp } from '../../src/web/app.ts';
import { teamCorpus } from '../support/team-corpus.ts';
import { bearer, WebClient } from '../support/web-client.ts';

const PASSWORD = 'correct horse battery';

describe('team tasks on the web: the tasks page, the report page and the API', () => {
  let store: Store;
  let app: FastifyInstance;
  let token: string;
  let admin: WebClient;
  before(async () => {
    store = await openStore('sqlite::memory:');
    await upsertReports(store.db, teamCorpus(200));
    await trainTask(store, 'component');
    const ada = await createUser(store, { username: 'ada', password: PASSWORD, role: 'admin' }, null);
    await createUser(store, { username: 'tom', password: PASSWORD, role: 'triager' }, null);
    token = (await createApiToken(store, ada, 'ada-token', null)).token;
    app = await buildApp({ store, predictor: new Predictor(store, { refreshMs: 0 }), loginRateLimit: 1000 });
    admin = new WebClient(app);
    await admin.login('ada', PASSWORD);
  });
  after(async () => {
    await app?.close();
    await store?.close();
  });

  it('adds a task from the form, and gives a bad one back with the field marked', async () => {
    await admin.get('/admin/tasks');
    const added = await admin.post('/admin/tasks', {
      name: 'bug-type',
      labelSource: 'keywords',
      labelMap: 'crash=crash,print-*=printing,*=',
      multilabel: 'true',
      description: 'crash or printing, or both',
    });
    assert.equal(added.statusCode, 200);
    assert.match(added.body, /Task bug-type added/);
    assert.match(added.body, /<h2>bug-type <span class="p">multilabel, no active model/);
    // a multi-label task keeps trackers apart too: its page offers the setting
    assert.match(added.body, /<select id="srcs-bug-type" name="sources">/);
    assert.equal((await findTask(store, 'bug-type'))?.kind, 'multilabel');
    const again = await admin.post('/admin/tasks', { name: 'bug-type', labelSource: 'keywords' });
    assert.equal(again.statusCode, 409);
    const bad = await admin.post('/admin/tasks', {
      name: 'kind',
      labelSource: 'labels.kind',
      labelMap: 'oops',
    });
    assert.equal(bad.statusCode, 400);
    assert.match(bad.body, /id="t-map"[^>]*value="oops" aria-invalid="true"/);
    assert.match(bad.body, /id="t-name"[^>]*value="kind"/);
    assert.ok(
      (await listAudit(store.db, 10)).some((a) => a.action === 'task.add' && a.detail.startsWith('bug-type')),
    );
  });

  it('answers the team task on /api/v1/classify and lists it on /api/v1/tasks and in the OpenAPI document', async () => {
    await trainTask(store, 'bug-type');
    const res = await app.inject({
      method: 'POST',
      url: '/api/v1/classify',
      headers: { ...bearer(token), 'content-type': 'application/json' },
      payload: { summary: 'crash when printing', description: 'hang crash printer page preview' },
    });
    assert.equal(res.statusCode, 200, res.body);
    const answers = res.json().answers;
    assert.deepEqual(Object.keys(answers).sort(), ['bug-type', 'component']);
    assert.equal(answers['bug-type'].kind, 'multilabel');
    assert.ok(Array.isArray(answers['bug-type'].labels));
    const tasks = await app.inject({ url: '/api/v1/tasks', headers: bearer(token) });
    assert.deepEqual(
      tasks.json().map((t: { name: string }) => t.name),
      ['category', 'component', 'bug-type'],
    );
    const doc = (await app.inject('/api/v1/openapi.json')).json();
    const schema = JSON.stringify(doc.paths['/api/v1/classify'].post.responses['200']);
    assert.match(schema, /every task the team defined/);
  });

  it('shows a multi-label version’s figures and per-label report, drawn from its stored metrics', async () => {
    const [v] = await listModelVersions(store.db, 'bug-type');
    const page = await admin.get(`/models/${v!.id}`);
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /<dt>Exact label sets<\/dt>/);
    const report = await admin.get(`/models/${v!.id}/report`);
    assert.equal(report.statusCode, 200);
    assert.match(report.body, /<h2>Each label<\/h2>/);
    assert.match(report.body, /<tr><td>crash<\/td><td>\d+<\/td>/);
    assert.match(report.body, /<tr><td>printing<\/td>/);
    assert.match((await admin.get('/models')).body, /<h2>bug-type<\/h2>/);
  });

  it('shows every task on the report page with its actual labels read from its own source', async () => {
    const tom = new WebClient(app);
    await tom.login('tom', PASSWORD);
    const list = await tom.get('/reports');
    assert.match(list.body, /<th scope="col">Actual bug-type<\/th>/);
    const page = await tom.get('/reports/1');
    assert.match(page.body, /<th scope="row">bug-type<\/th>/);
    assert.match(page.body, /data-task="bug-type"/);
    // the Accept button of a multi-label task offers its answer, here "(none)", not its likeliest label
    const predictor = new Predictor(store, { refreshMs: 0 });
    let none: number | undefined;
    for (let id = 1; id <= 60 && none === undefined; id++) {
      const r = (await getReportById(store.db, id))!.report;
      if ((await predictor.classify(inputFromReport(r))).answers['bug-type']?.label === '(none)') none = id;
    }
    assert.ok(none, 'a report the multi-label task answers with no label');
    const quiet = await tom.get(`/reports/${none}`);
    const accept = /name="task" value="bug-type">\s*<input type="hidden" name="label" value="([^"]*)"/.exec(
      quiet.body,
    );
    assert.equal(accept?.[1], '(none)');
  });

  it('removes a team task from the tasks page', async () => {
    await admin.get('/admin/tasks');
    const res = await admin.post('/admin/tasks/bug-type/remove', {});
    assert.equal(res.statusCode, 200);
    assert.match(res.body, /Task bug-type removed; its 1 model version\(s\) are kept, inactive/);
    assert.equal(await findTask(store, 'bug-type'), undefined);
  });
});

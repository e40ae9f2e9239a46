import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { Redis } from 'ioredis';
import { EmbeddedQueue } from '../../src/jobs/embedded-queue.ts';
import {
  correctionsFor,
  listAudit,
  listModelVersions,
  openStore,
  type Store,
  upsertReports,
} from '../../src/store/index.ts';
import {
  createApiToken,
  createUser,
  ensureFirstAdmin,
  Predictor,
  trainTask,
} from '../../src/triage/index.ts';
import { buildApp } from '../../src/web/app.ts';
import { DIALECTS } from '../support/dialects.ts';
import { triageCorpus } from '../support/triage-corpus.ts';
import { bearer, WebClient } from '../support/web-client.ts';

const PASSWORD = 'correct horse battery';

for (const dialect of DIALECTS)
  describe(`web app and API on ${dialect.name}`, { skip: dialect.skip }, () => {
    let store: Store & { dispose(): Promise<void> };
    let app: FastifyInstance;
    let predictor: Predictor;
    let adminPassword: string;
    let queue: EmbeddedQueue;
    const tokens: Record<string, string> = {};

    before(async () => {
      store = await dialect.open();
      await upsertReports(store.db, triageCorpus(160));
      await trainTask(store, 'category');
      await trainTask(store, 'component');
      adminPassword = (await ensureFirstAdmin(store))!.password;
      for (const [name, role] of [
        ['rita', 'reporter'],
        ['tom', 'triager'],
        ['ada', 'admin'],
      ] as const) {
        const id = await createUser(store, { username: name, password: PASSWORD, role }, null);
        tokens[name] = (await createApiToken(store, id, `${name}-token`, null)).token;
      }
      predictor = new Predictor(store, { refreshMs: 0 });
      await predictor.similarReady();
      // a queue nobody works on: jobs stay waiting, which is what these tests look at
      queue = new EmbeddedQueue(store);
      app = await buildApp({ store, predictor, queue, loginRateLimit: 1000 });
    });
    after(async () => {
      await app?.close();
      await store?.dispose();
    });

    const as = async (user: string) => {
      const c = new WebClient(app);
      const res = await c.login(user, PASSWORD);
      assert.equal(res.statusCode, 303, `login ${user}: ${res.body}`);
      return c;
    };

    it('GET /healthz answers 200 when the database answers', async () => {
      const res = await app.inject('/healthz');
      assert.equal(res.statusCode, 200);
      const body = res.json();
      assert.equal(body.status, 'ok');
      // with a model active, how far its similar-reports index has filled (here: all of it)
      assert.deepEqual(body.similar, predictor.similarStatus());
      assert.equal(body.similar.complete, true);
    });

    it('sends security headers: a CSP without inline script, no framing by others, nosniff', async () => {
      const res = await app.inject('/login');
      const csp = String(res.headers['content-security-policy']);
      assert.match(csp, /script-src 'self'(;|$)/);
      assert.doesNotMatch(csp, /script-src[^;]*unsafe-inline/);
      assert.equal(res.headers['x-frame-options'], 'SAMEORIGIN');
      assert.equal(res.headers['x-content-type-options'], 'nosniff');
      assert.doesNotMatch(res.body, /<script>/, 'no inline script on any page');
    });

    it('refuses every page and form to nobody with 401 and the login form', async () => {
      const c = new WebClient(app);
      for (const url of [
        '/',
        '/reports',
        '/reports/1',
        '/models',
        '/models/1',
        '/models/1/report',
        '/admin',
        '/api/docs',
        '/account/password',
      ]) {
        const res = await c.get(url);
        assert.equal(res.statusCode, url === '/api/docs' ? 200 : 401, url);
        if (url !== '/api/docs') assert.match(res.body, /action="\/login"/, url);
      }
      await c.get('/login');
      for (const url of [
        '/reports',
        '/suggest',
        '/reports/1/feedback',
        '/models/1/activate',
        '/admin/users',
        '/admin/tokens',
      ]) {
        const res = await c.post(url, {
          summary: 'x',
          task: 'category',
          label: 'x',
          accepted: 'true',
          username: 'x',
          role: 'admin',
          name: 'x',
          userId: '1',
        });
        assert.ok([400, 401].includes(res.statusCode), `${url}: ${res.statusCode}`);
        if (url === '/reports' || url === '/suggest') assert.equal(res.statusCode, 401, url);
      }
    });

    it('logs in with the right password only, and records failures', async () => {
      const c = new WebClient(app);
      const bad = await c.login('rita', 'not the password');
      assert.equal(bad.statusCode, 401);
      assert.match(bad.body, /Wrong user name or password/);
      const ghost = await c.login('nobody', 'whatever it is');
      assert.equal(ghost.statusCode, 401);
      const ok = await c.login('rita', PASSWORD);
      assert.equal(ok.statusCode, 303);
      assert.equal(ok.headers.location, '/');
      assert.ok(
        (await listAudit(store.db)).some((a) => a.action === 'login.failed' && a.detail === 'nobody'),
      );
    });

    it('never redirects a login to another site', async () => {
      const c = new WebClient(app);
      await c.get('/login');
      const res = await c.post('/login', { username: 'rita', password: PASSWORD, next: '//evil.example/' });
      assert.equal(res.headers.location, '/');
    });

    it('makes the first admin change the one-time password before anything else', async () => {
      const c = new WebClient(app);
      const res = await c.login('admin', adminPassword);
      assert.equal(res.headers.location, '/account/password');
      assert.equal((await c.get('/admin')).headers.location, '/account/password');
      await c.get('/account/password');
      const mismatch = await c.post('/account/password', {
        current: adminPassword,
        password: 'a new long password',
        confirm: 'another one',
      });
      assert.equal(mismatch.statusCode, 400);
      assert.match(mismatch.body, /differ/);
      await c.get('/account/password');
      const short = await c.post('/account/password', {
        current: adminPassword,
        password: 'short',
        confirm: 'short',
      });
      assert.equal(short.statusCode, 400);
      await c.get('/account/password');
      const ok = await c.post('/account/password', {
        current: adminPassword,
        password: 'a new long password',
        confirm: 'a new long password',
      });
      assert.equal(ok.statusCode, 303);
      assert.equal((await c.get('/admin')).statusCode, 200);
    });

    it('refuses a form with a missing or wrong CSRF token with 403', async () => {
      const c = await as('rita');
      await c.get('/');
      assert.equal((await c.post('/reports', { summary: 'webgl crash' }, 'forged-token')).statusCode, 403);
      assert.equal((await c.post('/reports', { summary: 'webgl crash' }, null)).statusCode, 403);
      const other = await as('tom');
      await other.get('/');
      // a token from another session is no good either
      assert.equal((await c.post('/reports', { summary: 'webgl crash' }, other.csrf)).statusCode, 403);
      const noHeader = await c.postJson('/suggest', { summary: 'webgl crash' });
      assert.equal(noHeader.statusCode, 403);
    });

    it('gives 403 to a role below the page or action', async () => {
      const rita = await as('rita');
      for (const url of ['/admin', '/models', '/models/1', '/models/1/report']) {
        assert.equal((await rita.get(url)).statusCode, 403, url);
      }
      await rita.get('/');
      assert.equal((await rita.post('/models/1/activate', {})).statusCode, 403);
      assert.equal(
        (await rita.post('/reports/1/feedback', { task: 'category', label: 'defect', accepted: 'true' }))
          .statusCode,
        403,
      );
      const tom = await as('tom');
      await tom.get('/models');
      assert.equal((await tom.post('/models/1/activate', {})).statusCode, 403);
      assert.equal((await tom.post('/admin/users', { username: 'mallory', role: 'admin' })).statusCode, 403);
    });

    it('suggests while typing and files a report with its predictions', async () => {
      const c = await as('rita');
      const page = await c.get('/');
      assert.equal(page.statusCode, 200);
      assert.match(page.body, /<script src="\/static\/app.js" defer><\/script>/);
      assert.match(page.body, /aria-live="polite"/);
      const s = await c.postJson(
        '/suggest',
        { summary: 'print preview margin broken' },
        { 'x-csrf-token': c.csrf },
      );
      assert.equal(s.statusCode, 200);
      assert.equal(s.json().answers.component.ranking[0].label, 'Core::Printing');
      await c.get('/');
      const filed = await c.post('/reports', {
        summary: 'print preview margin broken',
        description: 'printer page footer crash',
        platform: 'x86_64',
      });
      assert.equal(filed.statusCode, 303);
      const url = String(filed.headers.location);
      assert.match(url, /^\/reports\/\d+$/);
      const detail = await c.get(url);
      assert.equal(detail.statusCode, 200);
      assert.match(detail.body, /Report \d+ filed/);
      assert.match(detail.body, /Core::Printing/);
      assert.match(detail.body, /Similar reports/);
      // a reporter sees no feedback buttons
      assert.doesNotMatch(detail.body, /\/feedback/);
    });

    it('renders a <script> summary inert everywhere it shows', async () => {
      const c = await as('rita');
      await c.get('/');
      const evil = '<script>alert(1)</script><img src=x onerror=alert(2)>';
      const filed = await c.post('/reports', { summary: evil, description: `"'><script>alert(3)</script>` });
      const detail = await c.get(String(filed.headers.location));
      assert.doesNotMatch(detail.body, /<script>alert/);
      assert.doesNotMatch(detail.body, /<img src=x/);
      assert.match(detail.body, /&lt;script&gt;alert\(1\)&lt;\/script&gt;/);
      const list = await c.get('/reports?q=alert');
      assert.doesNotMatch(list.body, /<script>alert/);
      assert.match(list.body, /&lt;script&gt;alert\(1\)/);
    });

    it('refuses oversize bodies with 413 and bad input with 400 naming the field', async () => {
      const c = await as('rita');
      await c.get('/');
      const big = await c.post('/reports', { summary: 'x', description: 'y'.repeat(600 * 1024) });
      assert.equal(big.statusCode, 413);
      const apiBig = await app.inject({
        method: 'POST',
        url: '/api/v1/classify',
        headers: { ...bearer(tokens.rita!), 'content-type': 'application/json' },
        payload: JSON.stringify({ summary: 'x', description: 'y'.repeat(600 * 1024) }),
      });
      assert.equal(apiBig.statusCode, 413);
      assert.equal(apiBig.json().error.code, 'too-large');
      await c.get('/');
      const empty = await c.post('/reports', { summary: '   ' });
      assert.equal(empty.statusCode, 400);
      assert.match(empty.body, /summary/);
      assert.equal((await c.get('/reports?page=0')).statusCode, 400);
      assert.equal((await c.get('/reports/abc')).statusCode, 400);
      assert.equal((await c.get('/reports/99999')).statusCode, 404);
    });

    it('lists, searches and pages reports with predicted beside actual', async () => {
      const c = await as('rita');
      const all = await c.get('/reports');
      assert.equal(all.statusCode, 200);
      assert.match(all.body, /Predicted component/);
      const found = await c.get('/reports?q=preview+margin');
      const rows = found.body.match(/<tr><td><a href="\/reports\/\d+">/g) ?? [];
      assert.ok(rows.length >= 1);
      assert.ok(rows.length < 50);
      const byComponent = await c.get('/reports?component=Graphics');
      assert.match(byComponent.body, /40 reports/);
      const page2 = await c.get('/reports?page=2');
      assert.match(page2.body, /page 2 of/);
    });

    it('lets a triager accept or correct a prediction in one click, stored for training', async () => {
      const c = await as('tom');
      const detail = await c.get('/reports/3');
      assert.match(detail.body, /Accept /);
      const res = await c.post('/reports/3/feedback', {
        task: 'component',
        label: 'Core::DOM',
        accepted: 'false',
      });
      assert.equal(res.statusCode, 303);
      const after = await c.get('/reports/3');
      assert.match(after.body, /Core::DOM \(corrected\)/);
      assert.deepEqual(
        (await correctionsFor(store.db, 3)).map((x) => [x.task, x.label, x.accepted]),
        [['component', 'Core::DOM', false]],
      );
      await c.get('/reports/3');
      assert.equal(
        (await c.post('/reports/3/feedback', { task: 'files', label: 'x', accepted: 'true' })).statusCode,
        400,
      );
      await c.get('/reports/3');
      assert.equal(
        (await c.post('/reports/99999/feedback', { task: 'component', label: 'x', accepted: 'true' }))
          .statusCode,
        404,
      );
    });

    it('shows model versions with metrics and every chart of the evaluation report', async () => {
      const c = await as('tom');
      const list = await c.get('/models');
      assert.equal(list.statusCode, 200);
      assert.match(list.body, /<strong>active<\/strong>/);
      assert.doesNotMatch(list.body, /Activate v/, 'only admins get the buttons');
      const [m] = await listModelVersions(store.db, 'component');
      const detail = await c.get(`/models/${m!.id}`);
      assert.match(detail.body, /<iframe class="report"/);
      const report = await c.get(`/models/${m!.id}/report`);
      assert.equal(report.statusCode, 200);
      assert.ok(
        (report.body.match(/<svg/g) ?? []).length >= 5,
        'ROC, PR, confusion, reliability, cost, coverage charts',
      );
    });

    it('lets an admin activate, roll back and set thresholds', async () => {
      await trainTask(store, 'category', { force: true });
      const c = await as('ada');
      const list = await c.get('/models');
      assert.match(list.body, /Activate v1/);
      const v1 = (await listModelVersions(store.db, 'category')).find((m) => m.version === 1)!;
      assert.equal((await c.post(`/models/${v1.id}/activate`, {})).statusCode, 303);
      assert.equal((await listModelVersions(store.db, 'category')).find((m) => m.active === 1)!.version, 1);
      await c.get('/models');
      assert.equal((await c.post('/models/task/category/rollback', {})).statusCode, 303);
      assert.equal((await listModelVersions(store.db, 'category')).find((m) => m.active === 1)!.version, 2);
      await c.get(`/models/${v1.id}`);
      assert.equal((await c.post(`/models/${v1.id}/threshold`, { threshold: '0.42' })).statusCode, 303);
      assert.equal(
        (await listModelVersions(store.db, 'category')).find((m) => m.version === 1)!.threshold,
        0.42,
      );
      await c.get(`/models/${v1.id}`);
      assert.equal((await c.post(`/models/${v1.id}/threshold`, { threshold: '2' })).statusCode, 400);
      await c.get('/models');
      // a task in the path that does not exist is not found (tasks are the team's to add)
      assert.equal((await c.post('/models/task/files/rollback', {})).statusCode, 404);
      assert.equal((await c.post('/models/task/Not_A_Name/rollback', {})).statusCode, 400);
    });

    it('administers users, tokens, tasks and sources, with an audit log', async () => {
      const c = await as('ada');
      await c.get('/admin');
      const created = await c.post('/admin/users', { username: 'newbie', role: 'triager' });
      assert.equal(created.statusCode, 200);
      const once = /<code>([A-Za-z0-9_-]{20})<\/code>/.exec(created.body);
      assert.ok(once, 'the one-time password is shown');
      const newbie = new WebClient(app);
      assert.equal((await newbie.login('newbie', once[1]!)).headers.location, '/account/password');
      assert.equal(
        (await c.post('/admin/users', { username: 'newbie', role: 'triager' })).statusCode,
        400,
        'taken',
      );
      assert.equal((await c.post('/admin/users', { username: 'x', role: 'root' })).statusCode, 400);
      const self = (await c.get('/admin')).body.match(/action="\/admin\/users\/(\d+)"[\s\S]*?/g);
      assert.ok(self);
      const madeToken = await c.post('/admin/tokens', { name: 'ci bot', userId: '2' });
      const token = /<code>(eb_[A-Za-z0-9_-]+)<\/code>/.exec(madeToken.body)![1]!;
      assert.equal((await app.inject({ url: '/api/v1/models', headers: bearer(token) })).statusCode, 200);
      const tokenId = /action="\/admin\/tokens\/(\d+)\/revoke"/.exec(madeToken.body)![1]!;
      assert.equal((await c.post(`/admin/tokens/${tokenId}/revoke`, {})).statusCode, 200);
      assert.equal((await app.inject({ url: '/api/v1/models', headers: bearer(token) })).statusCode, 401);
      await c.get('/admin/tasks');
      assert.equal(
        (await c.post('/admin/tasks/category', { labelSource: 'severity-enhancement', cost: '3' }))
          .statusCode,
        200,
      );
      await c.get('/admin/tasks');
      assert.equal(
        (await c.post('/admin/tasks/category', { labelSource: 'drop table', cost: '3' })).statusCode,
        400,
      );
      await c.get('/admin/tasks');
      assert.equal(
        (
          await c.post('/admin/tasks/category', {
            labelSource: 'type',
            cost: '2',
            sentenceEncoder: 'use-lite',
          })
        ).statusCode,
        200,
      );
      assert.match((await c.get('/admin/tasks')).body, /<option value="use-lite" selected>/);
      assert.equal(
        (await c.post('/admin/tasks/category', { labelSource: 'type', cost: '2', sentenceEncoder: 'bert' }))
          .statusCode,
        400,
      );
      await c.get('/admin/tasks');
      assert.equal(
        (await c.post('/admin/tasks/category', { labelSource: 'type', cost: '2', sentenceEncoder: 'none' }))
          .statusCode,
        200,
      );
      assert.doesNotMatch((await c.get('/admin/tasks')).body, /<option value="use-lite" selected>/);
      await c.get('/admin/tasks');
      assert.equal(
        (await c.post('/admin/tasks/category', { labelSource: 'type', cost: '2' })).statusCode,
        200,
      );
      await c.get('/admin/tasks');
      const src = await c.post('/admin/sources', {
        name: 'mozilla',
        kind: 'bugzilla',
        location: 'https://bugzilla.mozilla.org',
        query: 'product=Core',
        schedule: '0 * * * *',
      });
      assert.match(src.body, /Source mozilla added/);
      const srcId = /action="\/admin\/sources\/(\d+)\/delete"/.exec(src.body)![1]!;
      assert.match((await c.post(`/admin/sources/${srcId}/delete`, {})).body, /Source removed/);
      await c.get('/admin');
      assert.equal(
        (await c.post('/admin/sources', { name: 'bad', kind: 'bugzilla', location: 'javascript:alert(1)' }))
          .statusCode,
        400,
      );
      const audit = (await listAudit(store.db)).map((a) => a.action);
      for (const a of [
        'user.create',
        'token.create',
        'token.revoke',
        'task.settings',
        'source.create',
        'source.delete',
        'model.activate',
      ]) {
        assert.ok(audit.includes(a), a);
      }
      assert.match((await c.get('/admin')).body, /Audit log[\s\S]*token\.revoke/);
    });

    it('keeps an admin from demoting or disabling themself', async () => {
      const c = await as('ada');
      const page = await c.get('/admin');
      const id = /<td>ada<\/td>[\s\S]*?action="\/admin\/users\/(\d+)"/.exec(page.body)![1]!;
      const res = await c.post(`/admin/users/${id}`, { role: 'reporter' });
      assert.match(res.body, /cannot demote or disable yourself/);
    });

    it('API: Bearer tokens, JSON errors with code and field', async () => {
      const none = await app.inject({ method: 'POST', url: '/api/v1/classify', payload: { summary: 'x' } });
      assert.equal(none.statusCode, 401);
      assert.equal(none.json().error.code, 'unauthorized');
      const forged = await app.inject({
        method: 'POST',
        url: '/api/v1/classify',
        headers: bearer('eb_notarealtokenatallreally'),
        payload: { summary: 'x' },
      });
      assert.equal(forged.statusCode, 401);
      const post = (url: string, payload: unknown, who = 'rita') =>
        app.inject({
          method: 'POST',
          url,
          headers: { ...bearer(tokens[who]!), 'content-type': 'application/json' },
          payload: typeof payload === 'string' ? payload : JSON.stringify(payload),
        });
      const ok = await post('/api/v1/classify', {
        summary: 'dns timeout on proxy',
        description: 'socket fails',
      });
      assert.equal(ok.statusCode, 200);
      const body = ok.json();
      assert.equal(body.answers.component.ranking[0].label, 'Core::Networking');
      assert.ok(body.answers.category.explanation.length > 0);
      const missing = await post('/api/v1/classify', { description: 'no summary' });
      assert.equal(missing.statusCode, 400);
      assert.deepEqual([missing.json().error.code, missing.json().error.field], ['bad-request', 'summary']);
      const extra = await post('/api/v1/classify', { summary: 'x', admin: true });
      assert.deepEqual([extra.statusCode, extra.json().error.field], [400, 'admin']);
      const wrongType = await post('/api/v1/classify', { summary: 42 });
      assert.deepEqual([wrongType.statusCode, wrongType.json().error.field], [400, 'summary']);
      const badJson = await post('/api/v1/classify', '{"summary": ');
      assert.equal(badJson.statusCode, 400);
      assert.equal(badJson.json().error.code, 'bad-request');
    });

    it('API: file a report, read it back, give feedback, list and activate models', async () => {
      const h = (who: string) => ({ ...bearer(tokens[who]!), 'content-type': 'application/json' });
      const filed = await app.inject({
        method: 'POST',
        url: '/api/v1/reports',
        headers: h('rita'),
        payload: JSON.stringify({ summary: 'canvas texture flicker', description: 'gpu driver' }),
      });
      assert.equal(filed.statusCode, 201);
      const id = filed.json().id as number;
      const read = await app.inject({ url: `/api/v1/reports/${id}`, headers: bearer(tokens.rita!) });
      assert.equal(read.statusCode, 200);
      assert.equal(read.json().report.summary, 'canvas texture flicker');
      assert.equal(read.json().predictions.length, 2);
      assert.equal(
        (await app.inject({ url: '/api/v1/reports/99999', headers: bearer(tokens.rita!) })).json().error.code,
        'not-found',
      );
      const fb = { task: 'component', label: 'Core::Graphics', accepted: true };
      assert.equal(
        (
          await app.inject({
            method: 'POST',
            url: `/api/v1/reports/${id}/feedback`,
            headers: h('rita'),
            payload: JSON.stringify(fb),
          })
        ).statusCode,
        403,
      );
      assert.equal(
        (
          await app.inject({
            method: 'POST',
            url: `/api/v1/reports/${id}/feedback`,
            headers: h('tom'),
            payload: JSON.stringify(fb),
          })
        ).statusCode,
        204,
      );
      const models = await app.inject({ url: '/api/v1/models', headers: bearer(tokens.rita!) });
      assert.ok(
        models.json().some((m: { task: string; active: boolean }) => m.task === 'component' && m.active),
      );
      const act = (who: string, body: unknown) =>
        app.inject({
          method: 'POST',
          url: '/api/v1/models/category/activate',
          headers: h(who),
          payload: JSON.stringify(body),
        });
      assert.equal((await act('tom', { version: 1 })).statusCode, 403);
      const done = await act('ada', { version: 1 });
      assert.equal(done.statusCode, 200);
      assert.deepEqual(done.json(), { id: done.json().id, task: 'category', version: 1, active: true });
      // the predictor serves the newly activated version on the next request
      const c = await app.inject({
        method: 'POST',
        url: '/api/v1/classify',
        headers: h('rita'),
        payload: JSON.stringify({ summary: 'webgl crash' }),
      });
      assert.equal(c.json().answers.category.version, 1);
      assert.equal((await act('ada', { version: 99 })).statusCode, 404);
    });

    it('publishes an OpenAPI document and a docs page', async () => {
      const doc = (await app.inject('/api/v1/openapi.json')).json();
      assert.equal(doc.openapi.slice(0, 2), '3.');
      for (const p of [
        '/api/v1/classify',
        '/api/v1/reports',
        '/api/v1/reports/{id}',
        '/api/v1/reports/{id}/feedback',
        '/api/v1/models',
        '/api/v1/models/{task}/activate',
      ]) {
        assert.ok(doc.paths[p], p);
      }
      const page = await app.inject('/api/docs');
      assert.match(page.body, /POST \/api\/v1\/classify/);
    });

    it('serves the static script and styles, and 404s unknown pages', async () => {
      assert.equal((await app.inject('/static/app.js')).statusCode, 200);
      assert.equal((await app.inject('/static/app.css')).statusCode, 200);
      assert.equal((await app.inject('/static/../app.ts')).statusCode, 404);
      assert.equal((await app.inject('/nowhere')).statusCode, 404);
      assert.equal((await app.inject('/api/v1/nowhere')).json().error.code, 'not-found');
    });

    it('API: a batch answers 202 with a job to follow; a bad report names its index and field', async () => {
      const h = { ...bearer(tokens.rita!), 'content-type': 'application/json' };
      const reports = [
        { summary: 'webgl crash' },
        { summary: 'dns timeout', description: 'proxy' },
        { summary: 'print margin' },
      ];
      const res = await app.inject({
        method: 'POST',
        url: '/api/v1/batches',
        headers: h,
        payload: JSON.stringify({ reports }),
      });
      assert.equal(res.statusCode, 202);
      const { jobId, batchId } = res.json() as { jobId: string; batchId: number };
      assert.equal(res.headers.location, `/api/v1/jobs/${jobId}`);
      const job = (await app.inject({ url: `/api/v1/jobs/${jobId}`, headers: bearer(tokens.rita!) })).json();
      assert.equal(job.name, 'classify-batch');
      assert.equal(job.state, 'waiting');
      assert.deepEqual(job.batch, { id: batchId, total: 3, done: 0, complete: false });
      const batch = (
        await app.inject({ url: `/api/v1/batches/${batchId}?limit=2`, headers: bearer(tokens.rita!) })
      ).json();
      assert.equal(batch.total, 3);
      assert.equal(batch.results.length, 2);
      const bad = await app.inject({
        method: 'POST',
        url: '/api/v1/batches',
        headers: h,
        payload: JSON.stringify({ reports: [{ summary: 'ok' }, { description: 'no summary' }] }),
      });
      assert.equal(bad.statusCode, 400);
      assert.equal(bad.json().error.field, 'reports.1.summary');
      assert.equal(
        (await app.inject({ url: '/api/v1/jobs/999999', headers: bearer(tokens.rita!) })).statusCode,
        404,
      );
      assert.equal(
        (await app.inject({ method: 'POST', url: '/api/v1/batches', payload: { reports } })).statusCode,
        401,
      );
    });

    it('lists jobs for triagers, who cancel and retry them; admins queue training', async () => {
      const rita = await as('rita');
      assert.equal((await rita.get('/jobs')).statusCode, 403);
      const ada = await as('ada');
      await ada.get('/models');
      const train = await ada.post('/models/task/component/train', {});
      assert.equal(train.statusCode, 303);
      const t = (await queue.list()).find((j) => j.name === 'train')!;
      assert.deepEqual(t.data, { task: 'component' });
      const tom = await as('tom');
      const page = await tom.get('/jobs');
      assert.match(page.body, /<td>train<\/td><td>waiting<\/td>/);
      assert.match(page.body, /http-equiv="refresh"/, 'refreshes itself while jobs wait or run');
      assert.equal((await tom.post(`/jobs/${t.id}/cancel`, {})).statusCode, 303);
      assert.equal((await queue.get(t.id))!.state, 'cancelled');
      await tom.get('/jobs');
      assert.equal((await tom.post(`/jobs/${t.id}/retry`, {})).statusCode, 303);
      assert.equal((await queue.get(t.id))!.state, 'waiting');
      await queue.cancel(t.id);
      assert.match((await tom.get('/jobs?state=cancelled')).body, /<td>train<\/td><td>cancelled<\/td>/);
      assert.equal((await tom.get('/jobs?state=bogus')).statusCode, 400);
    });

    it('lets anyone watch a component or category, and stop', async () => {
      const c = await as('rita');
      const page = await c.get('/watch');
      assert.match(page.body, /Core::Printing/, 'labels of the active models are offered');
      const ok = await c.post('/watch', { task: 'component', label: 'Core::DOM', email: 'rita@example.org' });
      assert.equal(ok.statusCode, 303);
      const list = await c.get('/watch');
      assert.match(list.body, /<td>component<\/td><td>Core::DOM<\/td><td>rita@example.org<\/td>/);
      assert.equal(
        (await c.post('/watch', { task: 'component', label: 'Core::DOM', email: 'not an address' }))
          .statusCode,
        400,
      );
      await c.get('/watch');
      const id = /action="\/watch\/(\d+)\/delete"/.exec(list.body)![1]!;
      const other = await as('tom');
      await other.get('/watch');
      assert.match((await other.post(`/watch/${id}/delete`, {})).headers.location ?? '', /\/watch/);
      assert.match((await c.get('/watch')).body, /Core::DOM/, "another user cannot remove rita's watch");
      await c.get('/watch');
      await c.post(`/watch/${id}/delete`, {});
      assert.doesNotMatch((await c.get('/watch')).body, /<td>Core::DOM<\/td>/);
    });

    it('logs out', async () => {
      const c = await as('rita');
      await c.get('/');
      assert.equal((await c.post('/logout', {})).statusCode, 303);
      assert.equal((await c.get('/')).statusCode, 401);
    });
  });

describe('rate limits', () => {
  it('counts in Redis across servers when there is one', {
    skip: process.env.EIGHTBALL_TEST_REDIS_URL ? false : 'EIGHTBALL_TEST_REDIS_URL is not set',
  }, async () => {
    const store = await openStore('sqlite::memory:');
    const redis = new Redis(process.env.EIGHTBALL_TEST_REDIS_URL!);
    const nameSpace = `eightball-test-rate-${randomBytes(4).toString('hex')}:`;
    const make = () =>
      buildApp({
        store,
        predictor: new Predictor(store),
        loginRateLimit: 3,
        rateLimitRedis: redis,
        rateLimitNamespace: nameSpace,
      });
    const [a, b] = [await make(), await make()];
    try {
      const codes: number[] = [];
      for (const app of [a, b, a, b])
        codes.push((await new WebClient(app).login('ghost', 'wrong password')).statusCode);
      assert.deepEqual(codes, [401, 401, 401, 429], 'two servers share one count');
    } finally {
      await a.close();
      await b.close();
      await redis.quit();
      await store.close();
    }
  });

  it('answers 429 after too many logins from one client', async () => {
    const store = await openStore('sqlite::memory:');
    const app = await buildApp({
      store,
      predictor: new Predictor(store),
      loginRateLimit: 3,
      classifyRateLimit: 2,
    });
    try {
      const c = new WebClient(app);
      const codes: number[] = [];
      for (let i = 0; i < 4; i++) codes.push((await c.login('ghost', 'wrong password')).statusCode);
      assert.deepEqual(codes, [401, 401, 401, 429]);
      await createUser(store, { username: 'rita', password: PASSWORD, role: 'reporter' }, null);
      const { token } = await createApiToken(store, 1, 't', null);
      const classify = () =>
        app.inject({
          method: 'POST',
          url: '/api/v1/classify',
          headers: bearer(token),
          payload: { summary: 'x' },
        });
      assert.deepEqual(
        [(await classify()).statusCode, (await classify()).statusCode, (await classify()).statusCode],
        [200, 200, 429],
      );
      assert.equal((await classify()).json().error.code, 'rate-limited');
    } finally {
      await app.close();
      await store.close();
    }
  });
});

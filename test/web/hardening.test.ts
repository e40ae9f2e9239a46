import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { EightballError } from '../../src/domain/index.ts';
import { EmbeddedQueue } from '../../src/jobs/embedded-queue.ts';
import type { JobQueue } from '../../src/jobs/queue.ts';
import { type Store, upsertReports } from '../../src/store/index.ts';
import { createApiToken, createUser, Predictor, resetPassword } from '../../src/triage/index.ts';
import { buildApp } from '../../src/web/app.ts';
import { safeNext } from '../../src/web/routes/auth-pages.ts';
import { DIALECTS } from '../support/dialects.ts';
import { makeReport } from '../support/reports.ts';
import { bearer, WebClient } from '../support/web-client.ts';

const PASSWORD = 'correct horse battery';

for (const dialect of DIALECTS)
  describe(`web hardening on ${dialect.name}`, { skip: dialect.skip }, () => {
    let store: Store & { dispose(): Promise<void> };
    let app: FastifyInstance;
    let queue: EmbeddedQueue;
    const tokens: Record<string, string> = {};
    const build = (q: JobQueue, extra: { trustProxy?: boolean | string } = {}) =>
      buildApp({
        store,
        predictor: new Predictor(store, { refreshMs: 0 }),
        queue: q,
        loginRateLimit: 1000,
        ...extra,
      });

    before(async () => {
      store = await dialect.open();
      for (const [name, role] of [
        ['rita', 'reporter'],
        ['rosa', 'reporter'],
        ['tom', 'triager'],
      ] as const) {
        const id = await createUser(store, { username: name, password: PASSWORD, role }, null);
        tokens[name] = (await createApiToken(store, id, `${name}-token`, null)).token;
      }
      queue = new EmbeddedQueue(store);
      app = await build(queue);
    });
    after(async () => {
      await app?.close();
      await store?.dispose();
    });
    const as = async (user: string, a = app) => {
      const c = new WebClient(a);
      assert.equal((await c.login(user, PASSWORD)).statusCode, 303);
      return c;
    };

    it('sends a login on to a path a Location header can carry', async () => {
      assert.equal(safeNext('/reports/。'), '/reports/%E3%80%82');
      assert.equal(safeNext('/reports?q=a b'), '/');
      assert.equal(safeNext('/x\uD800'), '/');
      assert.equal(safeNext('//evil.example'), '/');
      const c = new WebClient(app);
      await c.get('/login');
      const res = await c.post('/login', { username: 'rita', password: PASSWORD, next: '/reports/。' });
      assert.equal(res.statusCode, 303);
      assert.equal(res.headers.location, '/reports/%E3%80%82');
    });

    it("shows a reporter only their own batches' jobs; an import job is a triager's", async () => {
      const imp = await queue.enqueue('import-file', { path: '/srv/secret/dump.jsonl' });
      assert.equal(
        (await app.inject({ url: `/api/v1/jobs/${imp.id}`, headers: bearer(tokens.rita!) })).statusCode,
        404,
      );
      assert.equal(
        (await app.inject({ url: `/api/v1/jobs/${imp.id}`, headers: bearer(tokens.tom!) })).statusCode,
        200,
      );
      const sent = await app.inject({
        method: 'POST',
        url: '/api/v1/batches',
        headers: { ...bearer(tokens.rita!), 'content-type': 'application/json' },
        payload: JSON.stringify({ reports: [{ summary: 'Crash on start' }] }),
      });
      const { jobId } = sent.json() as { jobId: string };
      assert.equal(
        (await app.inject({ url: `/api/v1/jobs/${jobId}`, headers: bearer(tokens.rita!) })).statusCode,
        200,
      );
      assert.equal(
        (await app.inject({ url: `/api/v1/jobs/${jobId}`, headers: bearer(tokens.rosa!) })).statusCode,
        404,
      );
    });

    it("gives a batch job the batch's state: not completed while its reports wait", async () => {
      const sent = await app.inject({
        method: 'POST',
        url: '/api/v1/batches',
        headers: { ...bearer(tokens.rita!), 'content-type': 'application/json' },
        payload: JSON.stringify({ reports: [{ summary: 'Crash on start' }, { summary: 'Slow scrolling' }] }),
      });
      const { jobId } = sent.json() as { jobId: string };
      // the fan-out ends at once; the chunks it queued are not worked on here
      const worker = queue.work({ 'classify-batch': async () => ({ chunks: 1 }) });
      try {
        for (let i = 0; i < 200 && (await queue.get(jobId))?.state !== 'completed'; i++)
          await new Promise((r) => setTimeout(r, 20));
      } finally {
        await worker.stop();
      }
      assert.equal((await queue.get(jobId))?.state, 'completed');
      const job = (await app.inject({ url: `/api/v1/jobs/${jobId}`, headers: bearer(tokens.rita!) })).json();
      assert.equal(job.state, 'active');
      assert.deepEqual(job.progress, {
        done: 0,
        total: 2,
        message: `batch ${job.batch.id}: 0 of 2 classified`,
      });
    });

    it('stores no batch it cannot queue: 503 with the reason', async () => {
      const down: JobQueue = Object.assign(Object.create(queue) as JobQueue, {
        enqueue: async () => {
          throw new EightballError(
            'unavailable',
            'cannot queue the classify-batch job: Redis is not answering',
          );
        },
      });
      const a = await build(down);
      try {
        const count = async () => (await store.db.selectFrom('batches').select('id').execute()).length;
        const before = await count();
        const res = await a.inject({
          method: 'POST',
          url: '/api/v1/batches',
          headers: { ...bearer(tokens.rita!), 'content-type': 'application/json' },
          payload: JSON.stringify({ reports: [{ summary: 'Crash on start' }] }),
        });
        assert.equal(res.statusCode, 503);
        assert.match(res.json().error.message, /Redis is not answering/);
        assert.equal(await count(), before);
      } finally {
        await a.close();
      }
    });

    it('refuses a NUL byte in any input with 400 naming the field, never 500', async () => {
      const h = { ...bearer(tokens.rita!), 'content-type': 'application/json' };
      const classify = await app.inject({
        method: 'POST',
        url: '/api/v1/classify',
        headers: h,
        payload: JSON.stringify({ summary: 'crash\u0000here' }),
      });
      assert.equal(classify.statusCode, 400);
      assert.equal(classify.json().error.field, 'summary');
      const batch = await app.inject({
        method: 'POST',
        url: '/api/v1/batches',
        headers: h,
        payload: JSON.stringify({ reports: [{ summary: 'ok' }, { summary: 'x', description: 'a\u0000' }] }),
      });
      assert.equal(batch.json().error.field, 'reports.1.description');
      const rita = await as('rita');
      assert.equal((await rita.get('/reports?q=a%00b')).statusCode, 400);
      const c = new WebClient(app);
      await c.get('/login');
      assert.equal(
        (await c.post('/login', { username: 'ri\u0000ta', password: 'whatever it is' })).statusCode,
        400,
      );
    });

    it("ends the user's other sessions when the password changes, and all of them on a reset", async () => {
      const here = await as('rosa');
      const there = await as('rosa');
      assert.equal((await there.get('/')).statusCode, 200);
      await here.get('/account/password');
      const changed = await here.post('/account/password', {
        current: PASSWORD,
        password: `${PASSWORD}!`,
        confirm: `${PASSWORD}!`,
      });
      assert.equal(changed.statusCode, 303);
      assert.equal((await here.get('/')).statusCode, 200, 'the session that changed it stays');
      assert.equal((await there.get('/')).statusCode, 401, 'the other session is over');
      assert.ok(await resetPassword(store, 'rosa', 'a one-time password', null));
      assert.equal((await here.get('/')).statusCode, 401);
    });

    it('marks the session cookie Secure behind a TLS proxy when told to trust it', async () => {
      const proxied = await build(queue, { trustProxy: true });
      try {
        const secure = await proxied.inject({ url: '/login', headers: { 'x-forwarded-proto': 'https' } });
        assert.ok(secure.cookies.some((c) => c.name === 'eightball.sid' && c.secure === true));
        const oneHop = await build(queue, { trustProxy: '1' });
        try {
          const viaOne = await oneHop.inject({ url: '/login', headers: { 'x-forwarded-proto': 'https' } });
          assert.ok(
            viaOne.cookies.some((c) => c.name === 'eightball.sid' && c.secure === true),
            'a hop count',
          );
        } finally {
          await oneHop.close();
        }
        const plain = await app.inject({ url: '/login', headers: { 'x-forwarded-proto': 'https' } });
        assert.ok(
          plain.cookies.every((c) => c.secure !== true),
          'an untrusted header changes nothing',
        );
      } finally {
        await proxied.close();
      }
    });

    it('links a report to its tracker only over http(s), and no logged-in page may be cached', async () => {
      await upsertReports(store.db, [
        makeReport({ source: 'evil', externalId: '1', url: 'javascript:alert(document.cookie)' }),
        makeReport({ source: 'good', externalId: '2', url: 'https://bugzilla.example/show_bug.cgi?id=2' }),
      ]);
      const ids = await store.db
        .selectFrom('bug_reports')
        .select(['id', 'source'])
        .where('source', 'in', ['evil', 'good'])
        .execute();
      const tom = await as('tom');
      const page = (src: string) => tom.get(`/reports/${ids.find((r) => r.source === src)!.id}`);
      const evil = await page('evil');
      assert.equal(evil.statusCode, 200);
      assert.doesNotMatch(evil.body, /href="javascript:/);
      assert.match((await page('good')).body, /href="https:\/\/bugzilla\.example\/show_bug\.cgi\?id=2"/);
      assert.equal(evil.headers['cache-control'], 'no-store');
      assert.equal((await app.inject('/login')).headers['cache-control'], 'no-store');
    });
  });

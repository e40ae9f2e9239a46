import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { EmbeddedQueue } from '../../src/jobs/embedded-queue.ts';
import { jobHandlers } from '../../src/jobs/handlers.ts';
import type { RunningWorker } from '../../src/jobs/queue.ts';
import {
  actionsForReport,
  countReports,
  getReport,
  insertDataSource,
  listAudit,
  openStore,
  putWritebackRule,
  reportIdOf,
  type Store,
  upsertReports,
} from '../../src/store/index.ts';
import { undoAction } from '../../src/trackers/writeback.ts';
import { createUser, Predictor, trainTask } from '../../src/triage/index.ts';
import { buildApp } from '../../src/web/app.ts';
import { FakeBugzilla } from '../support/fake-bugzilla.ts';
import { triageCorpus } from '../support/triage-corpus.ts';
import { jobsSettled } from '../support/until.ts';
import { WebClient } from '../support/web-client.ts';

const SECRET = 'bugzilla-hook-secret';
const SOURCE = 'bugzilla:moz';

function bug(id: number, summary: string, component = 'General') {
  return {
    id,
    product: 'Core',
    component,
    summary,
    status: 'NEW',
    resolution: '',
    type: 'defect',
    severity: 'normal',
    priority: '--',
    keywords: [],
    creator: 'reporter@example.org',
    assigned_to: 'nobody@mozilla.org',
    creation_time: '2026-11-30T10:00:00Z',
    last_change_time: '2026-11-30T10:00:00Z',
  };
}

/** A delivery as bugzilla.mozilla.org's Webhooks extension sends it. */
function delivery(
  b: Record<string, unknown>,
  action: 'create' | 'modify',
  changes: unknown[] = [],
  who = 'reporter@example.org',
) {
  return {
    webhook_id: 3,
    webhook_name: 'eightball',
    bug: {
      ...b,
      comment:
        action === 'create' ? { id: 1, number: 0, body: `${String(b.summary)} printer margin page` } : null,
    },
    event: {
      action,
      target: 'bug',
      routing_key: `bug.${action}`,
      time: new Date().toISOString(),
      user: { login: who, id: 1, real_name: who },
      changes,
    },
  };
}

describe('Bugzilla: a webhook in, the answer written back with its guard rails, undo', () => {
  let store: Store;
  let app: FastifyInstance;
  let queue: EmbeddedQueue;
  let worker: RunningWorker;
  let fake: FakeBugzilla;
  let url: string;
  const secrets = { bugzillaApiKey: 'writer-key' };

  const post = (body: unknown, headers: Record<string, string> = { 'x-api-key': SECRET }) =>
    app.inject({
      method: 'POST',
      url: '/hooks/bugzilla',
      headers: { 'content-type': 'application/json', ...headers },
      payload: typeof body === 'string' ? body : JSON.stringify(body),
    });
  const settled = () => jobsSettled(queue);

  before(async () => {
    store = await openStore('sqlite::memory:');
    await upsertReports(store.db, triageCorpus(160));
    await trainTask(store, 'component');
    fake = new FakeBugzilla([
      bug(5001, 'print preview margin printer page broken'),
      bug(5002, 'printer margin footer landscape preview print'),
      bug(5003, 'pdf print page header margin preview'),
      bug(5004, 'print preview page margin footer pdf', 'Printing'),
    ]);
    url = await fake.start();
    await insertDataSource(
      store.db,
      { name: 'moz', kind: 'bugzilla', location: url, query: '', schedule: null },
      new Date().toISOString(),
    );
    await putWritebackRule(
      store.db,
      {
        source: SOURCE,
        task: 'component',
        mode: 'apply',
        threshold: 0.3,
        labelThresholds: {},
        untriaged: ['General', 'Untriaged'],
        needsTriageLabel: null,
      },
      new Date().toISOString(),
    );
    const predictor = new Predictor(store, { refreshMs: 0 });
    queue = new EmbeddedQueue(store, { leaseMs: 2000, pollMs: 20 });
    worker = queue.work(
      jobHandlers({ store, predictor, queue, secrets, baseUrl: 'https://triage.example.org' }),
    );
    app = await buildApp({
      store,
      predictor,
      queue,
      hookSecrets: { bugzilla: SECRET },
      trackerSecrets: secrets,
    });
    await createUser(store, { username: 'ada', password: 'a long admin password', role: 'admin' }, null);
  });
  after(async () => {
    await worker?.stop();
    await app?.close();
    await fake?.stop();
    await store?.close();
  });

  it('refuses a delivery without the secret and stores nothing', async () => {
    const before = await countReports(store.db);
    const r = await post(delivery(fake.bugs[0]!, 'create'), { 'x-api-key': 'wrong-secret-value' });
    assert.equal(r.statusCode, 401);
    assert.equal((await post(delivery(fake.bugs[0]!, 'create'), {})).statusCode, 401);
    assert.equal(await countReports(store.db), before);
  });

  it('answers 4xx with a reason for malformed or oversized payloads', async () => {
    const bad = await post('{"bug": ');
    assert.equal(bad.statusCode, 400);
    assert.match(bad.json().error.message, /not JSON/);
    const noBug = await post({ event: { action: 'create' } });
    assert.equal(noBug.statusCode, 400);
    assert.equal(noBug.json().error.field, 'bug');
    const big = await post({ pad: 'x'.repeat(1_100_000) });
    assert.equal(big.statusCode, 413);
  });

  it('stores a new bug, moves it out of General to the likeliest component and comments', async () => {
    const r = await post(delivery(fake.bugs[0]!, 'create'));
    assert.equal(r.statusCode, 202, r.body);
    assert.equal(r.json().status, 'queued');
    await settled();
    const stored = await getReport(store.db, SOURCE, '5001');
    assert.equal(stored?.url, `${url}/show_bug.cgi?id=5001`);
    assert.equal(stored?.filedKnown, true, 'a report first seen as filed is its as-filed snapshot');
    const put = fake.writes.find((w) => w.method === 'PUT' && w.path === '/rest/bug/5001');
    assert.deepEqual(put?.body, { product: 'Core', component: 'Printing' });
    const comment = fake.postedComments.find((c) => c.bug === 5001);
    assert.match(comment?.text ?? '', /eightball moved this report to Core::Printing \(\d+% sure\)/);
    assert.match(comment?.text ?? '', /change it back/);
    const id = (await reportIdOf(store.db, SOURCE, '5001'))!;
    const actions = await actionsForReport(store.db, id);
    assert.deepEqual(actions.map((a) => [a.kind, a.state]).sort(), [
      ['comment', 'done'],
      ['set-component', 'done'],
    ]);
    assert.ok((await listAudit(store.db, 10)).some((a) => a.action === 'tracker.set-component'));
  });

  it('a replayed delivery changes nothing', async () => {
    const body = JSON.stringify(delivery(fake.bugs[1]!, 'create'));
    assert.equal((await post(body)).statusCode, 202);
    await settled();
    const writes = fake.writes.length;
    const again = await post(body);
    assert.equal(again.statusCode, 200);
    assert.equal(again.json().status, 'duplicate');
    await settled();
    assert.equal(fake.writes.length, writes);
  });

  it('never moves a report back into a component a person moved it out of', async () => {
    // a person moves 5001 back to General; Bugzilla tells us so
    fake.personSets(5001, 'component', 'General');
    const writes = fake.writes.length;
    const r = await post(
      delivery(
        fake.bugs[0]!,
        'modify',
        [{ field: 'component', removed: 'Printing', added: 'General' }],
        'triager@example.org',
      ),
    );
    assert.equal(r.statusCode, 202);
    await settled();
    assert.equal(fake.writes.length, writes, 'nothing written after a person changed the component');
    const jobs = (await queue.list({ limit: 100 })).filter((j) => j.name === 'triage-report');
    const rid = await reportIdOf(store.db, SOURCE, '5001');
    const last = jobs.find(
      (j) =>
        (j.result as { reportId?: number } | null)?.reportId === rid &&
        JSON.stringify(j.result).includes('triager'),
    );
    assert.match(
      JSON.stringify(last?.result),
      /triager@example.org moved it out of Core::Printing: eightball does not move it back/,
    );
    assert.equal(fake.bugs[0]!.component, 'General');
  });

  it('acts only on untriaged reports', async () => {
    const writes = fake.writes.length;
    assert.equal((await post(delivery(fake.bugs[3]!, 'create'))).statusCode, 202);
    await settled();
    assert.equal(fake.writes.length, writes, 'a report already in Printing is left alone');
  });

  it('retries a rate-limited write and undoes exactly what it set', async () => {
    fake.faults = [{ pathPrefix: '/rest/bug/5003', status: 429, times: 1, retryAfter: '0' }];
    assert.equal((await post(delivery(fake.bugs[2]!, 'create'))).statusCode, 202);
    await settled();
    assert.equal(fake.bugs[2]!.component, 'Printing');
    const id = (await reportIdOf(store.db, SOURCE, '5003'))!;
    const moved = (await actionsForReport(store.db, id)).find((a) => a.kind === 'set-component')!;
    assert.equal(await undoAction(store, moved.id, null, { secrets }), 'moved back to Core::General');
    assert.equal(fake.bugs[2]!.component, 'General');
    await assert.rejects(undoAction(store, moved.id, null, { secrets }), /is undone, not done/);
    // 5002 was moved by eightball, then a person moved it on: undo refuses to overwrite them
    const other = (await actionsForReport(store.db, (await reportIdOf(store.db, SOURCE, '5002'))!)).find(
      (a) => a.kind === 'set-component',
    )!;
    fake.personSets(5002, 'component', 'DOM');
    await assert.rejects(undoAction(store, other.id, null, { secrets }), /someone changed it since/);
    assert.equal(fake.bugs[1]!.component, 'DOM');
  });

  it('shows the rules, a dry run and the actions on the write-back page, and undoes with one click', async () => {
    const web = new WebClient(app);
    await web.login('ada', 'a long admin password');
    const page = await web.get('/admin/writeback');
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /bugzilla:moz<\/td><td>component<\/td><td>apply/);
    const dry = await web.get(
      '/admin/writeback?dryRun=1&source=bugzilla%3Amoz&task=component&last=10&threshold=0.3',
    );
    assert.equal(dry.statusCode, 200);
    assert.match(dry.body, /reports of bugzilla:moz: apply would act on <strong>\d+<\/strong>/);
    // a form without its CSRF token is refused
    const forged = await web.post(
      '/admin/writeback/rules',
      { source: SOURCE, task: 'component', mode: 'off' },
      null,
    );
    assert.equal(forged.statusCode, 403);
    // 5001's move was undone by a person in the tracker already: its undo is refused, naming why
    fake.personSets(5001, 'component', 'General');
    const id = (await reportIdOf(store.db, SOURCE, '5001'))!;
    const moved = (await actionsForReport(store.db, id)).find((a) => a.kind === 'set-component')!;
    const refused = await web.post(`/admin/writeback/actions/${moved.id}/undo`, {});
    assert.equal(refused.statusCode, 409);
    assert.match(refused.body, /someone changed it since/);
    fake.personSets(5001, 'component', 'Printing');
    const undone = await web.post(`/admin/writeback/actions/${moved.id}/undo`, {});
    assert.equal(undone.statusCode, 200);
    assert.match(undone.body, /Action \d+ undone: moved back to Core::General/);
    assert.equal(fake.bugs[0]!.component, 'General');
    const off = await web.post('/admin/writeback/rules', { source: SOURCE, task: 'component', mode: 'off' });
    assert.equal(off.statusCode, 200);
    assert.match(off.body, /bugzilla:moz component: off/);
  });
});

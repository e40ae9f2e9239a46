import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import {
  insertCommits,
  linkCommits,
  openStore,
  reportIdOf,
  type Store,
  upsertReports,
} from '../../src/store/index.ts';
import { createUser, Predictor } from '../../src/triage/index.ts';
import { buildApp } from '../../src/web/app.ts';
import { makeReport } from '../support/reports.ts';
import { WebClient } from '../support/web-client.ts';

describe('a report page lists the commits that fixed it', () => {
  let store: Store;
  let app: FastifyInstance;
  before(async () => {
    store = await openStore('sqlite::memory:');
    await upsertReports(store.db, [makeReport({ externalId: '101', summary: 'the parser crashes' })]);
    await insertCommits(store.db, [
      {
        repo: 'demo',
        sha: 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678',
        committedAt: '2020-01-02T00:00:00.000Z',
        author: 'Test Author',
        subject: 'Bug 101 - check <input> first',
        files: [
          { status: 'R', oldPath: 'src/Parser.java', path: 'src/SqlParser.java', added: 3, removed: 1 },
          { status: 'A', path: 'logo.png', added: null, removed: null },
        ],
      },
    ]);
    const id = (await reportIdOf(store.db, 'test', '101'))!;
    await linkCommits(store.db, [
      { reportId: id, repo: 'demo', sha: 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678' },
    ]);
    await createUser(store, { username: 'ada', password: 'correct horse battery', role: 'admin' }, null);
    app = await buildApp({ store, predictor: new Predictor(store, { refreshMs: 0 }), loginRateLimit: 1000 });
  });
  after(async () => {
    await app.close();
    await store.close();
  });

  it('shows each commit, its files and renames, the message escaped', async () => {
    const ada = new WebClient(app);
    await ada.login('ada', 'correct horse battery');
    const page = await ada.get('/reports/1');
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /<h2>Fixed by<\/h2>/);
    assert.match(page.body, /<code>a1b2c3d4e5f6<\/code> Bug 101 - check &lt;input&gt; first/);
    assert.match(page.body, /src\/Parser\.java → src\/SqlParser\.java<\/code> R \+3 −1/);
    assert.match(page.body, /logo\.png<\/code> A \(binary\)/);
  });
});

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { importGit } from '../../src/jobs/import-git.ts';
import { openStore, type Store, upsertReports } from '../../src/store/index.ts';
import { createApiToken, createUser, listTasks, Predictor, trainTask } from '../../src/triage/index.ts';
import { buildApp } from '../../src/web/app.ts';
import { GitFixture } from '../support/git-fixture.ts';
import { makeReport } from '../support/reports.ts';
import { bearer } from '../support/web-client.ts';

const AREAS: Record<string, string> = {
  Parser: 'syntax select grammar token',
  Cache: 'stale eviction entries memory',
  Printer: 'page margin paper spool',
  Network: 'socket timeout proxy handshake',
};

describe('the files task: a linked repository, trained, answered on the pages and the API', () => {
  const repo = new GitFixture('files-task');
  let store: Store;
  let app: FastifyInstance;
  let token: string;
  before(async () => {
    store = await openStore('sqlite::memory:');
    const names = Object.keys(AREAS);
    for (const c of names)
      repo.write(`src/app/${c}.java`, `class ${c} {\n  /** ${AREAS[c]} */\n  void handle() {}\n}\n`);
    repo.commit('initial', new Date(Date.UTC(2019, 0, 1)));
    const reports = [];
    for (let i = 0; i < 24; i++) {
      const c = names[i % names.length]!;
      const words = AREAS[c]!.split(' ');
      const filed = new Date(Date.UTC(2019, 1, 1 + i * 2));
      reports.push(
        makeReport({
          externalId: String(500 + i),
          summary: `${words[i % 4]} broken`,
          description: `the ${words[(i + 2) % 4]} is wrong`,
          createdAt: filed.toISOString(),
        }),
      );
      repo.write(
        `src/app/${c}.java`,
        `class ${c} {\n  /** ${AREAS[c]} */\n  void handle() { /* ${i} */ }\n}\n`,
      );
      repo.commit(`Bug ${500 + i}: fixed`, new Date(filed.getTime() + 3_600_000));
    }
    await upsertReports(store.db, reports);
    const ada = await createUser(
      store,
      { username: 'ada', password: 'correct horse battery', role: 'admin' },
      null,
    );
    token = (await createApiToken(store, ada, 'ada-token', null)).token;
  });
  after(async () => {
    await app?.close();
    await store.close();
    repo.cleanup();
  });

  it('is a task once a repository is linked, and trains from its fixing commits', async () => {
    assert.ok(!(await listTasks(store)).some((t) => t.name === 'files'), 'no repository, no files task');
    const s = await importGit(store, {
      repo: repo.dir,
      webUrl: 'https://git.example.org/demo/blob/{rev}/{path}',
    });
    assert.equal(s.linked, 24);
    assert.ok((await listTasks(store)).some((t) => t.name === 'files' && t.kind === 'rank'));
    const outcome = await trainTask(store, 'files');
    assert.equal(outcome.kind, 'rank');
    assert.equal(outcome.activated, true);
    assert.ok(outcome.accuracy > 0.5, `top-1 ${outcome.accuracy}`);
  });

  it('ranks the files of a new report, with why, a link and the sections of code', async () => {
    const predictor = new Predictor(store, { refreshMs: 0 });
    const c = await predictor.classify({
      summary: 'stale entries',
      description: 'eviction leaves memory behind',
    });
    const a = c.answers.files!;
    assert.equal(a.kind, 'rank');
    assert.equal(a.files![0]!.path, 'src/app/Cache.java');
    assert.ok(a.files![0]!.why.length > 0);
    assert.match(
      a.files![0]!.url!,
      /^https:\/\/git\.example\.org\/demo\/blob\/[0-9a-f]{40}\/src\/app\/Cache\.java$/,
    );
    assert.equal(a.sections![0]!.path, 'src/app');
    const total = a.files!.reduce((sum, f) => sum + f.probability, 0);
    assert.ok(total <= 1 + 1e-9 && a.files![0]!.probability > a.files![1]!.probability);
  });

  it('answers over /api/v1/classify with the files and sections', async () => {
    app = await buildApp({ store, predictor: new Predictor(store, { refreshMs: 0 }), loginRateLimit: 1000 });
    const r = await app.inject({
      method: 'POST',
      url: '/api/v1/classify',
      headers: { ...bearer(token), 'content-type': 'application/json' },
      payload: { summary: 'socket timeout', description: 'the proxy handshake fails' },
    });
    assert.equal(r.statusCode, 200, r.body);
    const files = r.json().answers.files;
    assert.equal(files.kind, 'rank');
    assert.equal(files.files[0].path, 'src/app/Network.java');
    assert.equal(files.sections[0].path, 'src/app');
  });
});

import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { openStore, upsertReports } from '../../src/store/index.ts';
import { createApiToken, createUser, trainTask } from '../../src/triage/index.ts';
import { startServe } from '../support/serve-process.ts';
import { triageCorpus } from '../support/triage-corpus.ts';

describe('eightball serve', () => {
  const db = `sqlite:${join(mkdtempSync(join(tmpdir(), 'eightball-serve-')), 'eightball.db')}`;

  it('opens a working app on an empty database, prints the first admin password once, stops cleanly', async () => {
    const first = await startServe(['--db', db]);
    const health = await fetch(`${first.url}/healthz`);
    assert.equal(health.status, 200);
    const login = await fetch(`${first.url}/login`);
    assert.equal(login.status, 200);
    assert.match(await login.text(), /Log in/);
    const password = /one-time password\n\n {4}(\S+)\n/.exec(first.stderr())?.[1];
    assert.ok(password, first.stderr());
    assert.equal(await first.stop(), 0);

    const again = await startServe(['--db', db]);
    assert.doesNotMatch(again.stderr(), /one-time password/);
    assert.equal(await again.stop(), 0);
  });

  it('runs several workers on one port, and all of them stop on SIGTERM', async () => {
    const s = await startServe(['--db', db], {}, ['--workers', '2']);
    assert.match(s.stderr(), /serving with 2 workers/);
    const answers = await Promise.all(Array.from({ length: 20 }, () => fetch(`${s.url}/healthz`)));
    assert.ok(answers.every((a) => a.status === 200));
    assert.equal(await s.stop(), 0);
  });

  it('runs background jobs with no other process: a batch sent to the API gets classified', async () => {
    const store = await openStore(db);
    await upsertReports(store.db, triageCorpus(120));
    await trainTask(store, 'component');
    const uid = await createUser(
      store,
      { username: 'batcher', password: 'batch password 1', role: 'reporter' },
      null,
    );
    const { token } = await createApiToken(store, uid, 't', null);
    await store.close();
    const s = await startServe(['--db', db]);
    try {
      const h = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
      const res = await fetch(`${s.url}/api/v1/batches`, {
        method: 'POST',
        headers: h,
        body: JSON.stringify({
          reports: [{ summary: 'print preview margin' }, { summary: 'dns proxy timeout' }],
        }),
      });
      assert.equal(res.status, 202);
      const { jobId } = (await res.json()) as { jobId: string };
      let batch: { complete: boolean; done: number } | undefined;
      for (let i = 0; i < 300 && !batch?.complete; i++) {
        await new Promise((r) => setTimeout(r, 100));
        batch = (
          (await (await fetch(`${s.url}/api/v1/jobs/${jobId}`, { headers: h })).json()) as {
            batch: typeof batch;
          }
        ).batch;
      }
      assert.deepEqual(batch, { id: 1, total: 2, done: 2, complete: true });
    } finally {
      assert.equal(await s.stop(), 0);
    }
  });

  it('refuses a bad port with a usage error', async () => {
    await assert.rejects(startServe(['--db', db], {}, ['--port', 'eighty']), /--port: /);
  });
});

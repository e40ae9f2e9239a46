import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import pg from 'pg';
import { openStore, type Store, upsertReports } from '../../src/store/index.ts';
import { createApiToken, createUser, trainTask } from '../../src/triage/index.ts';
import { TEST_POSTGRES_URL } from '../support/dialects.ts';
import { BIN, startServe } from '../support/serve-process.ts';
import { triageCorpus } from '../support/triage-corpus.ts';

const REDIS = process.env.EIGHTBALL_TEST_REDIS_URL;
const BATCH = 2000;

interface Setup {
  name: string;
  skip: string | false;
  /** a fresh database URL, and how to drop it */
  database(): Promise<{ url: string; drop(): Promise<void> }>;
  env: NodeJS.ProcessEnv;
}

const SETUPS: Setup[] = [
  {
    name: 'embedded queue, two workers on one SQLite file',
    skip: false,
    async database() {
      return {
        url: `sqlite:${join(mkdtempSync(join(tmpdir(), 'eightball-scale-')), 'eightball.db')}`,
        drop: async () => undefined,
      };
    },
    env: {},
  },
  {
    name: 'BullMQ on Redis, PostgreSQL',
    skip:
      REDIS && TEST_POSTGRES_URL
        ? false
        : 'needs EIGHTBALL_TEST_POSTGRES_URL and EIGHTBALL_TEST_REDIS_URL (.ci/run sets both)',
    async database() {
      const name = `eightball_scale_${process.pid}_${randomBytes(3).toString('hex')}`;
      const admin = new pg.Client({ connectionString: TEST_POSTGRES_URL });
      await admin.connect();
      await admin.query(`create database ${name}`);
      await admin.end();
      const url = new URL(TEST_POSTGRES_URL!);
      url.pathname = `/${name}`;
      return {
        url: url.toString(),
        drop: async () => {
          const a = new pg.Client({ connectionString: TEST_POSTGRES_URL });
          await a.connect();
          await a.query(`drop database if exists ${name} with (force)`);
          await a.end();
        },
      };
    },
    env: { EIGHTBALL_REDIS_URL: REDIS ?? '' },
  },
];

function startWorker(db: string, env: NodeJS.ProcessEnv): Promise<{ child: ChildProcess; id: string }> {
  const child = spawn(process.execPath, [BIN, '--db', db, 'worker', '--concurrency', '2'], {
    env: { ...process.env, EIGHTBALL_LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let err = '';
  return new Promise((resolve, reject) => {
    child.stderr!.on('data', (d: Buffer) => {
      err += d.toString();
      const m = /worker (\S+) on the/.exec(err);
      if (m) resolve({ child, id: m[1]! });
    });
    child.once('exit', (code) => reject(new Error(`worker exited ${code}: ${err}`)));
  });
}

async function until<T>(what: string, check: () => Promise<T | undefined | false>, ms = 180_000): Promise<T> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    const v = await check();
    if (v) return v;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}

for (const s of SETUPS) {
  describe(`scale-out: ${s.name}`, { skip: s.skip }, () => {
    const cleanup: (() => Promise<unknown>)[] = [];
    after(async () => {
      for (const c of cleanup.reverse()) await c().catch(() => undefined);
    });

    it(`classifies a batch of ${BATCH} exactly once per report while a worker is killed mid-batch`, async (t) => {
      const database = await s.database();
      cleanup.push(database.drop);
      const env = { ...s.env, EIGHTBALL_JOB_LEASE_MS: '2000' };
      const store: Store = await openStore(database.url);
      cleanup.push(() => store.close());
      await upsertReports(store.db, triageCorpus(200));
      await trainTask(store, 'component');
      await trainTask(store, 'category');
      const uid = await createUser(
        store,
        { username: 'batcher', password: 'batch password 1', role: 'reporter' },
        null,
      );
      const { token } = await createApiToken(store, uid, 'batch', null);

      const server = await startServe(['--db', database.url], env, ['--no-jobs']);
      cleanup.push(() => server.stop());
      const w1 = await startWorker(database.url, env);
      cleanup.push(async () => w1.child.kill('SIGKILL'));
      const w2 = await startWorker(database.url, env);
      cleanup.push(async () => {
        w2.child.kill('SIGTERM');
        await new Promise((r) => w2.child.once('exit', r));
      });

      const corpus = triageCorpus(BATCH, 99);
      const res = await fetch(`${server.url}/api/v1/batches`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({
          reports: corpus.map((r) => ({ summary: r.summary, description: r.description })),
        }),
      });
      assert.equal(res.status, 202, await res.clone().text());
      const { jobId, batchId } = (await res.json()) as { jobId: string; batchId: number };

      // kill the first worker as soon as it has stored part of the batch
      const workerOf = async () =>
        (
          await store.db
            .selectFrom('batch_items')
            .select(['worker', (eb) => eb.fn.countAll<number>().as('n')])
            .where('batch_id', '=', batchId)
            .where('result', 'is not', null)
            .groupBy('worker')
            .execute()
        ).map((r) => ({ worker: r.worker, n: Number(r.n) }));
      await until('the first worker to store results', async () =>
        (await workerOf()).some((r) => r.worker === w1.id),
      );
      w1.child.kill('SIGKILL');
      const killedAt = (await workerOf()).reduce((a, r) => a + r.n, 0);
      assert.ok(killedAt < BATCH, `the batch was already done (${killedAt}) when the worker was killed`);

      const done = await until('the batch to complete', async () => {
        const r = await fetch(`${server.url}/api/v1/jobs/${jobId}`, {
          headers: { authorization: `Bearer ${token}` },
        });
        const j = (await r.json()) as {
          state: string;
          batch?: { done: number; total: number; complete: boolean };
        };
        return j.batch?.complete ? j : undefined;
      });
      assert.equal(done.batch!.total, BATCH);

      const rows = await store.db
        .selectFrom('batch_items')
        .select(['idx', 'result', 'worker'])
        .where('batch_id', '=', batchId)
        .execute();
      assert.equal(rows.length, BATCH);
      assert.ok(
        rows.every((r) => r.result !== null),
        'every report has a result',
      );
      assert.deepEqual([...new Set(rows.map((r) => r.idx))].length, BATCH, 'one row per report');
      // each stored result was written once: the chunks' own counts of what they wrote add up
      const byWorker = await workerOf();
      assert.equal(
        byWorker.reduce((a, r) => a + r.n, 0),
        BATCH,
      );
      assert.ok(
        byWorker.some((r) => r.worker === w2.id),
        'the surviving worker did its share',
      );
      t.diagnostic(
        `killed worker at ${killedAt}/${BATCH} stored; results by worker: ${byWorker.map((r) => `${r.worker === w1.id ? 'killed' : 'survivor'} ${r.n}`).join(', ')}`,
      );
      if (s.name.startsWith('embedded')) {
        const retaken = await store.db
          .selectFrom('jobs')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .where('name', '=', 'classify-chunk')
          .where('error', 'like', '%stopped renewing its lease%')
          .executeTakeFirstOrThrow();
        t.diagnostic(`chunks taken up again after the kill: ${retaken.n}`);
      }
      const sample = JSON.parse(rows[0]!.result!) as {
        answers: { component: { ranking: { label: string }[] } };
      };
      assert.ok(sample.answers.component.ranking[0]!.label.startsWith('Core::'));
    });
  });
}

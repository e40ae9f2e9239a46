import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { EmbeddedQueue } from '../../src/jobs/embedded-queue.ts';
import { Predictor } from '../../src/triage/index.ts';
import { buildApp } from '../../src/web/app.ts';
import { DIALECTS, TEST_POSTGRES_URL } from '../support/dialects.ts';
import { until } from '../support/until.ts';

const postgres = DIALECTS.find((d) => d.name === 'postgres')!;

describe('a PostgreSQL restart', { skip: postgres.skip }, () => {
  let store: Awaited<ReturnType<typeof postgres.open>>;
  let admin: pg.Client;
  let dbName: string;
  before(async () => {
    store = await postgres.open();
    admin = new pg.Client({ connectionString: TEST_POSTGRES_URL });
    await admin.connect();
    dbName = (
      await store.db
        .selectNoFrom((eb) => eb.fn<string>('current_database', []).as('d'))
        .executeTakeFirstOrThrow()
    ).d;
  });
  after(async () => {
    await admin.query(`alter database ${dbName} allow_connections true`).catch(() => undefined);
    await admin.end();
    await store.dispose();
  });

  const kill = () =>
    admin.query(
      'select pg_terminate_backend(pid) from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()',
      [dbName],
    );

  it('ends no process: the pool reconnects, /healthz says 503 while the database is away and 200 after, jobs go on', async () => {
    const queue = new EmbeddedQueue(store, { leaseMs: 1000, pollMs: 2 });
    const app = await buildApp({ store, predictor: new Predictor(store, { refreshMs: 0 }), queue });
    const worker = queue.work({ echo: async (d) => d });
    try {
      assert.equal((await app.inject('/healthz')).statusCode, 200);
      // idle connections ended under the pool: an 'error' event with nobody listening ends a process
      await admin.query(`alter database ${dbName} allow_connections false`);
      await kill();
      await until('/healthz to answer 503', async () => (await app.inject('/healthz')).statusCode === 503);
      await admin.query(`alter database ${dbName} allow_connections true`);
      await until(
        '/healthz to answer 200 again',
        async () => (await app.inject('/healthz')).statusCode === 200,
      );
      // and once more while everything is idle, as a restart would
      await kill();
      await new Promise((r) => setTimeout(r, 300));
      await until(
        '/healthz to answer 200 after a second restart',
        async () => (await app.inject('/healthz')).statusCode === 200,
      );
      const job = await queue.enqueue('echo', { n: 1 });
      await until('the job to complete', async () => (await queue.get(job.id))?.state === 'completed');
    } finally {
      await worker.stop();
      await app.close();
    }
  });
});

import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { BullQueue } from '../../src/jobs/bullmq-queue.ts';
import { EmbeddedQueue } from '../../src/jobs/embedded-queue.ts';
import { jobHandlers } from '../../src/jobs/handlers.ts';
import type { JobContext, JobQueue } from '../../src/jobs/queue.ts';
import { listModelVersions, openStore, upsertReports } from '../../src/store/index.ts';
import { Predictor } from '../../src/triage/index.ts';
import { DIALECTS } from '../support/dialects.ts';
import { triageCorpus } from '../support/triage-corpus.ts';
import { until } from '../support/until.ts';

const REDIS = process.env.EIGHTBALL_TEST_REDIS_URL;

const LEASE_MS = 800;

const QUEUES: { name: string; skip: string | false; open: (url: string) => JobQueue }[] = [
  {
    name: 'the embedded queue',
    skip: false,
    open: () => {
      throw new Error('set below');
    },
  },
  {
    name: 'BullMQ',
    skip: REDIS ? false : 'EIGHTBALL_TEST_REDIS_URL is not set',
    open: () =>
      new BullQueue(REDIS!, { name: `eightball-train-${randomBytes(4).toString('hex')}`, lockMs: LEASE_MS }),
  },
];

describe('train jobs', () => {
  for (const q of QUEUES)
    it(`on ${q.name}, a train job longer than its lease runs once: the fit leaves the job's thread free`, {
      skip: q.skip,
    }, async () => {
      const url = `sqlite:${join(mkdtempSync(join(tmpdir(), 'eightball-trainjob-')), 'eightball.db')}`;
      const store = await openStore(url);
      await upsertReports(store.db, triageCorpus(3000));
      const queue =
        q.name === 'BullMQ' ? q.open(url) : new EmbeddedQueue(store, { leaseMs: LEASE_MS, pollMs: 20 });
      // one thread (the handlers' default): an SVM fit in this process would run on this very thread
      // the longest stretch this thread could not run a timer: what the lease heartbeat would miss
      let last = performance.now();
      let stall = 0;
      const ticker = setInterval(() => {
        const t = performance.now();
        stall = Math.max(stall, t - last);
        last = t;
      }, 10);
      const worker = queue.work(
        jobHandlers({ store, predictor: new Predictor(store), queue, databaseUrl: url }),
        { concurrency: 1 },
      );
      try {
        const job = await queue.enqueue('train', { task: 'component' });
        await until(
          'the train job to end',
          async () => ['completed', 'dead', 'failed'].includes((await queue.get(job.id))?.state ?? ''),
          120_000,
        );
        clearInterval(ticker);
        const done = (await queue.get(job.id))!;
        assert.equal(done.state, 'completed', done.error ?? '');
        assert.equal(done.attempts, 1, 'the job was taken up again: its lease or lock lapsed');
        const versions = await listModelVersions(store.db, 'component');
        assert.equal(versions.length, 1);
        // the heartbeat renews the lease every third of it: the loop must never stall that long
        assert.ok(stall < LEASE_MS / 2, `the job's thread stalled ${stall.toFixed(0)} ms`);
      } finally {
        await worker.stop();
        await queue.close();
        await store.close();
      }
    });

  for (const dialect of DIALECTS)
    it(`a train job run twice (a crash after storing) stores and activates one version, on ${dialect.name}`, {
      skip: dialect.skip,
    }, async () => {
      const store = await dialect.open();
      try {
        await upsertReports(store.db, triageCorpus(200));
        const queue = new EmbeddedQueue(store);
        const handlers = jobHandlers({ store, predictor: new Predictor(store), queue });
        const ctx: JobContext = {
          id: '41',
          attempt: 1,
          signal: new AbortController().signal,
          workerId: 'test',
          progress: async () => undefined,
        };
        const first = (await handlers.train!({ task: 'category' }, ctx)) as { version: number }[];
        const second = (await handlers.train!({ task: 'category' }, { ...ctx, attempt: 2 })) as {
          version: number;
          reason: string;
        }[];
        assert.equal(second[0]!.version, first[0]!.version);
        assert.match(second[0]!.reason, /already trained by this run/);
        assert.equal((await listModelVersions(store.db, 'category')).length, 1);
        // another job is another run
        await handlers.train!({ task: 'category' }, { ...ctx, id: '42' });
        assert.equal((await listModelVersions(store.db, 'category')).length, 2);
      } finally {
        await store.dispose();
      }
    });
});

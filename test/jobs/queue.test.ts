import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { BullQueue } from '../../src/jobs/bullmq-queue.ts';
import { EmbeddedQueue } from '../../src/jobs/embedded-queue.ts';
import type { JobInfo, JobQueue } from '../../src/jobs/queue.ts';
import { claimJob, type Store } from '../../src/store/index.ts';
import { DIALECTS } from '../support/dialects.ts';

const REDIS = process.env.EIGHTBALL_TEST_REDIS_URL;

interface Backend {
  name: string;
  skip: string | false;
  open(): Promise<{ queue: JobQueue; store?: Store; dispose(): Promise<void> }>;
}

const BACKENDS: Backend[] = [
  ...DIALECTS.map((d) => ({
    name: `embedded on ${d.name}`,
    skip: d.skip,
    async open() {
      const store = await d.open();
      const queue = new EmbeddedQueue(store, { leaseMs: 600, pollMs: 20 });
      return {
        queue,
        store,
        dispose: async () => {
          await queue.close();
          await store.dispose();
        },
      };
    },
  })),
  {
    name: 'BullMQ on Redis',
    skip: REDIS ? false : 'EIGHTBALL_TEST_REDIS_URL is not set (e.g. redis://127.0.0.1:6379)',
    async open() {
      const queue = new BullQueue(REDIS!, {
        name: `eightball-test-${randomBytes(4).toString('hex')}`,
        lockMs: 2000,
      });
      return { queue, dispose: () => queue.close() };
    },
  },
];

async function until(what: string, check: () => Promise<boolean>, ms = 15_000): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`timed out waiting for ${what}`);
}

const stateOf = async (q: JobQueue, id: string) => (await q.get(id))?.state;

for (const b of BACKENDS) {
  describe(`job queue: ${b.name}`, { skip: b.skip }, () => {
    let env: Awaited<ReturnType<Backend['open']>>;
    before(async () => {
      env = await b.open();
    });
    after(async () => {
      await env?.dispose();
    });

    it('runs a job with progress events and keeps its result', async () => {
      const q = env.queue;
      const progress: number[] = [];
      q.on('progress', (_id, p) => progress.push(p.done));
      const w = q.work({
        async double(data, ctx) {
          for (let i = 1; i <= 3; i++) await ctx.progress({ done: i, total: 3, message: `step ${i}` });
          return { twice: (data as { n: number }).n * 2 };
        },
      });
      const job = await q.enqueue('double', { n: 21 });
      await until('completed', async () => (await stateOf(q, job.id)) === 'completed');
      const done = (await q.get(job.id)) as JobInfo;
      assert.deepEqual(done.result, { twice: 42 });
      assert.deepEqual(done.progress, { done: 3, total: 3, message: 'step 3' });
      assert.deepEqual(progress.slice(-3), [1, 2, 3]);
      await w.stop();
    });

    it('retries with backoff, then puts the job in the dead-letter state', async () => {
      const q = env.queue;
      let calls = 0;
      const w = q.work({
        async flaky() {
          calls++;
          throw new Error(`attempt ${calls} failed`);
        },
      });
      const job = await q.enqueue('flaky', {}, { attempts: 3, backoffMs: 50 });
      await until('dead', async () => (await stateOf(q, job.id)) === 'dead');
      assert.equal(calls, 3);
      const dead = (await q.get(job.id))!;
      assert.match(dead.error ?? '', /attempt 3 failed/);
      assert.ok((await q.list({ state: 'dead' })).some((j) => j.id === job.id));
      await w.stop();
    });

    it('de-duplicates by key while a job waits', async () => {
      const q = env.queue;
      const a = await q.enqueue('nobody-handles-this', { x: 1 }, { dedupKey: 'same' });
      const c = await q.enqueue('nobody-handles-this', { x: 2 }, { dedupKey: 'same' });
      assert.equal(c.id, a.id);
      assert.equal(await q.cancel(a.id), true);
    });

    it('cancels a waiting job and an active one; retries a cancelled or dead one', async () => {
      const q = env.queue;
      const waiting = await q.enqueue('slow', {}, { delayMs: 60_000 });
      assert.equal(await q.cancel(waiting.id), true);
      assert.notEqual(await stateOf(q, waiting.id), 'waiting');
      let started = false;
      const w = q.work({
        async slow(_d, ctx) {
          started = true;
          await new Promise<void>((resolve) => {
            ctx.signal.addEventListener('abort', () => resolve());
            setTimeout(resolve, 20_000);
          });
          return 'finished';
        },
      });
      const active = await q.enqueue('slow', {}, { attempts: 1 });
      await until('started', async () => started);
      assert.equal(await q.cancel(active.id), true);
      await until('cancelled', async () => (await stateOf(q, active.id)) === 'cancelled');
      await w.stop();
    });

    it('takes up a job whose worker died (its lease ran out) on another worker', async (t) => {
      if (!env.store) {
        t.skip('BullMQ: a killed worker process is tested in test/jobs/scale-out.test.ts');
        return;
      }
      const q = env.queue;
      const job = await q.enqueue('survivor', { v: 7 });
      // a worker that claims the job and then is never heard from again
      const claimed = await claimJob(
        env.store.db,
        'ghost',
        ['survivor'],
        new Date(Date.now() + 300).toISOString(),
        new Date().toISOString(),
      );
      assert.equal(String(claimed?.id), job.id);
      const w = q.work({
        async survivor(data) {
          return (data as { v: number }).v;
        },
      });
      await until('taken up', async () => (await stateOf(q, job.id)) === 'completed');
      assert.equal((await q.get(job.id))!.result, 7);
      assert.equal((await q.get(job.id))!.attempts, 2);
      await w.stop();
    });
  });
}

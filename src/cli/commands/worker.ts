import type { Command } from 'commander';
import { EightballError } from '../../domain/index.ts';
import { jobHandlers } from '../../jobs/handlers.ts';
import { openConfiguredQueue } from '../../jobs/open-queue.ts';
import { startScheduler } from '../../jobs/scheduler.ts';
import { trackerSecrets } from '../../jobs/source-kinds/index.ts';
import { smtpMailer } from '../../notify/mailer.ts';
import { openStore } from '../../store/index.ts';
import { FIRST_INDEXED, Predictor } from '../../triage/index.ts';
import { configFrom, threadsFor, untilStopped } from '../context.ts';
import { endWithParent, exitSoonAfterStop, keepAliveOnStrayErrors } from '../process-guard.ts';

export function registerWorker(program: Command): void {
  program
    .command('worker')
    .description('run background jobs (train, classify batches, imports) until stopped')
    .option('-c, --concurrency <n>', 'jobs at once in this process', (v) => Number.parseInt(v, 10), 2)
    .option(
      '--grace <seconds>',
      'on SIGTERM, how long to let jobs in hand finish before handing them back',
      (v) => Number(v),
      30,
    )
    .addHelpText(
      'after',
      `
The queue is BullMQ on Redis when EIGHTBALL_REDIS_URL is set, else the embedded queue in the
database (which eightball serve also works on). Run as many workers on as many machines as the work
needs; they share the database and the queue. A worker killed mid-job loses nothing: once its lease
(EIGHTBALL_JOB_LEASE_MS, 30 s) runs out, another worker takes the job up again; a chunk of a batch
never stores a report's result twice.

Examples:
  $ eightball worker
  $ EIGHTBALL_DATABASE_URL=postgres://db/eightball EIGHTBALL_REDIS_URL=redis://redis:6379 eightball worker -c 4`,
    )
    .action(async (o, cmd: Command) => {
      if (!(o.concurrency >= 1 && o.concurrency <= 64))
        throw new EightballError('usage', '--concurrency: 1 to 64');
      const config = configFrom(cmd);
      keepAliveOnStrayErrors('worker');
      const stopped = Promise.race([
        untilStopped(),
        new Promise<void>((resolve) =>
          endWithParent(() => {
            process.stderr.write('eightball: worker: its server is gone; stopping\n');
            resolve();
          }),
        ),
      ]);
      const store = await openStore(config.databaseUrl);
      const predictor = new Predictor(store, {
        similarSearch: config.similarSearch,
        similarHandover: config.similarHandover,
      });
      const queue = await openConfiguredQueue(store, config);
      // load the active models and the newest part of the similar-reports index before the first
      // job (the first chunk is then not the slow one); the rest fills in while jobs run
      await predictor.refresh(true);
      await predictor.similarReady(FIRST_INDEXED);
      const mailer = config.smtpUrl ? smtpMailer(config.smtpUrl) : undefined;
      const worker = queue.work(
        jobHandlers({
          store,
          predictor,
          queue,
          mailer,
          baseUrl: config.publicUrl ?? `http://${config.host}:${config.port}`,
          databaseUrl: config.databaseUrl,
          threads: threadsFor(cmd),
          secrets: trackerSecrets(config),
        }),
        { concurrency: o.concurrency },
      );
      const scheduler = startScheduler(store, queue);
      process.stderr.write(
        `eightball: worker ${worker.id} on the ${queue.backend} queue (${store.displayUrl}), ${o.concurrency} at a time\n`,
      );
      await stopped;
      process.stderr.write('eightball: worker stopping: finishing the jobs in hand\n');
      scheduler.stop();
      await worker.stop({ graceMs: o.grace * 1000 });
      await queue.close();
      mailer?.close();
      await store.close();
      exitSoonAfterStop();
    });
}

import { type ChildProcess, spawn } from 'node:child_process';
import cluster from 'node:cluster';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import type { Redis } from 'ioredis';
import type { Config } from '../../config/config.ts';
import { EightballError } from '../../domain/index.ts';
import { openConfiguredQueue } from '../../jobs/open-queue.ts';
import { startScheduler } from '../../jobs/scheduler.ts';
import { trackerSecrets } from '../../jobs/source-kinds/index.ts';
import { openStore } from '../../store/index.ts';
import { ensureFirstAdmin, FIRST_INDEXED, Predictor } from '../../triage/index.ts';
import { buildApp } from '../../web/app.ts';
import { configFrom, untilStopped } from '../context.ts';
import { exitSoonAfterStop, keepAliveOnStrayErrors } from '../process-guard.ts';
import { keepModelsFresh, warmUp } from '../warm-models.ts';

const BIN = fileURLToPath(new URL('../../../bin/eightball.js', import.meta.url));

/**
 * `eightball worker` as a child of the server, for the embedded queue: one machine, one command,
 * and jobs still never run on the web process's event loop. Restarted if it dies.
 */
function startJobWorker(cmd: Command, config: Config): { stop(): Promise<void> } {
  const g = cmd.optsWithGlobals<{ config?: string }>();
  const args = [
    BIN,
    '--db',
    config.databaseUrl,
    ...(g.config ? ['--config', g.config] : []),
    'worker',
    '--concurrency',
    '1',
  ];
  let child: ChildProcess | null = null;
  let stopping = false;
  const start = () => {
    if (stopping) return;
    // the IPC channel is how the child learns that its server is gone, even after a SIGKILL
    child = spawn(process.execPath, args, {
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      env: { ...process.env, EIGHTBALL_END_WITH_PARENT: '1' },
    });
    child.once('exit', (code, signal) => {
      if (stopping) return;
      process.stderr.write(`eightball: the job worker stopped (${signal ?? code}); starting another\n`);
      setTimeout(start, 2000).unref();
    });
  };
  start();
  return {
    stop: () =>
      new Promise<void>((resolve) => {
        stopping = true;
        if (!child || child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

/** Redis's client, loaded only when a Redis URL is configured (as the queue's, `jobs/open-queue.ts`). */
async function rateLimitClient(url: string): Promise<Redis> {
  const { Redis: Client } = await import('ioredis');
  return new Client(url, { connectTimeout: 500, maxRetriesPerRequest: 1 });
}

/** One server process: the app over the store, until SIGTERM/SIGINT, then a clean drain. */
async function runServer(config: Config, announce: boolean): Promise<void> {
  // listen for the stop signal before anyone can learn we are up and send it
  const stopped = untilStopped();
  keepAliveOnStrayErrors('serve');
  const store = await openStore(config.databaseUrl);
  const predictor = new Predictor(store, {
    similarSearch: config.similarSearch,
    similarHandover: config.similarHandover,
  });
  const queue = await openConfiguredQueue(store, config);
  // every server and worker runs the scheduler; one of them enqueues each scheduled import
  const scheduler = startScheduler(store, queue);
  // with several servers, rate limits are counted in Redis so they hold across all of them
  const rateLimitRedis = config.redisUrl ? await rateLimitClient(config.redisUrl) : undefined;
  rateLimitRedis?.on('error', () => undefined);
  const app = await buildApp({
    store,
    predictor,
    queue,
    rateLimitRedis,
    emailEnabled: config.smtpUrl !== undefined,
    trackerSecrets: trackerSecrets(config),
    hookSecrets: {
      github: config.githubWebhookSecret,
      jira: config.jiraWebhookSecret,
      bugzilla: config.bugzillaWebhookSecret,
    },
    rateLimitNamespace: `${config.queuePrefix}-rate:`,
    classifyRateLimit: config.classifyRateLimit,
    trustProxy: config.trustProxy,
    logger: config.logLevel === 'silent' ? false : { level: config.logLevel },
  });
  // load the active models and the newest part of their similar-reports index, and run a few
  // answers through them (the JIT compiles the tokenizer, vectorizer and search), before the first
  // request: it is then as fast as the rest; older reports fill the index while it serves
  await predictor.refresh(true);
  await predictor.similarReady(FIRST_INDEXED);
  await warmUp(predictor);
  // a version activated later is loaded and warmed between requests, not by the first one
  const stopFresh = keepModelsFresh(predictor, 2000);
  let address: string;
  try {
    address = await app.listen({ host: config.host, port: config.port });
  } catch (e) {
    stopFresh();
    await app.close().catch(() => undefined);
    scheduler.stop();
    await queue.close().catch(() => undefined);
    await store.close().catch(() => undefined);
    throw listenError(e, config);
  }
  if (announce) process.stderr.write(`eightball: serving ${store.displayUrl} on ${address}\n`);
  else process.send?.({ listening: address });
  await stopped;
  if (announce) process.stderr.write('eightball: stopping: finishing requests in hand\n');
  stopFresh();
  await app.close();
  if (rateLimitRedis?.status === 'ready') await rateLimitRedis.quit().catch(() => undefined);
  else rateLimitRedis?.disconnect();
  scheduler.stop();
  await queue.close();
  await store.close();
  exitSoonAfterStop();
}

/** A port in use or not ours to take: one line naming it and the setting that changes it. */
function listenError(e: unknown, config: Config): unknown {
  const code = (e as NodeJS.ErrnoException).code;
  const where = `${config.host}:${config.port}`;
  if (code === 'EADDRINUSE')
    return new EightballError(
      'config',
      `port ${config.port} on ${config.host} is in use: choose another with --port N or EIGHTBALL_PORT (0 for any free one)`,
    );
  if (code === 'EACCES')
    return new EightballError('config', `may not listen on ${where}: choose a port above 1023 with --port N`);
  if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND')
    return new EightballError(
      'config',
      `no address ${config.host} on this machine: check --host or EIGHTBALL_HOST`,
    );
  return e;
}

/**
 * N server processes sharing the port (node:cluster): one per core. A worker that dies is
 * replaced; SIGTERM reaches every worker, each drains, then the primary exits.
 */
async function runCluster(workers: number): Promise<void> {
  const stopped = untilStopped();
  let stopping = false;
  const started: Promise<string>[] = [];
  const fork = () => {
    const w = cluster.fork({ EIGHTBALL_SERVE_WORKER: '1' });
    started.push(
      new Promise((resolve) =>
        w.on('message', (m: { listening?: string }) => {
          if (m.listening) resolve(m.listening);
        }),
      ),
    );
    w.on('exit', (code, signal) => {
      if (stopping) return;
      process.stderr.write(`eightball: worker ${w.process.pid} died (${signal ?? code}); starting another\n`);
      setTimeout(fork, 1000);
    });
  };
  for (let i = 0; i < workers; i++) fork();
  const [address] = await Promise.all(started);
  // with port 0 every worker shares the port the first one got
  process.stderr.write(`eightball: serving with ${workers} workers on ${address}\n`);
  await stopped;
  stopping = true;
  process.stderr.write('eightball: stopping: workers finish the requests in hand\n');
  await Promise.all(
    Object.values(cluster.workers ?? {}).map(
      (w) =>
        new Promise<void>((resolve) => {
          if (!w || w.isDead()) return resolve();
          w.once('exit', () => resolve());
          w.process.kill('SIGTERM');
        }),
    ),
  );
}

export function registerServe(program: Command): void {
  program
    .command('serve')
    .description('run the web app and the JSON API (pages, /api/v1, /healthz)')
    .option('--host <host>', 'address to listen on (EIGHTBALL_HOST; default 127.0.0.1)')
    .option('--port <port>', 'port to listen on, 0 for any free one (EIGHTBALL_PORT; default 8080)')
    .option(
      '--no-jobs',
      'run no background jobs in this process (the embedded queue then needs eightball worker)',
    )
    .option(
      '--workers <n>',
      'server processes sharing the port, e.g. one per core',
      (v) => Number.parseInt(v, 10),
      1,
    )
    .addHelpText(
      'after',
      `
On an empty database the first start creates the user "admin" and prints its one-time password
once; the first login must change it. SIGTERM or Ctrl-C stops taking requests, finishes the ones in
hand and exits 0. Rate limits are counted in Redis when EIGHTBALL_REDIS_URL is set (so they hold
across servers), else per process. With the embedded queue (no
EIGHTBALL_REDIS_URL) the server also starts a job worker process (one job at a time) and keeps it
running, unless --no-jobs.

Examples:
  $ eightball serve
  $ eightball serve --workers 2
  $ EIGHTBALL_DATABASE_URL=postgres://eightball@db/eightball eightball serve --host 0.0.0.0 --port 80`,
    )
    .action(async (o, cmd: Command) => {
      const config = configFrom(cmd, { host: o.host, port: o.port });
      if (process.env.EIGHTBALL_SERVE_WORKER === '1' && cluster.isWorker) {
        await runServer(config, false);
        // the IPC channel to the primary would keep this process alive
        process.disconnect?.();
        return;
      }
      if (!(o.workers >= 1 && o.workers <= 64))
        throw new EightballError('usage', '--workers: a number from 1 to 64');
      // the primary migrates and creates the first admin once, before any worker starts
      const store = await openStore(config.databaseUrl);
      const first = await ensureFirstAdmin(store);
      await store.close();
      if (first) {
        process.stderr.write(
          `eightball: created user "${first.username}" with the one-time password\n\n    ${first.password}\n\nLog in and choose your own; it is not shown again.\n`,
        );
      }
      // jobs are CPU work (training, classifying batches): in a process of their own, so they never
      // hold up a web request; the server keeps it running
      const jobs = o.jobs !== false && !config.redisUrl ? startJobWorker(cmd, config) : null;
      try {
        if (o.workers === 1) await runServer(config, true);
        else await runCluster(o.workers);
      } finally {
        await jobs?.stop();
      }
    });
}

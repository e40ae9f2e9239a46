// bench/jobs: batch classification throughput with 1 and 2 worker processes on each backend
// (embedded queue on SQLite, embedded on PostgreSQL, BullMQ on Redis with PostgreSQL).
// Usage: npm run bench:jobs [-- --pg postgres://postgres@127.0.0.1:5432/test --redis redis://127.0.0.1:6379 --batch 2000]
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { submitBatch } from '../../src/jobs/batches.ts';
import { openQueue } from '../../src/jobs/open-queue.ts';
import { loadReports } from '../../src/sources/load-reports.ts';
import { getBatch, openStore, upsertReports } from '../../src/store/index.ts';
import { trainTask } from '../../src/triage/index.ts';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '../..');
const data = process.env.EIGHTBALL_SHARED_DATA ?? resolve(root, '../shared/data');
const arg = (name: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
};
const PG = arg('pg') ?? process.env.EIGHTBALL_TEST_POSTGRES_URL;
const REDIS = arg('redis') ?? process.env.EIGHTBALL_TEST_REDIS_URL;
const BATCH = Number(arg('batch') ?? 2000);

const { reports } = await loadReports(join(data, 'jira/apache/HIVE.jsonl'));
const inputs = reports
  .slice(-BATCH)
  .map((r) => ({ summary: r.summary.slice(0, 1000), description: r.description.slice(0, 65_536) }));

async function database(kind: 'sqlite' | 'postgres'): Promise<{ url: string; drop(): Promise<void> }> {
  if (kind === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'eightball-bench-jobs-'));
    return {
      url: `sqlite:${join(dir, 'bench.db')}`,
      drop: async () => rmSync(dir, { recursive: true, force: true }),
    };
  }
  const name = `eightball_bench_${randomBytes(3).toString('hex')}`;
  const admin = new pg.Client({ connectionString: PG });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const u = new URL(PG!);
  u.pathname = `/${name}`;
  return {
    url: u.toString(),
    drop: async () => {
      const a = new pg.Client({ connectionString: PG });
      await a.connect();
      await a.query(`drop database if exists ${name} with (force)`);
      await a.end();
    },
  };
}

function startWorker(db: string, env: NodeJS.ProcessEnv): Promise<ChildProcess> {
  const child = spawn(
    process.execPath,
    [join(root, 'bin/eightball.js'), '--db', db, 'worker', '--concurrency', '2'],
    {
      env: { ...process.env, EIGHTBALL_LOG_LEVEL: 'warn', ...env },
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  return new Promise((ok, fail) => {
    let err = '';
    child.stderr!.on('data', (d: Buffer) => {
      err += d.toString();
      if (/worker \S+ on the/.test(err)) ok(child);
    });
    child.once('exit', (c) => fail(new Error(`worker exited ${c}: ${err}`)));
  });
}

const setups = [
  { name: 'embedded queue, SQLite', db: 'sqlite' as const, redis: undefined },
  ...(PG ? [{ name: 'embedded queue, PostgreSQL', db: 'postgres' as const, redis: undefined }] : []),
  ...(PG && REDIS ? [{ name: 'BullMQ on Redis, PostgreSQL', db: 'postgres' as const, redis: REDIS }] : []),
];
const rows: string[] = [];
for (const s of setups) {
  const d = await database(s.db);
  const store = await openStore(d.url);
  await upsertReports(store.db, reports);
  process.stderr.write(`${s.name}: training the component model on ${reports.length} HIVE reports...\n`);
  await trainTask(store, 'component');
  const env = s.redis ? { EIGHTBALL_REDIS_URL: s.redis } : {};
  const queue = await openQueue(store, { redisUrl: s.redis });
  for (const n of [1, 2]) {
    const workers = await Promise.all(Array.from({ length: n }, () => startWorker(d.url, env)));
    const t0 = performance.now();
    const { batchId } = await submitBatch(store, queue, inputs, null);
    for (;;) {
      const b = await getBatch(store.db, batchId);
      if (b && b.done === b.total) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const seconds = (performance.now() - t0) / 1000;
    rows.push(
      `| ${s.name} | ${n} × 2 | ${BATCH} | ${seconds.toFixed(1)} | ${(BATCH / seconds).toFixed(0)} |`,
    );
    process.stderr.write(`${rows[rows.length - 1]}\n`);
    await Promise.all(
      workers.map(
        (w) =>
          new Promise((r) => {
            w.once('exit', r);
            w.kill('SIGTERM');
          }),
      ),
    );
  }
  await queue.close();
  await store.close();
  await d.drop();
}

process.stdout.write(`# eightball batch jobs benchmark

Machine: ${cpus().length} × ${cpus()[0]?.model ?? '?'}, ${Math.round(totalmem() / 2 ** 30)} GiB; Node ${process.version}; ${new Date().toISOString().slice(0, 10)}. Command: \`npm run bench:jobs -- --pg ... --redis ... --batch ${BATCH}\`.
A batch of the ${BATCH} newest Jira HIVE reports, classified by the 58-class component model (with explanations and 3 similar reports each) in chunks of 100; worker processes with 2 jobs at a time each; time from submitting to the last result stored.

| backend | workers × concurrency | reports | seconds | reports/s |
|---|---:|---:|---:|---:|
${rows.join('\n')}
`);

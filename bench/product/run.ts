// bench/product: the whole product on N generated reports, one JSON object out.
// Generate N reports (bench/scale's generator, written as a CSV export), `eightball import file`
// them into a fresh store, `eightball train --task component` (wall time and peak RSS of that
// process), read the stored artifact's size and load time, start `eightball serve`, classify
// 2,000 reports one by one over HTTP (with 5 similar reports each), measure how many of the
// served similar reports exact cosine search over every stored report also finds (recall@5),
// and with autocannon (8 connections) the classify throughput beside a bare Fastify route's.
// The similar-reports index fills after the server is ready: latencies and recall are measured once
// it is whole (similarCompleteSeconds). --soak S adds S seconds of load with the server's RSS
// sampled every 10 s. --keep leaves the store in place (its URL is printed); --reuse URL measures
// a kept store again from the server's start, without generating, importing or training.
// Usage: npm run bench:product -- --reports 100000 [--pg postgres://postgres@127.0.0.1:5432/test] [--similar memory|index] [--soak 300] [--keep] [--json]
//        npm run bench:product -- --reuse URL [--similar memory|index] [--json]
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import pg from 'pg';
import { deserializeModel, SimilarityIndex, type TextModel } from '../../src/ml/index.ts';
import { iterateStoredReports, openStore, redactUrl } from '../../src/store/index.ts';
import { createApiToken, createUser, docOf, Predictor } from '../../src/triage/index.ts';
import { numberArg } from '../options.ts';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const BIN = join(root, 'bin/eightball.js');
const reuseAt = process.argv.indexOf('--reuse');
const reuse = reuseAt >= 0 ? process.argv[reuseAt + 1] : undefined;
const keep = process.argv.includes('--keep') || reuse !== undefined;
let n = numberArg('reports', 100_000);
const queries = numberArg('queries', 2000);
const recallQueries = Math.min(200, queries);
const pgAt = process.argv.indexOf('--pg');
const json = process.argv.includes('--json');
const similarAt = process.argv.indexOf('--similar');
const similarSearch = similarAt >= 0 ? process.argv[similarAt + 1]! : 'memory';
const log = (s: string) => process.stderr.write(`${s}\n`);
const dir = mkdtempSync(join(tmpdir(), 'eightball-product-'));

let db = reuse ?? `sqlite:${join(dir, 'bench.db')}`;
let dropPg: (() => Promise<void>) | null = null;
if (pgAt >= 0 && !reuse) {
  const admin = new pg.Client({ connectionString: process.argv[pgAt + 1] });
  await admin.connect();
  const name = `eightball_product_${randomBytes(4).toString('hex')}`;
  await admin.query(`create database ${name}`);
  await admin.end();
  const u = new URL(process.argv[pgAt + 1]!);
  u.pathname = `/${name}`;
  db = u.toString();
  dropPg = async () => {
    const a = new pg.Client({ connectionString: process.argv[pgAt + 1] });
    await a.connect();
    await a.query(`drop database if exists ${name}`);
    await a.end();
  };
}

const seconds = (t0: number) => (performance.now() - t0) / 1000;
const run = (args: string[], what: string) => {
  const t0 = performance.now();
  const r = spawnSync(
    '/usr/bin/time',
    ['-f', 'peak-kib %M', process.execPath, BIN, '--db', db, '-q', ...args],
    {
      encoding: 'utf8',
      maxBuffer: 64 * 2 ** 20,
      env: { ...process.env, EIGHTBALL_LOG_LEVEL: 'warn' },
    },
  );
  if (r.status !== 0) throw new Error(`${what} failed (${r.status}): ${r.stderr.slice(-2000)}`);
  const peak = Number(/peak-kib (\d+)/.exec(r.stderr)?.[1] ?? Number.NaN) / 1024;
  return { seconds: seconds(t0), peakMiB: peak };
};

let imp: { seconds: number; peakMiB: number } | null = null;
let train: { seconds: number; peakMiB: number } | null = null;
if (!reuse) {
  const csv = join(dir, 'reports.csv');
  log(`generating ${n} reports...`);
  const gen = spawnSync(
    process.execPath,
    [
      '--import',
      'tsx',
      join(root, 'bench/scale/write-csv.ts'),
      '--reports',
      String(n),
      '--out',
      csv,
      '--product',
    ],
    {
      encoding: 'utf8',
      stdio: ['ignore', 'inherit', 'inherit'],
    },
  );
  if (gen.status !== 0) throw new Error('generating the reports failed');

  log('importing...');
  imp = run(['import', 'file', csv, '--source', 'bench:product'], 'import');
  log(`imported in ${imp.seconds.toFixed(1)} s; training...`);
  train = run(['train', '--task', 'component'], 'train');
  log(`trained in ${train.seconds.toFixed(1)} s, peak ${train.peakMiB.toFixed(0)} MiB`);
}

const store = await openStore(db);
if (reuse) {
  n = Number(
    (
      await store.db
        .selectFrom('bug_reports')
        .select((eb) => eb.fn.countAll().as('c'))
        .executeTakeFirstOrThrow()
    ).c,
  );
  log(`reusing ${redactUrl(reuse)}: ${n} reports`);
}
const row = await store.db
  .selectFrom('model_versions')
  .select(['artifact', 'artifact_bin'])
  .where('task', '=', 'component')
  .where('active', '=', 1)
  .executeTakeFirstOrThrow();
const bytes = row.artifact_bin ?? Buffer.from(row.artifact);
let t0 = performance.now();
const model = deserializeModel(Buffer.from(bytes)) as TextModel;
const loadSeconds = seconds(t0);
const uid = await createUser(
  store,
  { username: `bench-${randomBytes(3).toString('hex')}`, password: 'bench password 1', role: 'reporter' },
  null,
);
const { token } = await createApiToken(store, uid, 'bench', null);

// the queries: stored reports, asked as new ones (their own copy is left out by similarity)
const stored: { id: number; summary: string; description: string }[] = [];
for await (const { id, report } of iterateStoredReports(store.db)) {
  if (id % Math.max(1, Math.floor(n / queries)) === 0 && stored.length < queries)
    stored.push({ id, summary: report.summary, description: report.description });
}

log('starting the server...');
t0 = performance.now();
const server = spawn(process.execPath, [BIN, '--db', db, 'serve', '--port', '0', '--no-jobs'], {
  env: {
    ...process.env,
    EIGHTBALL_LOG_LEVEL: 'warn',
    EIGHTBALL_CLASSIFY_RATE_LIMIT: '10000000',
    EIGHTBALL_SIMILAR_SEARCH: similarSearch,
  },
  stdio: ['ignore', 'ignore', 'pipe'],
});
const url = await new Promise<string>((ok, fail) => {
  let err = '';
  server.stderr!.on('data', (d: Buffer) => {
    err += d.toString();
    const m = /serving .* on (http:\/\/\S+)/.exec(err);
    if (m) ok(m[1]!);
  });
  server.once('exit', (c) => fail(new Error(`serve exited ${c}: ${err}`)));
});
const listenSeconds = seconds(t0);
const classify = async (q: { summary: string; description: string }) => {
  const res = await fetch(`${url}/api/v1/classify`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ summary: q.summary.slice(0, 1000), description: q.description.slice(0, 60_000) }),
  });
  if (!res.ok) throw new Error(`classify: HTTP ${res.status} ${await res.text()}`);
  return (await res.json()) as { similar: { id: number }[] };
};
// the bench's own HTTP client and connection are made before the clock starts: the first
// classify measures the server
await fetch(`${url}/healthz`);
const firstT0 = performance.now();
await classify(stored[0]!);
const firstClassifyMs = performance.now() - firstT0;
const startSeconds = seconds(t0);
// the similar-reports index fills from the newest down after the server is ready: the latencies
// and recall below are measured once it is whole, and how long that took is reported
let similarCompleteSeconds = startSeconds;
for (;;) {
  const h = (await (await fetch(`${url}/healthz`)).json()) as { similar?: { complete: boolean } };
  if (!h.similar || h.similar.complete) break;
  await new Promise((r) => setTimeout(r, 200));
  similarCompleteSeconds = seconds(t0);
}
const latencies: number[] = [];
const served: number[][] = [];
for (const q of stored) {
  const s = performance.now();
  const r = await classify(q);
  latencies.push(performance.now() - s);
  if (served.length < recallQueries) served.push(r.similar.map((x) => x.id));
}
latencies.sort((a, b) => a - b);
const pct = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))]!;

const cannon = (target: string, headers: Record<string, string>) =>
  autocannon({
    url: target,
    method: 'POST',
    connections: 8,
    duration: 10,
    headers,
    body: JSON.stringify({ summary: stored[1]!.summary, description: stored[1]!.description.slice(0, 2000) }),
  });
const classifyLoad = await cannon(`${url}/api/v1/classify`, {
  authorization: `Bearer ${token}`,
  'content-type': 'application/json',
});
const rssOf = (pid: number | undefined) =>
  Number(spawnSync('ps', ['-o', 'rss=', '-p', String(pid)], { encoding: 'utf8' }).stdout.trim()) / 1024;
const serverRssMiB = rssOf(server.pid);
// --soak S: S seconds more of the same load, the server's RSS sampled every 10 s (does it grow?)
const soakSeconds = numberArg('soak', 0);
const soakRss: number[] = [];
if (soakSeconds > 0) {
  log(`soak: ${soakSeconds} s of classify load...`);
  const sampler = setInterval(() => soakRss.push(Math.round(rssOf(server.pid))), 10_000);
  await autocannon({
    url: `${url}/api/v1/classify`,
    method: 'POST',
    connections: 8,
    duration: soakSeconds,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ summary: stored[2]!.summary, description: stored[2]!.description.slice(0, 2000) }),
  });
  clearInterval(sampler);
}
server.kill('SIGTERM');
await new Promise((ok) => server.once('exit', ok));
const bare = spawn(process.execPath, ['--import', 'tsx', join(root, 'bench/product/bare-server.ts')], {
  stdio: ['ignore', 'ignore', 'pipe'],
});
const bareUrl = await new Promise<string>((ok) => {
  bare.stderr!.on('data', (d: Buffer) => {
    const m = /listening on (http:\/\/\S+)/.exec(d.toString());
    if (m) ok(m[1]!);
  });
});
const bareLoad = await cannon(`${bareUrl}/classify`, { 'content-type': 'application/json' });
bare.kill('SIGTERM');

// exact cosine over every stored report in the model's space: what recall@5 is measured against
log('exact search for recall...');
const predictor = new Predictor(store);
const loaded = [...(await predictor.models()).values()].find((m) => m.task.name === 'component')!;
const textFields = loaded.textFields;
const index = new SimilarityIndex();
const ids: number[] = [];
let batch: { id: number; doc: ReturnType<TextModel['tokenize']> }[] = [];
const flush = () => {
  index.add(
    model.vectorizer.transform(
      batch.map((b) => b.doc),
      false,
    ),
  );
  for (const b of batch) ids.push(b.id);
  batch = [];
};
for await (const { id, report } of iterateStoredReports(store.db)) {
  batch.push({ id, doc: model.tokenize(docOf(report, textFields, [])) });
  if (batch.length === 2000) flush();
}
if (batch.length) flush();
let found = 0;
let asked = 0;
for (let i = 0; i < served.length; i++) {
  const q = stored[i]!;
  const Q = model.vectorizer.transform(
    [model.tokenize(docOf({ summary: q.summary, description: q.description } as never, textFields, []))],
    false,
  );
  // the query is itself stored: the served list may hold it, and neither side counts it
  const others = served[i]!.filter((id) => id !== q.id);
  const exact = index
    .queryAll(Q, 0, others.length + 1, 0.05)
    .map((h) => ids[h.item]!)
    .filter((id) => id !== q.id)
    .slice(0, others.length);
  asked += exact.length;
  found += exact.filter((id) => others.includes(id)).length;
}
await store.close();
if (keep) log(`the store is kept: --reuse ${redactUrl(db)}`);
else {
  await dropPg?.();
  rmSync(dir, { recursive: true, force: true });
}

const out = {
  reports: n,
  database: db.startsWith('sqlite:') ? 'sqlite' : 'postgresql',
  similarSearch,
  machine: `${cpus().length} × ${cpus()[0]?.model ?? '?'}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`,
  // null when a kept store was reused
  importSeconds: imp && +imp.seconds.toFixed(1),
  importPeakMiB: imp && Math.round(imp.peakMiB),
  trainSeconds: train && +train.seconds.toFixed(1),
  trainPeakMiB: train && Math.round(train.peakMiB),
  artifactMiB: +(bytes.length / 2 ** 20).toFixed(1),
  loadSeconds: +loadSeconds.toFixed(2),
  listenSeconds: +listenSeconds.toFixed(2),
  startSeconds: +startSeconds.toFixed(2),
  similarCompleteSeconds: +similarCompleteSeconds.toFixed(2),
  firstClassifyMs: +firstClassifyMs.toFixed(1),
  classifyP50Ms: +pct(0.5).toFixed(2),
  classifyP99Ms: +pct(0.99).toFixed(2),
  similarRecallAt5: asked ? +(found / asked).toFixed(3) : null,
  classifyRps: Math.round(classifyLoad.requests.average),
  bareRps: Math.round(bareLoad.requests.average),
  serverRssMiB: Math.round(serverRssMiB),
  ...(soakSeconds > 0 ? { soakSeconds, soakRssMiB: soakRss } : {}),
};
process.stdout.write(json ? `${JSON.stringify(out)}\n` : `${JSON.stringify(out, null, 2)}\n`);

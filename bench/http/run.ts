// bench/http: classify requests per second and latency over loopback, against a real
// `eightball serve` process holding the models trained on Jira HIVE (component: 58 classes after
// dropping those with fewer than 5 training reports; category: the issue type).
// Usage: npm run bench:http [-- --connections 16 --seconds 15 --workers 1]
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { loadReports } from '../../src/sources/load-reports.ts';
import { openStore, upsertReports } from '../../src/store/index.ts';
import { createApiToken, createUser, trainTask } from '../../src/triage/index.ts';
import { numberArg, SHARED_DATA } from '../options.ts';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '../..');
const data = SHARED_DATA;
const arg = numberArg;
const connections = arg('connections', 16);
const seconds = arg('seconds', 15);
const workers = arg('workers', 1);

const dir = mkdtempSync(join(tmpdir(), 'eightball-http-'));
const db = `sqlite:${join(dir, 'bench.db')}`;
const store = await openStore(db);
const { reports } = await loadReports(join(data, 'jira/apache/HIVE.jsonl'));
await upsertReports(store.db, reports);
process.stderr.write(`training on ${reports.length} HIVE reports...\n`);
const trained = [];
for (const task of ['component', 'category'] as const) {
  try {
    trained.push(await trainTask(store, task));
  } catch (e) {
    process.stderr.write(`${task}: ${(e as Error).message}\n`);
  }
}
const uid = await createUser(
  store,
  { username: 'bench', password: 'bench password 1', role: 'reporter' },
  null,
);
const { token } = await createApiToken(store, uid, 'bench', null);
await store.close();

const child = spawn(
  process.execPath,
  [
    join(root, 'bin/eightball.js'),
    '--db',
    db,
    'serve',
    '--port',
    '0',
    '--workers',
    String(workers),
    '--no-jobs',
  ],
  {
    env: { ...process.env, EIGHTBALL_LOG_LEVEL: 'warn', EIGHTBALL_CLASSIFY_RATE_LIMIT: '10000000' },
    stdio: ['ignore', 'ignore', 'pipe'],
  },
);
const url = await new Promise<string>((ok, fail) => {
  let err = '';
  child.stderr!.on('data', (d: Buffer) => {
    err += d.toString();
    const m = /serving .* on (http:\/\/\S+)/.exec(err);
    if (m) ok(m[1]!);
  });
  child.once('exit', (c) => fail(new Error(`serve exited ${c}: ${err}`)));
});

// bodies from the newest reports (the validation part): real text of real length
const bodies = reports
  .slice(-500)
  .map((r) =>
    JSON.stringify({ summary: r.summary.slice(0, 1000), description: r.description.slice(0, 65_536) }),
  );
let next = 0;
const run = (duration: number) =>
  autocannon({
    url: `${url}/api/v1/classify`,
    method: 'POST',
    connections,
    duration,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    requests: [
      {
        setupRequest: (req) => {
          req.body = bodies[next++ % bodies.length]!;
          return req;
        },
      },
    ],
  });
await run(3); // warm-up: JIT and caches
const r = await run(seconds);
child.kill('SIGTERM');
await new Promise((ok) => child.once('exit', ok));
rmSync(dir, { recursive: true, force: true });

process.stdout.write(
  `# eightball HTTP classify benchmark

Machine: ${cpus().length} × ${cpus()[0]?.model ?? '?'}, ${Math.round(totalmem() / 2 ** 30)} GiB; Node ${process.version}; ${new Date().toISOString().slice(0, 10)}. Command: \`npm run bench:http -- --connections ${connections} --seconds ${seconds} --workers ${workers}\`.
Server: \`eightball serve --workers ${workers} --no-jobs\` (SQLite); load: autocannon in another process on the same ${cpus().length} cores, ${connections} connections, ${seconds} s after a 3 s warm-up.
Models: ${trained.map((t) => `${t.task} ${t.model} (validation accuracy ${t.accuracy.toFixed(3)})`).join('; ')}; every answer carries each model's ranking and explanation and 5 similar reports.

| requests | errors | non-2xx | req/s (mean) | latency p50 ms | p97.5 ms | p99 ms | max ms |
|---:|---:|---:|---:|---:|---:|---:|---:|
| ${r.requests.total} | ${r.errors} | ${r.non2xx} | ${r.requests.average.toFixed(0)} | ${r.latency.p50} | ${r.latency.p97_5} | ${r.latency.p99} | ${r.latency.max} |
`,
);

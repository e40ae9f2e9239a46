// bench/hooks: how fast a webhook delivery is answered. A real `eightball serve` (SQLite, the
// embedded queue and its worker) takes N signed GitHub `issues` deliveries one after another,
// built from the shared webcompat issues; each stores or updates its report and queues its
// triage. The issue asks for under 100 ms a delivery; this prints the distribution.
// Usage: npm run bench:hooks [-- --deliveries 500]
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { hubSignature } from '../../src/trackers/signatures.ts';
import { numberArg, SHARED_DATA } from '../options.ts';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const deliveries = numberArg('deliveries', 500);
const secret = randomUUID();
const issues = readFileSync(join(SHARED_DATA, 'github/webcompat-issues.jsonl'), 'utf8')
  .split('\n')
  .filter(Boolean)
  .map((l) => JSON.parse(l) as Record<string, unknown>);
const dir = mkdtempSync(join(tmpdir(), 'eightball-hooks-'));
const child = spawn(
  process.execPath,
  [join(root, 'bin/eightball.js'), '--db', `sqlite:${join(dir, 'bench.db')}`, 'serve', '--port', '0'],
  {
    env: { ...process.env, EIGHTBALL_LOG_LEVEL: 'warn', EIGHTBALL_GITHUB_WEBHOOK_SECRET: secret },
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

const times: number[] = [];
const statuses = new Map<number, number>();
for (let i = 0; i < deliveries; i++) {
  const issue = {
    ...issues[i % issues.length]!,
    number: 100_000 + i,
    updated_at: new Date(Date.UTC(2026, 0, 1) + i * 1000).toISOString(),
  };
  const body = JSON.stringify({
    action: 'opened',
    issue,
    repository: { full_name: 'webcompat/web-bugs' },
    sender: { login: 'bench' },
  });
  const t0 = performance.now();
  const res = await fetch(`${url}/hooks/github`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-github-event': 'issues',
      'x-github-delivery': randomUUID(),
      'x-hub-signature-256': hubSignature(secret, body),
    },
    body,
  });
  await res.arrayBuffer();
  const ms = performance.now() - t0;
  if (i >= 20) times.push(ms); // the first few warm the JIT and the database
  statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
}
child.kill('SIGTERM');
await new Promise((ok) => child.once('exit', ok));
rmSync(dir, { recursive: true, force: true });
times.sort((a, b) => a - b);
const q = (p: number) => times[Math.min(times.length - 1, Math.floor(p * times.length))]!.toFixed(1);
process.stdout.write(
  `# webhook delivery latency\n\nMachine: ${cpus().length} × ${cpus()[0]?.model ?? '?'}, ${Math.round(totalmem() / 2 ** 30)} GiB; Node ${process.version}; ${new Date().toISOString().slice(0, 10)}. \`npm run bench:hooks -- --deliveries ${deliveries}\`: signed GitHub issues deliveries, one at a time, to \`eightball serve\` (SQLite, embedded queue); the first 20 not counted.\n\n| deliveries | statuses | p50 ms | p90 ms | p99 ms | max ms |\n|---:|---|---:|---:|---:|---:|\n| ${times.length} | ${[...statuses].map(([s, n]) => `${s}×${n}`).join(' ')} | ${q(0.5)} | ${q(0.9)} | ${q(0.99)} | ${times.at(-1)!.toFixed(1)} |\n`,
);

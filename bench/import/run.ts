// bench/import: reports per second and peak memory for each shared file, into SQLite and PostgreSQL.
// Usage: npm run bench:import [-- --pg postgres://postgres@127.0.0.1:5432/test]
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';

const here = dirname(fileURLToPath(import.meta.url));
const data = process.env.EIGHTBALL_SHARED_DATA ?? resolve(here, '../../../shared/data');
const pgIdx = process.argv.indexOf('--pg');
const pgUrl = pgIdx > 0 ? process.argv[pgIdx + 1] : process.env.EIGHTBALL_TEST_POSTGRES_URL;

const FILES = [
  'bugzilla/list-exports/Eclipse.csv',
  'bugzilla/list-exports/Mozilla.csv',
  'bugzilla/list-exports/Netbeans.csv',
  'bugzilla/list-exports/Openoffice.csv',
  'bugzilla/mozilla/bugs-2009-2018.jsonl',
  'github/nlbse2024/issues_train.csv',
  'github/webcompat-issues.jsonl',
  'jira/apache/HIVE.jsonl',
  'jira/apache/HADOOP.jsonl',
  'localization/blia/AspectJBugRepository.xml',
];

if (!existsSync(data)) {
  process.stderr.write(`shared data not found at ${data}\n`);
  process.exit(1);
}

function one(
  file: string,
  url: string,
): { records: number; perSecond: number; maxRssMiB: number; seconds: number } {
  const out = execFileSync(
    process.execPath,
    ['--import', 'tsx', join(here, 'one.ts'), join(data, file), url],
    {
      encoding: 'utf8',
    },
  );
  return JSON.parse(out.trim().split('\n').at(-1)!);
}

async function freshPg(): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `eightball_bench_${process.pid}_${Date.now()}`;
  const admin = new pg.Client({ connectionString: pgUrl });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const u = new URL(pgUrl!);
  u.pathname = `/${name}`;
  return {
    url: u.toString(),
    drop: async () => {
      const a = new pg.Client({ connectionString: pgUrl });
      await a.connect();
      await a.query(`drop database if exists ${name} with (force)`);
      await a.end();
    },
  };
}

const rows: string[] = [];
rows.push(
  `Machine: ${cpus().length} × ${cpus()[0]?.model ?? '?'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}; ${new Date().toISOString().slice(0, 10)}`,
);
rows.push('');
rows.push(
  '| file | reports | SQLite reports/s | SQLite peak RSS | PostgreSQL reports/s | PostgreSQL peak RSS |',
);
rows.push('|---|---:|---:|---:|---:|---:|');
for (const file of FILES) {
  const dir = mkdtempSync(join(tmpdir(), 'eightball-bench-'));
  const lite = one(file, `sqlite:${join(dir, 'bench.db')}`);
  rmSync(dir, { recursive: true, force: true });
  let pgCells = 'n/a | n/a';
  if (pgUrl) {
    const db = await freshPg();
    try {
      const r = one(file, db.url);
      pgCells = `${Math.round(r.perSecond).toLocaleString('en')} | ${r.maxRssMiB.toFixed(0)} MiB`;
    } finally {
      await db.drop();
    }
  }
  rows.push(
    `| ${file} | ${lite.records.toLocaleString('en')} | ${Math.round(lite.perSecond).toLocaleString('en')} | ${lite.maxRssMiB.toFixed(0)} MiB | ${pgCells} |`,
  );
  process.stderr.write(`${rows.at(-1)}\n`);
}
process.stdout.write(`${rows.join('\n')}\n`);

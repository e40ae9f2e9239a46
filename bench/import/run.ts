// bench/import: reports per second and peak memory for each shared file, into SQLite and PostgreSQL.
// Usage: npm run bench:import [-- --pg postgres://postgres@127.0.0.1:5432/test] [--million]
import { execFileSync } from 'node:child_process';
import { createWriteStream, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
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
  'bugzilla/mozilla/fixtures-2019.jsonl',
  'github/nlbse2024/issues_train.csv',
  'github/nlbse2024/issues_test.csv',
  'github/webcompat-issues.jsonl',
  'jira/apache/HIVE.jsonl',
  'jira/apache/HADOOP.jsonl',
  'jira/apache/HDFS.jsonl',
  'jira/apache/MAPREDUCE.jsonl',
  'jira/apache/YARN.jsonl',
  'localization/blia/AspectJBugRepository.xml',
  'localization/blia/SWTBugRepository.xml',
  'localization/blia/ZXingBugRepository.xml',
  'localization/ye-fse14/AspectJ.txt',
];
const million = process.argv.includes('--million');

if (!existsSync(data)) {
  process.stderr.write(`shared data not found at ${data}\n`);
  process.exit(1);
}

function one(
  file: string,
  url: string,
  absolute = false,
): { records: number; perSecond: number; maxRssMiB: number; seconds: number } {
  const out = execFileSync(
    process.execPath,
    ['--import', 'tsx', join(here, 'one.ts'), absolute ? file : join(data, file), url],
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
if (million) {
  // streaming check: a million-row export built from Eclipse's rows with fresh ids; peak memory
  // should stay near the 8k-row file's
  const dir = mkdtempSync(join(tmpdir(), 'eightball-million-'));
  const lines = readFileSync(join(data, 'bugzilla/list-exports/Eclipse.csv'), 'utf8')
    .trimEnd()
    .split(/\r?\n/);
  // whole one-line records only, so the generated file has exactly a million
  const src = [
    lines[0]!,
    ...lines.slice(1).filter((l) => /^"\d+";.*"$/.test(l) && (l.match(/"/g)?.length ?? 0) % 2 === 0),
  ];
  const out = createWriteStream(join(dir, 'million.csv'));
  out.write(`${src[0]}\n`);
  for (let i = 0; i < 1_000_000; i++) {
    const row = src[1 + (i % (src.length - 1))]!.replace(/^"\d+"/, `"${10_000_000 + i}"`);
    if (!out.write(`${row}\n`)) await new Promise<void>((r) => out.once('drain', () => r()));
  }
  await new Promise<void>((r) => out.end(() => r()));
  const r = one(join(dir, 'million.csv'), `sqlite:${join(dir, 'million.db')}`, true);
  rmSync(dir, { recursive: true, force: true });
  rows.push('');
  rows.push(
    `1,000,000-row CSV (Eclipse rows, new ids) into SQLite: ${r.records.toLocaleString('en')} reports in ${r.seconds.toFixed(1)} s = ${Math.round(r.perSecond).toLocaleString('en')} reports/s, peak RSS ${r.maxRssMiB.toFixed(0)} MiB`,
  );
}
process.stdout.write(`${rows.join('\n')}\n`);

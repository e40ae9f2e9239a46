// bench/localization: which source files a bug's fix touched, ranked; eightball beside a
// BugLocator-style scikit-learn baseline in the same run, on the same reports and split.
// Usage: npm run bench:localization -- --aspectj GITDIR [--json]
//   GITDIR: a local clone of github.com/eclipse-aspectj/aspectj (or EIGHTBALL_BENCH_ASPECTJ_GIT),
//   kept outside this repository. Without it only the history-only rows run.
// Needs Debian's python3-sklearn for the baseline (/usr/bin/python3, or PYTHON).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { timeSplit } from '../../src/evaluation/splits.ts';
import { resolveCommits } from '../../src/localization/evaluate-files.ts';
import { BlobReader } from '../../src/sources/git/blob-reader.ts';
import { openGitRepo } from '../../src/sources/git/git-command.ts';
import { gitLog } from '../../src/sources/git/git-log.ts';
import { SourceSnapshots } from '../../src/sources/git/source-snapshots.ts';
import { loadReports } from '../../src/sources/load-reports.ts';
import { SHARED_DATA } from '../options.ts';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '../..');
const python = process.env.PYTHON ?? '/usr/bin/python3';
const arg = (name: string) =>
  process.argv.includes(name) ? process.argv[process.argv.indexOf(name) + 1] : undefined;
const aspectj = arg('--aspectj') ?? process.env.EIGHTBALL_BENCH_ASPECTJ_GIT;
const ye = join(SHARED_DATA, 'localization/ye-fse14/AspectJ.txt');

if (!existsSync(ye)) {
  process.stderr.write(`shared data not found at ${SHARED_DATA}\n`);
  process.exit(1);
}

interface Row {
  data: string;
  tool: string;
  figures: Record<string, number | string>;
  wallSeconds: number;
  peakMiB: number;
}
const rows: Row[] = [];

function eightball(data: string, tool: string, args: string[]): void {
  process.stderr.write(`${data}: ${tool}...\n`);
  const t0 = performance.now();
  const r = spawnSync(
    '/usr/bin/time',
    [
      '-f',
      '%M',
      process.execPath,
      join(root, 'bin/eightball.js'),
      'evaluate',
      '--task',
      'files',
      ...args,
      '--json',
    ],
    {
      encoding: 'utf8',
      maxBuffer: 1 << 26,
    },
  );
  const wallSeconds = (performance.now() - t0) / 1000;
  if (r.status !== 0) {
    process.stderr.write(r.stderr);
    rows.push({ data, tool: `${tool} (failed, exit ${r.status})`, figures: {}, wallSeconds, peakMiB: 0 });
    return;
  }
  const peakKb = Number(r.stderr.trim().split('\n').at(-1));
  rows.push({ data, tool, figures: JSON.parse(r.stdout), wallSeconds, peakMiB: peakKb / 1024 });
}

eightball("AspectJ (FSE'14, 593 reports), history only", 'eightball', ['-i', ye]);
for (const p of ['AspectJ', 'SWT', 'ZXing'])
  eightball(`BLIA ${p}, history only`, 'eightball', [
    '-i',
    join(SHARED_DATA, `localization/blia/${p}BugRepository.xml`),
  ]);

// Jira's code_changes.json: the Java classes each fix changed, history only (no repositories)
const changes = join(SHARED_DATA, 'jira/apache/code_changes.json');
for (const p of ['HADOOP', 'HDFS', 'HIVE', 'MAPREDUCE', 'YARN'])
  eightball(`Jira ${p} (code_changes.json), history only`, 'eightball', [
    '-i',
    join(SHARED_DATA, `jira/apache/${p}.jsonl`),
    '--fixed-files',
    changes,
  ]);

const speed: Record<string, number> = {};
if (aspectj) {
  const repo = openGitRepo(aspectj);
  // reading the whole history once (what `import git` links from)
  let t = performance.now();
  let commits = 0;
  for await (const _ of gitLog(repo, 'HEAD')) commits++;
  speed.historySeconds = (performance.now() - t) / 1000;
  speed.commits = commits;
  eightball("AspectJ (FSE'14, 593 reports), source before the fix", 'eightball', [
    '-i',
    ye,
    '--repo',
    aspectj,
  ]);

  // the baseline's inputs: one snapshot (the parent of the median test report's fix) and the reports
  const { reports } = await loadReports(ye);
  const withFiles = reports.filter((r) => r.labels.files && r.createdAt);
  const split = timeSplit(withFiles.map((r) => ({ time: r.createdAt, id: r.externalId })));
  const test = new Set(split.test);
  const shorts = withFiles.map((r) => (r.labels.commit ?? '').split(/\s+/)[0]!).filter(Boolean);
  // the fixes' commit times, as evaluate --task files reads them
  const fixCommits = resolveCommits(repo, shorts);
  const times = new Map([...fixCommits].map(([short, c]) => [short, c.time]));
  const median = withFiles[split.test[Math.floor(split.test.length / 2)]!]!;
  const snapshotRev = `${(median.labels.commit ?? '').split(/\s+/)[0]}^`;
  const dir = mkdtempSync(join(tmpdir(), 'eightball-loc-'));
  const snapshots = new SourceSnapshots(repo);
  t = performance.now();
  // a second reader, so the revision is indexed from nothing (closed after: its git process would
  // keep the bench from ending)
  const freshSnapshots = new SourceSnapshots(repo);
  const fresh = await freshSnapshots.at(snapshotRev);
  freshSnapshots.close();
  speed.indexOneRevisionSeconds = (performance.now() - t) / 1000;
  speed.filesInRevision = fresh.index.size;
  const reader = new BlobReader(repo);
  const entries = snapshots.tree(snapshotRev);
  const lines: string[] = [];
  for (const e of entries) {
    const b = await reader.read(e.blob);
    if (b && !b.subarray(0, 8000).includes(0))
      lines.push(JSON.stringify({ path: e.path, text: b.toString('utf8') }));
  }
  reader.close();
  snapshots.close();
  writeFileSync(join(dir, 'files.jsonl'), `${lines.join('\n')}\n`);
  writeFileSync(
    join(dir, 'reports.jsonl'),
    `${withFiles
      .map((r, i) =>
        JSON.stringify({
          id: r.externalId,
          text: `${r.summary}\n${r.description}`,
          filed: Date.parse(r.createdAt!),
          fixed: times.get((r.labels.commit ?? '').split(/\s+/)[0]!) ?? Date.parse(r.createdAt!),
          files: (r.labels.files ?? '').split(/\s+/).filter(Boolean),
          test: test.has(i),
        }),
      )
      .join('\n')}\n`,
  );
  process.stderr.write('AspectJ: scikit-learn BugLocator...\n');
  t = performance.now();
  const sk = spawnSync('/usr/bin/time', ['-f', '%M', python, join(here, 'buglocator.py'), dir], {
    encoding: 'utf8',
    maxBuffer: 1 << 26,
  });
  if (sk.status === 0)
    rows.push({
      data: `AspectJ (FSE'14, 593 reports), one snapshot (${snapshotRev.slice(0, 8)})`,
      tool: 'scikit-learn BugLocator (rVSM + similar reports, α = 0.2)',
      figures: JSON.parse(sk.stdout),
      wallSeconds: (performance.now() - t) / 1000,
      peakMiB: Number(sk.stderr.trim().split('\n').at(-1)) / 1024,
    });
  else process.stderr.write(sk.stderr);
  rmSync(dir, { recursive: true, force: true });
} else
  process.stderr.write(
    'no --aspectj GITDIR (or EIGHTBALL_BENCH_ASPECTJ_GIT): the source rows and the baseline are left out\n',
  );

if (process.argv.includes('--json')) {
  process.stdout.write(`${JSON.stringify({ rows, speed })}\n`);
} else {
  const f3 = (v: unknown) => (typeof v === 'number' ? v.toFixed(3) : '–');
  const out = [
    `Machine: ${cpus().length} × ${cpus()[0]?.model ?? '?'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB; Node ${process.version}; ${new Date().toISOString().slice(0, 10)}. Command: \`npm run bench:localization -- --aspectj GITDIR\`.`,
    '',
    '| data | tool | top-1 | top-5 | top-10 | MAP | MRR | test / left out | files a revision | learn s | rank ms p99 | wall s | peak MiB |',
    '|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...rows.map(
      (r) =>
        `| ${r.data} | ${r.tool} | ${f3(r.figures.top1)} | ${f3(r.figures.top5)} | ${f3(r.figures.top10)} | ${f3(r.figures.map)} | ${f3(r.figures.mrr)} | ${r.figures.nTest ?? '–'} / ${r.figures.nSkipped ?? '–'} | ${r.figures.filesPerRevision ?? r.figures.filesIndexed ?? '–'} | ${typeof r.figures.fitSeconds === 'number' ? r.figures.fitSeconds.toFixed(1) : '–'} | ${typeof r.figures.rankMsP99 === 'number' ? r.figures.rankMsP99.toFixed(1) : '–'} | ${r.wallSeconds.toFixed(0)} | ${Math.round(r.peakMiB)} |`,
    ),
    '',
    Object.keys(speed).length
      ? `Speed: the whole history (${speed.commits} commits) read in ${speed.historySeconds?.toFixed(1)} s; one revision (${speed.filesInRevision} files) indexed from nothing in ${speed.indexOneRevisionSeconds?.toFixed(1)} s.`
      : '',
  ];
  process.stdout.write(`${out.join('\n')}\n`);
}

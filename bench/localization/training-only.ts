// How a ranker rule is chosen without reading the test quarter: `evaluate --task files` on the
// training side only (the oldest 75% of the reports, split again by time), each variant a set of
// features left out. One line of figures a variant.
// Usage: npm run bench:localization-training -- [--aspectj GITDIR] [--drop a,b --drop c ...]
//   with no --drop: the full ranker and each of the newest three features left out alone.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { evaluateFiles } from '../../src/localization/evaluate-files.ts';
import { FEATURES, type FeatureName } from '../../src/ml/file-features.ts';
import { openGitRepo } from '../../src/sources/git/git-command.ts';
import { loadReports } from '../../src/sources/load-reports.ts';
import { SHARED_DATA } from '../options.ts';

const args = process.argv.slice(2);
const value = (name: string) => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined);
const aspectj = value('--aspectj') ?? process.env.EIGHTBALL_BENCH_ASPECTJ_GIT;
const ye = join(SHARED_DATA, 'localization/ye-fse14/AspectJ.txt');
if (!existsSync(ye)) {
  process.stderr.write(`shared data not found at ${SHARED_DATA}\n`);
  process.exit(1);
}
const variants: FeatureName[][] = [];
args.forEach((a, i) => {
  if (a !== '--drop') return;
  const names = (args[i + 1] ?? '').split(',').filter(Boolean);
  for (const n of names)
    if (!(FEATURES as readonly string[]).includes(n)) {
      process.stderr.write(`--drop: "${n}" is not a feature (${FEATURES.join(', ')})\n`);
      process.exit(2);
    }
  variants.push(names as FeatureName[]);
});
if (variants.length === 0) variants.push([], ...FEATURES.slice(-3).map((f) => [f]), [...FEATURES.slice(-3)]);

const { reports } = await loadReports(ye);
const repo = aspectj ? openGitRepo(aspectj) : undefined;
process.stdout.write(
  `| left out | mode | top-1 | top-5 | top-10 | MAP | MRR | test |\n|---|---|---:|---:|---:|---:|---:|---:|\n`,
);
for (const drop of variants) {
  const e = await evaluateFiles(reports, { ...(repo ? { repo } : {}), trainingOnly: true, drop });
  const f = (v: number) => v.toFixed(3);
  process.stdout.write(
    `| ${drop.join(', ') || '(none)'} | ${e.mode} | ${f(e.top1)} | ${f(e.top5)} | ${f(e.top10)} | ${f(e.map)} | ${f(e.mrr)} | ${e.nTest} |\n`,
  );
}

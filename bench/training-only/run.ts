// bench/training-only: a model-selection rule (blend or not, how blends are gated) judged on
// training data alone, so that choosing it is not choosing on the benchmark's test sets.
// Usage: npm run bench:training-only [-- --only HDFS,YARN] [-- --encoder] [-- --blend-only]
//   [-- --compare missing|chars]
//   NLBSE'24: 5-fold cross-validation of issues_train.csv, one model per repository (own, pooled,
//   and with --encoder pooled with the sentence encoder's vectors, which takes ~2 min to encode
//   and ~15 min to evaluate on two cores).
//   Jira projects and list exports: the oldest 75% of the reports (the training side of the
//   benchmark's time split), split again by time inside it.
// Each dataset is evaluated with one model and with blends, in the same process.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { BugReport } from '../../src/domain/index.ts';
import { timeSplit } from '../../src/evaluation/splits.ts';
import { loadReports } from '../../src/sources/load-reports.ts';
import {
  type EvaluateOptions,
  type EvaluationResult,
  evaluateReports,
  type SentenceVectors,
} from '../../src/triage/evaluate-reports.ts';
import { encodeReports, loadSentenceEncoder } from '../../src/triage/sentence-encoder.ts';
import { SHARED_DATA } from '../options.ts';

interface Dataset {
  name: string;
  file: string;
  /** the benchmark's training side only: the oldest 75% by filing time */
  oldest?: boolean;
  opts: Omit<EvaluateOptions, 'blend' | 'model' | 'seed'>;
  encoder?: boolean;
}

const nlbse = 'github/nlbse2024/issues_train.csv';
const nlbseOpts = { label: 'type', split: { kind: 'kfold', k: 5 }, groupBy: 'product' } as const;
const DATASETS: Dataset[] = [
  { name: "NLBSE'24 own, 5-fold", file: nlbse, opts: nlbseOpts },
  { name: "NLBSE'24 pooled, 5-fold", file: nlbse, opts: { ...nlbseOpts, poolGroups: true } },
  {
    name: "NLBSE'24 pooled + encoder, 5-fold",
    file: nlbse,
    opts: { ...nlbseOpts, poolGroups: true },
    encoder: true,
  },
  ...['HADOOP', 'HDFS', 'MAPREDUCE', 'YARN'].map((p) => ({
    name: `Jira ${p}, time split`,
    file: `jira/apache/${p}.jsonl`,
    oldest: true,
    opts: { label: 'component', split: { kind: 'time' } } as const,
  })),
  ...['Mozilla', 'Netbeans'].map((p) => ({
    name: `list-export ${p}, time split`,
    file: `bugzilla/list-exports/${p}.csv`,
    oldest: true,
    opts: { label: 'product::component', split: { kind: 'time' } } as const,
  })),
];

const only = process.argv.includes('--only') ? process.argv[process.argv.indexOf('--only') + 1] : undefined;
const withEncoder = process.argv.includes('--encoder');
/** only the blend column (the one-model column does not depend on how blends are chosen) */
const blendOnly = process.argv.includes('--blend-only');
/**
 * `--compare missing`: the product's defaults with a blank categorical field as a `<missing>`
 * value of its own (before 0.1) against as nothing (issue 18: missing is not evidence)
 */
const compareMissing = process.argv.includes('--compare') && process.argv.includes('missing');
/** `--compare chars`: the product's defaults against the same with word + character 2-5-grams */
const compareChars = process.argv.includes('--compare') && process.argv.includes('chars');

function oldestQuarters(reports: BugReport[]): BugReport[] {
  const { train } = timeSplit(reports.map((r) => ({ time: r.createdAt, id: r.externalId })));
  return train.map((i) => reports[i]!);
}

const f3 = (v: number) => v.toFixed(3);
function cell(r: EvaluationResult): string {
  return `${f3(r.macroF1)} / ${f3(r.accuracy)}`;
}

if (!existsSync(SHARED_DATA)) {
  process.stderr.write(`shared data not found at ${SHARED_DATA}\n`);
  process.exit(1);
}
process.stdout.write(
  compareMissing
    ? '| training data only | blank = `<missing>` value | blank = nothing | top-3 before → after |\n|---|---:|---:|---:|\n'
    : compareChars
      ? '| training data only | words | words + char 2-5-grams | top-3 before → after |\n|---|---:|---:|---:|\n'
      : '| training data only | one model | blend | blended (last split) |\n|---|---:|---:|---:|\n',
);
for (const d of DATASETS) {
  if (only && !only.split(',').some((o) => d.name.includes(o))) continue;
  if (d.encoder && !withEncoder) continue;
  const loaded = (await loadReports(join(SHARED_DATA, d.file))).reports;
  const reports = d.oldest ? oldestQuarters(loaded) : loaded;
  let sentenceVectors: SentenceVectors | undefined;
  if (d.encoder)
    sentenceVectors = await encodeReports(reports, ['summary', 'description'], await loadSentenceEncoder());
  const run = (blend: boolean, missing?: 'none' | 'feature', chars?: boolean) =>
    evaluateReports(reports, {
      ...d.opts,
      model: 'auto',
      seed: 42,
      blend,
      sentenceVectors,
      ...(missing ? { missing } : {}),
      ...(chars ? { charNgrams: [2, 5] as [number, number] } : {}),
    });
  if (compareChars) {
    const before = run(true);
    const after = run(true, undefined, true);
    const top3 = (r: EvaluationResult) => (r.top3 === null ? '–' : f3(r.top3));
    process.stdout.write(
      `| ${d.name} | ${cell(before)} | ${cell(after)} | ${top3(before)} → ${top3(after)} |\n`,
    );
    continue;
  }
  if (compareMissing) {
    const before = run(true, 'feature');
    const after = run(true, 'none');
    const top3 = (r: EvaluationResult) => (r.top3 === null ? '–' : f3(r.top3));
    process.stdout.write(
      `| ${d.name} | ${cell(before)} | ${cell(after)} | ${top3(before)} → ${top3(after)} |\n`,
    );
    continue;
  }
  const single = blendOnly ? null : run(false);
  const blended = run(true);
  const groups = blended.groups ?? [blended];
  const chosen = groups.filter((g) => g.blend && g.blend.length > 1).length;
  process.stdout.write(
    `| ${d.name} | ${single ? cell(single) : '–'} | ${cell(blended)} | ${chosen} of ${groups.length} |\n`,
  );
}

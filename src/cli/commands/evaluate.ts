import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Command, Option } from 'commander';
import { EightballError } from '../../domain/index.ts';
import { SELECTION_METRICS, type SelectionMetric } from '../../ml/index.ts';
import { parseColumnMap } from '../../sources/csv-source.ts';
import { FILE_FORMATS, type FileFormat } from '../../sources/file-source.ts';
import { loadReports } from '../../sources/load-reports.ts';
import { isKnownLabel, META_FIELDS, TEXT_FIELDS } from '../../triage/dataset.ts';
import {
  type EvaluationResult,
  evaluateReports,
  type ModelChoice,
  type SentenceVectors,
  SMALL_DATA,
  type SplitSpec,
} from '../../triage/evaluate-reports.ts';
import { evaluationHtml, evaluationJson } from '../../triage/evaluation-report.ts';
import { encodeReports, loadSentenceEncoder, SENTENCE_ENCODER } from '../../triage/sentence-encoder.ts';
import { parseLabelMap } from '../../triage/tasks/label-map.ts';
import { objectiveForLabel } from '../../triage/tasks/registry.ts';
import { isQuiet, threadsFor } from '../context.ts';
import { createProgress } from '../progress.ts';
import { runFilesEvaluation } from './evaluate-files.ts';

function parseSplit(s: string): SplitSpec {
  if (s === 'time' || s === 'random' || s === 'file') return { kind: s };
  const m = /^kfold:(\d+)$/.exec(s);
  if (m && Number(m[1]) >= 2) return { kind: 'kfold', k: Number(m[1]) };
  throw new EightballError('usage', `--split: "${s}" is not time, random, kfold:K (K ≥ 2) or file`);
}

function splitExporter(dir: string) {
  mkdirSync(dir, { recursive: true });
  let n = 0;
  return (train: { text: string; label: string }[], test: { text: string; label: string }[]) => {
    n++;
    const lines = (xs: object[]) => xs.map((x) => JSON.stringify(x)).join('\n') + '\n';
    writeFileSync(join(dir, `split-${String(n).padStart(2, '0')}-train.jsonl`), lines(train));
    writeFileSync(join(dir, `split-${String(n).padStart(2, '0')}-test.jsonl`), lines(test));
  };
}

function parseList(s: string, allowed: readonly string[], flag: string): string[] {
  const xs = s
    .split(',')
    .map((x) => x.trim())
    .filter((x) => x !== '');
  for (const x of xs) {
    if (!allowed.includes(x))
      throw new EightballError('usage', `${flag}: unknown field "${x}" (fields: ${allowed.join(', ')})`);
  }
  return xs;
}

function printText(r: EvaluationResult): void {
  const f = (v: number | null) => (v === null ? '–' : v.toFixed(3));
  const line = (g: EvaluationResult, name: string) =>
    `${name.padEnd(28)} acc ${f(g.accuracy)}  macro-F1 ${f(g.macroF1)}  top-3 ${f(g.top3)}  AUC ${f(g.auc)}  ECE ${f(g.ece)}  (${g.nTrain} train, ${g.nTest} test, ${g.classes} classes, ${g.model})`;
  if (r.groups) for (const g of r.groups) process.stdout.write(`${line(g, g.group)}\n`);
  for (const g of r.skippedGroups ?? [])
    process.stdout.write(`${g.group.padEnd(28)} not evaluated: ${g.reason}\n`);
  process.stdout.write(`${line(r, r.groups ? 'mean of groups' : `${r.label} (${r.split} split)`)}\n`);
  process.stdout.write(
    `fit ${r.fitSeconds.toFixed(2)} s (+ ${r.selectionSeconds.toFixed(1)} s model selection), predict ${r.predictMsPerReport.toFixed(2)} ms/report (p99 ${r.predictMsP99.toFixed(2)} ms)\n`,
  );
  if (r.droppedClasses.length > 0) {
    process.stdout.write(
      `dropped ${r.droppedClasses.length} class(es) with fewer than 5 training reports (${r.droppedReports.train} train, ${r.droppedReports.test} test reports)\n`,
    );
  }
}

/** `2-5` → [2, 5]: character n-gram lengths, 1 to 10, the first no larger than the second. */
function parseRange(v: string): [number, number] {
  const m = /^(\d+)-(\d+)$/.exec(v.trim());
  const lo = m ? Number(m[1]) : Number.NaN;
  const hi = m ? Number(m[2]) : Number.NaN;
  if (!m || lo < 1 || hi > 10 || lo > hi)
    throw new EightballError(
      'usage',
      `--char-ngrams: "${v}" is not LO-HI with 1 <= LO <= HI <= 10 (e.g. 2-5)`,
    );
  return [lo, hi];
}

export function registerEvaluate(program: Command): void {
  program
    .command('evaluate')
    .description('train and test a model on a file of reports, and measure it (no database needed)')
    .requiredOption('-i, --input <file>', 'the reports (any format `import file` reads)')
    .addOption(
      new Option('-f, --format <format>', 'the input format').choices([...FILE_FORMATS]).default('auto'),
    )
    .option('-m, --map <field=column,...>', 'CSV column map, as for import file')
    .option('-l, --labels <file>', 'a CSV of id,label... joined into the reports (use --label labels.NAME)')
    .option(
      '--label <field>',
      'what to predict: component, product::component, type, severity, ... or labels.NAME (not with --task files)',
    )
    .addOption(
      new Option(
        '--task <task>',
        "files: rank the source files each report's fix touched (the input needs a files column; with --repo, against the source itself)",
      ).choices(['files']),
    )
    .option(
      '--repo <gitdir>',
      'with --task files: a local clone (bare or not, or its .git directory) to read the source from',
    )
    .addOption(
      new Option(
        '--revision <rule>',
        "with --task files and --repo: rank against the parent of the report's fixing commit (before-fix, as published benchmarks do) or the last commit before it was filed (filed)",
      )
        .choices(['before-fix', 'filed'])
        .default('before-fix'),
    )
    .option(
      '--fixed-files <file>',
      "with --task files: a JSON map from report id to the files or classes its fix changed (Jira's code_changes.json), joined into the reports",
    )
    .option('--branch <name>', 'with --revision filed: the branch to look for that commit on', 'HEAD')
    .option('--text <fields>', 'text fields', 'summary,description')
    .option(
      '--meta <fields>',
      'categorical fields to one-hot (default: platform, opSys, severity; product for --label component; reporter for component and product::component); "none" for text only',
    )
    .option(
      '--char-ngrams <lo-hi>',
      'add character n-grams of the words, e.g. 2-5 (slower; can help short texts and misspellings)',
    )
    .addOption(
      new Option(
        '--sentence-encoder <name>',
        "also try a pretrained sentence encoder's vectors of each report as features (Universal Sentence Encoder lite, bundled: no download); about 80 ms a report to encode, so meant for thousands of reports, not hundreds of thousands",
      ).choices([SENTENCE_ENCODER]),
    )
    .option(
      '--split <kind>',
      'time (oldest 75% train), random (stratified), kfold:K, or file (with --test-input)',
      'time',
    )
    .option('--test-input <file>', 'the test reports, for --split file')
    .option(
      '--group-by <field>',
      'one model per value of this field (e.g. product): results per group and their mean',
    )
    .option(
      '--pool-groups',
      "with --group-by: each group's model also learns from the other groups' training reports (the group is a feature, and the text fields get a copy only the group's own reports fill, so words can mean something else in this group); still tested on its own group. With --split time only reports filed before the group's test period are borrowed",
    )
    .addOption(
      new Option('--model <model>', 'auto chooses by cross-validation on the training data')
        .choices(['auto', 'logreg', 'svm', 'nb'])
        .default('auto'),
    )
    .option(
      '--no-blend',
      `answer with the single best model of the search even on small data (by default, up to ${SMALL_DATA} training reports, a blend of the search's models chosen on their out-of-fold probabilities answers)`,
    )
    .addOption(
      new Option(
        '--objective <metric>',
        "what the model search judges candidates by: mean (accuracy and macro-F1 alike; the built-in tasks' default), topk (top-1 and top-3 accuracy alike), accuracy (top-1), or macroF1 (every class alike)",
      ).choices([...SELECTION_METRICS]),
    )
    .addOption(
      new Option(
        '--bias-correction <when>',
        'per-class bias correction fitted on held-out training reports: auto (with the topk and accuracy objectives), on, off',
      )
        .choices(['auto', 'on', 'off'])
        .default('auto'),
    )
    .option(
      '--label-map <from=to,...>',
      "merge label values before learning, as a team task's map: FROM=TO renames, FROM= drops, PREFIX*=TO matches a prefix, *=TO every other value (e.g. nobug=nobug,*=bug)",
    )
    .option(
      '--selection-sample <n>',
      'above this many training reports the model is chosen by cross-validating an evenly spaced sample of that many, then fitted on all',
      (v) => {
        const n = Number(v);
        if (!Number.isInteger(n) || n < 100)
          throw new EightballError(
            'usage',
            `--selection-sample: "${v}" is not a whole number of at least 100`,
          );
        return n;
      },
      50_000,
    )
    .option('--seed <n>', 'seed for splits and solvers', (v) => Number.parseInt(v, 10), 1)
    .option('--json', 'print one JSON object')
    .option(
      '--export-split <dir>',
      "write each split's train and test texts and labels as JSON lines (to run another tool on the same split)",
    )
    .option('--html <file>', 'write a self-contained report page with every chart and table')
    .addHelpText(
      'after',
      `
Classes with fewer than 5 training reports are dropped from train and test, and reported.
Up to ${SMALL_DATA} training reports, the answer is a blend: the models of the search whose
out-of-fold probabilities, averaged, predict the held-out labels best (greedy ensemble selection on
log-loss); each member is fitted on all training reports and weighs by how often it was picked.
The blend answers only where it beats the best model alone on out-of-fold answers neither was
chosen on (and, with the time split, on the newest fifth of the training reports); else that model
answers alone.
Probabilities are calibrated (temperature scaling) on out-of-fold scores of the training data; with
the time split, on the newest fifth of the training reports as scored by a model of the older four
fifths, so the calibration sees the drift the test will.

Examples:
  $ eightball evaluate -i ../shared/data/jira/apache/HDFS.jsonl --label component --html hdfs.html
  $ eightball evaluate --task files -i ../shared/data/localization/ye-fse14/AspectJ.txt \\
      --repo ~/src/aspectj --json
  $ eightball evaluate --task files -i ../shared/data/jira/apache/YARN.jsonl \
      --fixed-files ../shared/data/jira/apache/code_changes.json
  $ eightball evaluate -i ../shared/data/github/nlbse2024/issues_train.csv --split file \\
      --test-input ../shared/data/github/nlbse2024/issues_test.csv --label type --group-by product --json
  $ eightball evaluate -i ../shared/data/bugzilla/mozilla/bugs-2009-2018.jsonl \\
      --labels ../shared/data/bugzilla/mozilla/labels-regression-bug-nobug.csv --label labels.category --split kfold:5`,
    )
    .action(async (o, cmd: Command) => {
      if (o.task === 'files') return runFilesEvaluation(o, cmd);
      if (o.label === undefined)
        throw new EightballError('usage', 'evaluate needs --label FIELD (what to predict), or --task files');
      if (o.repo !== undefined) throw new EightballError('usage', '--repo goes with --task files');
      if (o.fixedFiles !== undefined)
        throw new EightballError('usage', '--fixed-files goes with --task files');
      if (!isKnownLabel(o.label)) {
        throw new EightballError(
          'usage',
          `--label: "${o.label}" is not a report field, product::component or labels.NAME`,
        );
      }
      const split = parseSplit(o.split);
      if (split.kind === 'file' && !o.testInput)
        throw new EightballError('usage', '--split file needs --test-input FILE');
      if (o.poolGroups && !o.groupBy)
        throw new EightballError('usage', '--pool-groups goes with --group-by FIELD');
      if (o.testInput && split.kind !== 'file')
        throw new EightballError('usage', '--test-input goes with --split file');
      const textFields = parseList(o.text, TEXT_FIELDS, '--text');
      const charNgrams = o.charNgrams === undefined ? undefined : parseRange(o.charNgrams);
      const metaFields =
        o.meta === undefined ? undefined : o.meta === 'none' ? [] : parseList(o.meta, META_FIELDS, '--meta');
      const quiet = isQuiet(cmd) || o.json;
      const load = async (path: string) => {
        const { reports, rejected } = await loadReports(path, {
          format: o.format as FileFormat,
          map: parseColumnMap(o.map),
          labelsPath: o.labels,
        });
        if (!quiet && rejected.length > 0)
          process.stderr.write(`${path}: ${rejected.length} record(s) rejected and left out\n`);
        return reports;
      };
      const reports = await load(o.input);
      const testReports = o.testInput ? await load(o.testInput) : undefined;
      const bar = createProgress('evaluating', !quiet && process.stderr.isTTY === true);
      let sentenceVectors: SentenceVectors | undefined;
      let encoding: { encoder: string; seconds: number; reports: number } | undefined;
      if (o.sentenceEncoder) {
        const t0 = performance.now();
        const encoder = await loadSentenceEncoder(o.sentenceEncoder, threadsFor(cmd));
        sentenceVectors = await encodeReports(
          [...reports, ...(testReports ?? [])],
          textFields,
          encoder,
          (done, total) => bar.update(done, total, `encoding reports with ${encoder.name}`),
        );
        // reported apart: fit and predict times exclude it (the vectors are made once, beforehand)
        encoding = {
          encoder: encoder.name,
          seconds: (performance.now() - t0) / 1000,
          reports: reports.length + (testReports?.length ?? 0),
        };
      }
      let result: EvaluationResult;
      try {
        result = evaluateReports(reports, {
          label: o.label,
          textFields,
          metaFields,
          split,
          testReports,
          groupBy: o.groupBy,
          poolGroups: o.poolGroups === true,
          blend: o.blend !== false,
          selectionSample: o.selectionSample,
          model: o.model as ModelChoice,
          seed: o.seed,
          labelMap: o.labelMap ? parseLabelMap(o.labelMap) : undefined,
          objective: (o.objective as SelectionMetric | undefined) ?? objectiveForLabel(o.label),
          ...(o.biasCorrection === 'auto' ? {} : { biasCorrection: o.biasCorrection === 'on' }),
          charNgrams,
          sentenceVectors,
          onSplit: o.exportSplit ? splitExporter(o.exportSplit) : undefined,
          onProgress: (what, done, total) => bar.update(done, total, what),
          threads: threadsFor(cmd),
        });
      } finally {
        bar.stop();
      }
      if (o.json)
        process.stdout.write(
          `${JSON.stringify({ ...evaluationJson(result), ...(encoding ? { sentenceEncoding: encoding } : {}), peakRssMiB: process.resourceUsage().maxRSS / 1024 })}\n`,
        );
      else {
        printText(result);
        if (encoding)
          process.stdout.write(
            `sentence vectors (${encoding.encoder}) of ${encoding.reports} reports made beforehand in ${encoding.seconds.toFixed(1)} s, not counted in fit or predict times\n`,
          );
      }
      if (o.html) {
        writeFileSync(o.html, await evaluationHtml(result, `eightball evaluation: ${o.label} on ${o.input}`));
        if (!quiet) process.stderr.write(`wrote ${o.html}\n`);
      }
    });
}

// bench/fit-core: one fit, per core, beside LIBLINEAR. HIVE's component task, the oldest 75% of
// its reports by filing time (classes under 5 reports dropped), the settings its model search
// picks (SVM, C = 1, balanced class weights, word uni+bigrams, sublinear tf-idf, min_df 2).
// eightball: tokenising, counting and weighting (the vectorizer), and the SVM's one-vs-rest fits,
// each phase timed, on 1 and on 2 threads. scikit-learn: TfidfVectorizer(ngram_range=(1, 2),
// sublinear_tf=True, min_df=2) and LinearSVC(C=1, class_weight='balanced') (LIBLINEAR, one
// thread) on the same reports' joined title and body, each phase timed. Best of --repeat runs.
// Usage: npm run bench:fit-core -- [--data HIVE] [--repeat 3] [--json]
// Needs Debian's python3-sklearn (/usr/bin/python3, or PYTHON).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { timeSplit } from '../../src/evaluation/splits.ts';
import { fitModel } from '../../src/ml/model-kinds.ts';
import { countOnTwoThreads } from '../../src/ml/parallel-count.ts';
import type { CsrMatrix } from '../../src/ml/sparse.ts';
import { DEFAULT_VECTORIZER } from '../../src/ml/terms.ts';
import { CODE_TOKENIZER, tokenizeDoc, tokenizerOptions } from '../../src/ml/tokenizer-spec.ts';
import { TfidfVectorizer } from '../../src/ml/vectorizer.ts';
import { loadReports } from '../../src/sources/load-reports.ts';
import { numberArg, SHARED_DATA } from '../options.ts';

const here = dirname(fileURLToPath(import.meta.url));
const python = process.env.PYTHON ?? '/usr/bin/python3';
const at = process.argv.indexOf('--data');
const data = at >= 0 ? process.argv[at + 1]! : 'HIVE';
const repeat = numberArg('repeat', 3);
const json = process.argv.includes('--json');
const input = join(SHARED_DATA, `jira/apache/${data}.jsonl`);
if (!existsSync(input)) {
  process.stderr.write(`${input} not found: the shared data is needed\n`);
  process.exit(1);
}

const { reports } = await loadReports(input);
const labelled = reports.filter((r) => r.component);
const split = timeSplit(labelled.map((r) => ({ time: r.createdAt, id: r.externalId })));
let train = split.train.map((i) => labelled[i]!);
const counts = new Map<string, number>();
for (const r of train) counts.set(r.component!, (counts.get(r.component!) ?? 0) + 1);
train = train.filter((r) => counts.get(r.component!)! >= 5);
const y = train.map((r) => r.component!);
const classes = new Set(y).size;

type Phases = { tokenize: number; vectorize: number; fit: number; total: number };
const best = (runs: Phases[]): Phases => runs.reduce((a, b) => (b.total < a.total ? b : a));

function eightball(threads: number): Phases & { features: number } {
  const runs: Phases[] = [];
  let features = 0;
  const raw = (rep: (typeof train)[number]) => ({
    text: { summary: rep.summary, description: rep.description },
    meta: {},
  });
  for (let r = 0; r < repeat; r++) {
    const t0 = performance.now();
    const vectorizer = new TfidfVectorizer(DEFAULT_VECTORIZER);
    let X: CsrMatrix;
    let t1: number;
    if (threads >= 2) {
      // as TextClassifier.fitRaw does on two threads: a worker tokenises and counts half the
      // reports (tokenising and counting are one phase then, shown as "tokenise")
      const { counts } = countOnTwoThreads(DEFAULT_VECTORIZER, CODE_TOKENIZER, train.length, (i) =>
        raw(train[i]!),
      );
      t1 = performance.now();
      X = vectorizer.fitCounts(counts).X;
    } else {
      const options = tokenizerOptions(CODE_TOKENIZER);
      const docs = train.map((rep) => tokenizeDoc(raw(rep), options));
      t1 = performance.now();
      X = vectorizer.fitTransform(docs).X;
    }
    features = X.nCols;
    const t2 = performance.now();
    fitModel({ kind: 'svm', C: 1, classWeight: 'balanced' }, X, y, 1, threads);
    const t3 = performance.now();
    runs.push({
      tokenize: (t1 - t0) / 1000,
      vectorize: (t2 - t1) / 1000,
      fit: (t3 - t2) / 1000,
      total: (t3 - t0) / 1000,
    });
  }
  return { ...best(runs), features };
}

process.stderr.write(`${data}: ${train.length} training reports, ${classes} classes\n`);
const one = eightball(1);
const two = eightball(2);

const dir = mkdtempSync(join(tmpdir(), 'eightball-fit-core-'));
const file = join(dir, 'train.jsonl');
writeFileSync(
  file,
  `${train.map((r, i) => JSON.stringify({ text: `${r.summary}\n${r.description}`, label: y[i] })).join('\n')}\n`,
);
const py = spawnSync(python, [join(here, 'liblinear.py'), file, String(repeat)], { encoding: 'utf8' });
rmSync(dir, { recursive: true, force: true });
if (py.status !== 0) {
  process.stderr.write(py.stderr);
  process.exit(1);
}
const sk = JSON.parse(py.stdout) as Phases & { features: number; sklearn: string };

const out = {
  data,
  machine: `${cpus().length} × ${cpus()[0]?.model ?? '?'}, Node ${process.version}, scikit-learn ${sk.sklearn}`,
  trainReports: train.length,
  classes,
  eightball1: one,
  eightball2: two,
  liblinear: sk,
  ratioOneThread: +(one.total / sk.total).toFixed(3),
  ratioTwoThreads: +(two.total / sk.total).toFixed(3),
};
if (json) process.stdout.write(`${JSON.stringify(out)}\n`);
else {
  const f = (v: number) => v.toFixed(2);
  const row = (name: string, p: Phases & { features: number }) =>
    `| ${name} | ${f(p.tokenize)} | ${f(p.vectorize)} | ${f(p.fit)} | ${f(p.total)} | ${f(p.total / sk.total)} | ${p.features} |`;
  process.stdout.write(
    [
      `${data}, ${train.length} training reports, ${classes} classes; ${out.machine}; best of ${repeat}`,
      '',
      '| fit | tokenise s | vectorize s | SVM s | total s | of LIBLINEAR | features |',
      '|---|---:|---:|---:|---:|---:|---:|',
      row('eightball, 1 thread', one),
      row('eightball, 2 threads', two),
      `| scikit-learn LinearSVC (LIBLINEAR, 1 thread) | ${f(sk.tokenize)} | ${f(sk.vectorize)} | ${f(sk.fit)} | ${f(sk.total)} | 1.00 | ${sk.features} |`,
      '',
    ].join('\n'),
  );
}

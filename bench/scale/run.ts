// bench/scale: train on a generated corpus of a million reports drawn from the real shared
// vocabulary (bench/scale/corpus.ts), streamed through the learning core so that only the counts,
// the matrix and the model are ever held. Reports time per stage and the process's peak RSS.
// Usage: npm run bench:scale [-- --reports 1000000 --classes 60 --max-iter 5 --ngrams 2 --max-features N]
// --max-features defaults to the product's model budget (featureBudget: 559,240 features for 60
// classes), as `eightball train` and `evaluate` apply it; 0 keeps every feature.
import { cpus, totalmem } from 'node:os';
import {
  CODE_TOKENIZER,
  DEFAULT_VECTORIZER,
  FittedTextClassifier,
  featureBudget,
  LinearSvm,
  type TextClassifierParams,
  TfidfVectorizer,
  type TokenizedDoc,
  tokenizeDoc,
  tokenizerOptions,
} from '../../src/ml/index.ts';
import { numberArg, SHARED_DATA } from '../options.ts';
import { ReportGenerator } from './corpus.ts';
import { loadJiraReports } from './jira-reports.ts';

const data = SHARED_DATA;
const arg = numberArg;
const N = arg('reports', 1_000_000);
const K = arg('classes', 60);
const maxIter = arg('max-iter', 5);
const nTest = arg('test', 20_000);
const threads = arg('threads', cpus().length);
const ngrams = arg('ngrams', 2);
const maxFeatures = arg('max-features', featureBudget(K));

const log = (s: string) => process.stderr.write(`${s}\n`);
const rssMiB = () => process.memoryUsage().rss / 2 ** 20;
const peakMiB = () => process.resourceUsage().maxRSS / 1024;
const secs = (t: number) => (performance.now() - t) / 1000;

let t = performance.now();
const real = await loadJiraReports(data);
const gen = new ReportGenerator(real, K, 42);
log(
  `learned the generator from ${real.length} real Jira reports: ${gen.labels.length} classes, ${gen.vocabularySize} words (${secs(t).toFixed(1)} s)`,
);
real.length = 0;

const opts = tokenizerOptions(CODE_TOKENIZER);
// generating is the benchmark's own work, not training's: timed apart and left out of the total
let generateSeconds = 0;
let tokenizeSeconds = 0;
const y: string[] = [];
function* corpus(n: number, labels: string[]): Generator<TokenizedDoc> {
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    const r = gen.next();
    labels.push(r.label);
    const t1 = performance.now();
    const doc = tokenizeDoc({ text: { summary: r.summary, description: r.description }, meta: {} }, opts);
    generateSeconds += (t1 - t0) / 1000;
    tokenizeSeconds += secs(t1);
    if ((i + 1) % 100_000 === 0)
      log(`  ${i + 1} reports generated and counted, RSS ${rssMiB().toFixed(0)} MiB`);
    yield doc;
  }
}

const params: TextClassifierParams = {
  vectorizer: {
    ...DEFAULT_VECTORIZER,
    maxFeatures,
    fields: DEFAULT_VECTORIZER.fields.map((f) => ({ ...f, ngrams: [1, ngrams] as [number, number] })),
  },
  model: { kind: 'svm', C: 1, classWeight: 'balanced', maxIter },
  seed: 1,
  tokenizer: CODE_TOKENIZER,
};
const tAll = performance.now();
t = performance.now();
const { vectorizer, X } = new TfidfVectorizer(params.vectorizer).fitTransform(corpus(N, y));
// what is left once the generator's and the tokenizer's time (both spent inside the stream) is taken out
const vectorizeSeconds = secs(t) - generateSeconds - tokenizeSeconds;
log(
  `vectorised: ${X.nRows} reports, ${vectorizer.nFeatures} features, ${X.indices.length} non-zeros (generating ${generateSeconds.toFixed(1)} s, tokenising ${tokenizeSeconds.toFixed(1)} s, counting and weighting ${vectorizeSeconds.toFixed(1)} s), RSS ${rssMiB().toFixed(0)} MiB`,
);
t = performance.now();
const svm = new LinearSvm({ C: 1, classWeight: 'balanced', seed: 1, maxIter, threads });
const model = svm.fit(X, y);
const svmSeconds = secs(t);
const totalSeconds = secs(tAll) - generateSeconds;
const shared = svm.lastWork!;
log(
  `SVM: ${model.classes.length} classes in ${svmSeconds.toFixed(1)} s on ${threads} threads (${shared.byWorkers}/${shared.problems} problems solved by worker threads)`,
);
const peakTrain = peakMiB();

const clf = new FittedTextClassifier(params, vectorizer, model, 1);
const trainedGenerate = generateSeconds;
const trainedTokenize = tokenizeSeconds;
const yTest: string[] = [];
const test = [...corpus(nTest, yTest)];
let correct = 0;
let top3 = 0;
const times: number[] = [];
test.forEach((doc, i) => {
  const t0 = performance.now();
  const ranked = clf.predict(doc);
  times.push(performance.now() - t0);
  if (ranked[0]!.label === yTest[i]) correct++;
  if (ranked.slice(0, 3).some((r) => r.label === yTest[i])) top3++;
});
times.sort((a, b) => a - b);
const p99 = times[Math.floor(times.length * 0.99)]!;

const lines = [
  `Machine: ${cpus().length} × ${cpus()[0]?.model ?? '?'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB; Node ${process.version}; ${new Date().toISOString().slice(0, 10)}. Command: \`npm run bench:scale -- --reports ${N} --classes ${K} --ngrams ${ngrams} --max-iter ${maxIter} --max-features ${maxFeatures}\`.`,
  '',
  '| reports | classes | word n-grams | SVM passes | features | non-zeros | (generating s) | tokenise s | count + weight s | SVM s | train total s | peak RSS MiB | held-out top-1 | top-3 | predict p99 ms |',
  '|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
  `| ${N.toLocaleString('en')} | ${model.classes.length} | 1-${ngrams} | ≤ ${maxIter} | ${vectorizer.nFeatures.toLocaleString('en')} | ${X.indices.length.toLocaleString('en')} | (${trainedGenerate.toFixed(1)}) | ${trainedTokenize.toFixed(1)} | ${vectorizeSeconds.toFixed(1)} | ${svmSeconds.toFixed(1)} | **${totalSeconds.toFixed(1)}** | **${peakTrain.toFixed(0)}** | ${(correct / nTest).toFixed(3)} | ${(top3 / nTest).toFixed(3)} | ${p99.toFixed(2)} |`,
];
process.stdout.write(`${lines.join('\n')}\n`);

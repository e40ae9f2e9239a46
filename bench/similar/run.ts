// bench/similar: the served similar-report search against exact cosine, recall@5 and latency.
// Usage: npm run bench:similar -- [--generated N | --jira] [--queries 300] [--fit 200000]
//   [--served-only] [--slowest] [--spaces] (the slowest queries' sizes; the heap's spaces)
// N generated reports (bench/scale's generator) or the shared Jira projects, vectorised as the
// component model would; the vectorizer fitted on the first --fit of them (so a million need not
// be held tokenised at once), the reports then made again in chunks and indexed. Exact cosine is a
// walk of every posting the query touches; the served search (`budgetFor`) and a grid of other
// budgets walk the heaviest postings first and score their leading candidates in full.
// (at a million reports: NODE_OPTIONS=--max-old-space-size=8000)
import { SimilarityIndex } from '../../src/ml/similarity.ts';
import { featureBudget } from '../../src/ml/text-classifier.ts';
import { CODE_TOKENIZER, tokenizeDoc, tokenizerOptions } from '../../src/ml/tokenizer-spec.ts';
import { DEFAULT_VECTORIZER, TfidfVectorizer } from '../../src/ml/vectorizer.ts';
import { budgetFor } from '../../src/triage/similar-memory.ts';
import { numberArg, SHARED_DATA } from '../options.ts';
import { ReportGenerator } from '../scale/corpus.ts';
import { loadJiraReports } from '../scale/jira-reports.ts';

const log = (s: string) => process.stderr.write(`${s}\n`);
const real = await loadJiraReports(SHARED_DATA);
const jira = process.argv.includes('--jira');
const n = jira ? real.length : numberArg('generated', 100_000);
const nq = numberArg('queries', 300);
const opts = tokenizerOptions(CODE_TOKENIZER);
const fitN = Math.min(n, numberArg('fit', 200_000));
const qs = Array.from({ length: nq }, (_, i) => Math.floor(((i + 0.5) * n) / nq));
const wanted = new Set(qs);
// reports made in chunks and let go once indexed (a million tokenised at once need ~20 GB): the
// generator is seeded, so the same reports come out each time it is made
const chunks = function* (count: number) {
  const gen = jira ? undefined : new ReportGenerator(real, 60, 7);
  for (let s = 0; s < count; s += 5000) {
    const texts = Array.from({ length: Math.min(5000, count - s) }, (_, i) =>
      gen ? gen.next() : { summary: real[s + i]!.summary, description: real[s + i]!.description },
    );
    yield texts.map((t) =>
      tokenizeDoc({ text: { summary: t.summary, description: t.description }, meta: {} }, opts),
    );
  }
};
log(`${n} reports; the vectorizer fitted on the first ${fitN}...`);
const vec = new TfidfVectorizer({
  ...DEFAULT_VECTORIZER,
  metaFields: [],
  maxFeatures: featureBudget(60),
}).fit([...chunks(fitN)].flat());
log('vectorising and indexing...');
const exact = new SimilarityIndex();
const queryDocs = new Map<number, ReturnType<typeof tokenizeDoc>>();
let at = 0;
for (const docs of chunks(n)) {
  const X = vec.transform(docs, false);
  exact.add(X);
  docs.forEach((d, i) => {
    if (wanted.has(at + i)) queryDocs.set(at + i, d);
  });
  at += docs.length;
}
global.gc?.();
log(
  `heap after indexing ${(process.memoryUsage().heapUsed / 2 ** 20).toFixed(0)} MiB, array buffers ${(process.memoryUsage().arrayBuffers / 2 ** 20).toFixed(0)} MiB`,
);
const Qs = qs.map((i) => vec.transform([queryDocs.get(i)!], false));
const truth = Qs.map((Q, i) =>
  exact
    .queryAll(Q, 0, 6, 0.05)
    .filter((h) => h.item !== qs[i])
    .slice(0, 5)
    .map((h) => h.item),
);
const measure = (name: string, f: (Q: (typeof Qs)[number]) => { item: number }[]) => {
  const ms: number[] = [];
  let found = 0;
  let asked = 0;
  for (let r = 0; r < 2; r++)
    Qs.forEach((Q, i) => {
      const t0 = performance.now();
      const hits = f(Q)
        .filter((h) => h.item !== qs[i])
        .slice(0, 5)
        .map((h) => h.item);
      if (r === 1) {
        ms.push(performance.now() - t0);
        asked += truth[i]!.length;
        found += truth[i]!.filter((x) => hits.includes(x)).length;
      }
    });
  if (process.argv.includes('--slowest')) {
    const slow = [...ms.keys()].sort((a, b) => ms[b]! - ms[a]!).slice(0, 4);
    log(`  slowest: ${slow.map((i) => `${ms[i]!.toFixed(2)} ms (${Qs[i]!.indptr[1]} terms)`).join(', ')}`);
  }
  ms.sort((a, b) => a - b);
  const pct = (p: number) => ms[Math.min(ms.length - 1, Math.floor(p * ms.length))]!;
  log(
    `${name.padEnd(28)} recall@5 ${(found / asked).toFixed(3)}  p50 ${pct(0.5).toFixed(2)} ms  p99 ${pct(0.99).toFixed(2)} ms`,
  );
};
log('-- measuring');
if (process.argv.includes('--spaces'))
  for (const sp of (await import('node:v8')).getHeapSpaceStatistics())
    log(`${sp.space_name} ${(sp.space_used_size / 2 ** 20).toFixed(0)} MiB`);
measure('exact, every posting', (Q) => exact.queryAll(Q, 0, 48, 0.05));
const served = budgetFor(n);
measure(`served ${served.postings}/${served.candidates}, k 48`, (Q) =>
  exact.query(Q, 0, 48, { minScore: 0.05, budget: served }),
);
if (!process.argv.includes('--served-only'))
  for (const share of [0.005, 0.01, 0.02, 0.05])
    for (const candidates of [100, 300, 1000]) {
      const postings = Math.round(n * share);
      measure(`budget ${postings}/${candidates}, k 48`, (Q) =>
        exact.query(Q, 0, 48, { minScore: 0.05, budget: { postings, candidates } }),
      );
    }

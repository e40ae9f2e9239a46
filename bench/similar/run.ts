// bench/similar: approximate similar-report search against exact cosine, recall@5 and latency.
// Usage: npm run bench:similar -- [--generated N | --jira] [--queries 300] [--impact]
// (past 200,000 reports the tokenised reports need a larger heap: NODE_OPTIONS=--max-old-space-size=14000)
// Exact cosine by a walk of every posting the query touches, against the exact bounded search
// (SimilarityIndex.query, no budget), the served one (the same walk stopped after a budget of
// postings, its leading candidates scored in full) and, with --impact, a tried alternative
// (postings in impact bins, walked best bound first under a budget of postings).
import { SimilarityIndex } from '../../src/ml/similarity.ts';
import { featureBudget } from '../../src/ml/text-classifier.ts';
import { CODE_TOKENIZER, tokenizeDoc, tokenizerOptions } from '../../src/ml/tokenizer-spec.ts';
import { DEFAULT_VECTORIZER, TfidfVectorizer } from '../../src/ml/vectorizer.ts';
import { numberArg, SHARED_DATA } from '../options.ts';
import { ReportGenerator } from '../scale/corpus.ts';
import { loadJiraReports } from '../scale/jira-reports.ts';
import { ImpactIndex } from './impact-index.ts';

const log = (s: string) => process.stderr.write(`${s}\n`);
const real = await loadJiraReports(SHARED_DATA);
const jira = process.argv.includes('--jira');
const n = jira ? real.length : numberArg('generated', 100_000);
const nq = numberArg('queries', 300);
const opts = tokenizerOptions(CODE_TOKENIZER);
let texts: { summary: string; description: string }[];
if (jira) texts = real.map((r) => ({ summary: r.summary, description: r.description }));
else {
  const gen = new ReportGenerator(real, 60, 7);
  texts = Array.from({ length: n }, () => gen.next());
}
log(`${n} reports; tokenising...`);
const docs = texts.map((t) =>
  tokenizeDoc({ text: { summary: t.summary, description: t.description }, meta: {} }, opts),
);
const vec = new TfidfVectorizer({
  ...DEFAULT_VECTORIZER,
  metaFields: [],
  maxFeatures: featureBudget(60),
}).fit(docs);
log('vectorising and indexing...');
const exact = new SimilarityIndex();
const impact = new ImpactIndex();
for (let s = 0; s < n; s += 5000) {
  const X = vec.transform(docs.slice(s, s + 5000), false);
  exact.add(X);
  impact.add(X);
}
global.gc?.();
log(
  `heap after indexing ${(process.memoryUsage().heapUsed / 2 ** 20).toFixed(0)} MiB, array buffers ${(process.memoryUsage().arrayBuffers / 2 ** 20).toFixed(0)} MiB`,
);
const qs = Array.from({ length: nq }, (_, i) => Math.floor(((i + 0.5) * n) / nq));
const Qs = qs.map((i) => vec.transform([docs[i]!], false));
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
  ms.sort((a, b) => a - b);
  const pct = (p: number) => ms[Math.min(ms.length - 1, Math.floor(p * ms.length))]!;
  log(
    `${name.padEnd(28)} recall@5 ${(found / asked).toFixed(3)}  p50 ${pct(0.5).toFixed(2)} ms  p99 ${pct(0.99).toFixed(2)} ms`,
  );
};
measure('exact, every posting', (Q) => exact.queryAll(Q, 0, 48, 0.05));
measure('exact, bounded (48)', (Q) => exact.query(Q, 0, 48, 0.05));
measure('exact, bounded (6)', (Q) => exact.query(Q, 0, 6, 0.05));
const served = { postings: Math.max(50_000, n / 4), candidates: 300 };
measure(`budget ${served.postings}/300 (served, 48)`, (Q) => exact.query(Q, 0, 48, 0.05, served));
for (const postings of [20_000, 50_000, 100_000, 200_000])
  for (const candidates of [100, 300])
    measure(`budget ${postings}/${candidates}, k 6`, (Q) =>
      exact.query(Q, 0, 6, 0.05, { postings, candidates }),
    );
if (process.argv.includes('--impact'))
  for (const b of [50_000, 100_000, 200_000, 400_000, 800_000])
    measure(`impact, budget ${b}`, (Q) => impact.query(Q, 0, 48, 0.05, b));

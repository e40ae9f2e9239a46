// bench/predict/sentence-encoder: what a model that chose sentence vectors adds to each answer:
// loading the encoder once, then encoding one report at a time (as the predictor does), on the
// NLBSE'24 test issues.
// Usage: node --import tsx bench/predict/sentence-encoder.ts [-- --reports 300]
import { join } from 'node:path';
import { loadReports } from '../../src/sources/load-reports.ts';
import { TEXT_FIELDS, textOf } from '../../src/triage/dataset.ts';
import { loadSentenceEncoder } from '../../src/triage/sentence-encoder.ts';
import { numberArg, SHARED_DATA } from '../options.ts';

const n = numberArg('reports', 300);
const { reports } = await loadReports(join(SHARED_DATA, 'github/nlbse2024/issues_test.csv'));
let t = performance.now();
const encoder = await loadSentenceEncoder();
const loadMs = performance.now() - t;
const times: number[] = [];
for (const r of reports.slice(0, n)) {
  t = performance.now();
  await encoder.encode([TEXT_FIELDS.map((f) => textOf(r, f))]);
  times.push(performance.now() - t);
}
const sorted = [...times].sort((a, b) => a - b);
const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
process.stdout.write(
  `${encoder.name}: loaded in ${loadMs.toFixed(0)} ms; ${times.length} reports one at a time: mean ${(times.reduce((a, b) => a + b, 0) / times.length).toFixed(1)} ms, p50 ${at(0.5).toFixed(1)} ms, p99 ${at(0.99).toFixed(1)} ms, peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB\n`,
);

// bench/training-only: a rule (a feature, a default, an objective) judged on training data alone,
// leave-one-data-set-out, so that choosing it is not choosing on the benchmark's test sets.
// Usage: npm run bench:training-only -- --rule NAME[,NAME] [--only NAME,...] [--json FILE]
//   rules: see rules.ts (run with no --rule to list them)
// Each data set is cut to its benchmark's training side (the oldest 75% by filing time; NLBSE'24's
// training file) and split again inside it (time, or 5-fold). A rule is adopted for a data set only
// if it won on most of the others, and stands only if, decided that way, it wins on most data sets
// it was not developed on (src/evaluation/leave-one-out.ts).
import { existsSync, writeFileSync } from 'node:fs';
import type { ScoredAnswer } from '../../src/evaluation/abstention.ts';
import { leaveOneDatasetOut, type RuleMeasurement } from '../../src/evaluation/leave-one-out.ts';
import { TEXT_FIELDS } from '../../src/triage/dataset.ts';
import { type EvaluationResult, evaluateReports } from '../../src/triage/evaluate-reports.ts';
import type { SentenceVectors } from '../../src/triage/report-docs.ts';
import { encodeReports, loadSentenceEncoder } from '../../src/triage/sentence-encoder.ts';
import { SHARED_DATA } from '../options.ts';
import { DATASETS, judged, shown } from './datasets.ts';
import { RULES } from './rules.ts';

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

const ruleNames = (arg('--rule') ?? '').split(',').filter(Boolean);
const only = arg('--only')?.split(',');
const jsonPath = arg('--json');
if (ruleNames.length === 0 || ruleNames.some((n) => !RULES.some((r) => r.name === n))) {
  process.stderr.write(`--rule NAME[,NAME]: one or more of ${RULES.map((r) => r.name).join(', ')}\n`);
  process.exit(2);
}
if (!existsSync(SHARED_DATA)) {
  process.stderr.write(`shared data not found at ${SHARED_DATA}\n`);
  process.exit(1);
}

/** The partner's training side as another tracker's reports in the same store. */
async function partnerReports(d: (typeof DATASETS)[number]) {
  const p = DATASETS.find((x) => x.name === d.partner);
  if (!p) throw new Error(`${d.name} has no partner data set`);
  if (!loaded.has(p.name)) loaded.set(p.name, await p.load());
  // another tracker: its reports carry their own source, as an import of it would. All of them are
  // lent, dated before the data set's first report: the pairs' trackers span different years (or
  // none, Eclipse's export), and on dates alone most would lend nothing and tie; another tracker's
  // reports hold none of this one's labels, so a later one tells the model nothing of its test side
  const extraTrain = loaded
    .get(p.name)!
    .map((r) => ({ ...r, source: `partner:${p.name}`, createdAt: '1970-01-01T00:00:00.000Z' }));
  return { extraTrain, ownLabelsOnly: true };
}

/**
 * The seed's bar: the share the confidence's ordering can answer at 75% precision (what a rule
 * about it is judged by), then the share answered at the threshold held-out answers chose, and
 * the precision those answers had.
 */
const atBar = (r: EvaluationResult) =>
  `ranked ${(r.atPrecision.rankedCoverage * 100).toFixed(1)}%; answers ${(r.atPrecision.coverage * 100).toFixed(1)}% at ${r.atPrecision.precision === null ? '–' : (r.atPrecision.precision * 100).toFixed(1)}%`;

/** The bar's answers as a gain per report: +1 right, −3 wrong (at 75% precision, even), 0 none. */
const barGain = (r: EvaluationResult) => {
  const { coverage, precision } = r.atPrecision;
  return precision === null ? 0 : coverage * (precision - 3 * (1 - precision));
};

const signed = (v: number) => `${v >= 0 ? '+' : '−'}${Math.abs(v * 100).toFixed(1)}`;
const record: Record<string, unknown>[] = [];
const loaded = new Map<string, Awaited<ReturnType<(typeof DATASETS)[number]['load']>>>();
const encoded = new Map<string, SentenceVectors>();

for (const rule of RULES.filter((r) => ruleNames.includes(r.name))) {
  process.stdout.write(`\n### ${rule.name}: ${rule.description}\n\n`);
  process.stdout.write(
    '| data set (training side only) | before: top-1 / top-3 / macro-F1 | after | judged by | won on the others | adopted | held-out gain |\n|---|---:|---:|---|---:|---|---:|\n',
  );
  const rows: (RuleMeasurement & { kind: string; beforeShown: string; afterShown: string })[] = [];
  for (const d of DATASETS) {
    if (!rule.kinds.includes(d.kind) || (rule.pooled ?? false) !== (d.pooled ?? false)) continue;
    if (only && !only.some((o) => d.name.includes(o))) continue;
    if (!loaded.has(d.name)) loaded.set(d.name, await d.load());
    const reports = loaded.get(d.name)!;
    if (rule.encoder && !encoded.has(d.name)) {
      const tEnc = performance.now();
      encoded.set(d.name, await encodeReports(reports, TEXT_FIELDS, await loadSentenceEncoder('use-lite')));
      process.stderr.write(`${d.name}: encoded in ${((performance.now() - tEnc) / 1000).toFixed(0)} s\n`);
    }
    const sentenceVectors = rule.encoder ? { sentenceVectors: encoded.get(d.name)! } : {};
    const lent = rule.lendTo ? await partnerReports(d) : {};
    const t0 = performance.now();
    const run = (patch: typeof rule.before, side: 'before' | 'after') =>
      evaluateReports(reports, {
        ...d.opts,
        ...sentenceVectors,
        model: 'auto',
        seed: 42,
        ...patch,
        ...(rule.lendTo === side ? lent : {}),
      });
    // a rule on the answers' threshold: each side's gain per test report from its answers; one
    // evaluation serves both sides unless the sides' options differ
    const gains = { before: 0, after: 0, n: 0 };
    const onAnswers = rule.onAnswers;
    const oneRun = Object.keys(rule.before).length === 0 && Object.keys(rule.after).length === 0;
    const hook = (sides: ('before' | 'after')[]) =>
      onAnswers
        ? {
            onAnswers: (heldOut: ScoredAnswer[] | null, test: ScoredAnswer[]) => {
              for (const side of sides) gains[side] += onAnswers(side, heldOut, test);
              if (sides.includes('before')) gains.n += test.length;
            },
          }
        : {};
    const before = run({ ...rule.before, ...hook(oneRun ? ['before', 'after'] : ['before']) }, 'before');
    const after = onAnswers && oneRun ? before : run({ ...rule.after, ...hook(['after']) }, 'after');
    // a rule on answers is summed over a data set's groups (the hook does not know them)
    const pairs: [string, EvaluationResult, EvaluationResult][] =
      d.perGroup && !onAnswers
        ? (before.groups ?? []).map((g, i) => [`${d.name} ${g.group}`, g, after.groups![i]!])
        : [[d.name, before, after]];
    const figure = (r: EvaluationResult, side: 'before' | 'after') =>
      onAnswers
        ? gains[side] / Math.max(1, gains.n)
        : rule.judgedBy === 'coverage'
          ? r.atPrecision.rankedCoverage
          : rule.judgedBy === 'bar-gain'
            ? barGain(r)
            : judged(d.kind, r);
    const show = (r: EvaluationResult, side: 'before' | 'after') =>
      onAnswers
        ? `${shown(r)} (gain ${signed(figure(r, side))} per 100)`
        : rule.judgedBy
          ? `${shown(r)} (${atBar(r)})`
          : shown(r);
    for (const [name, b, a] of pairs)
      rows.push({
        dataset: name,
        kind: d.kind,
        before: figure(b, 'before'),
        after: figure(a, 'after'),
        beforeShown: show(b, 'before'),
        afterShown: show(a, 'after'),
      });
    process.stderr.write(`${rule.name}: ${d.name} in ${((performance.now() - t0) / 1000).toFixed(0)} s\n`);
  }
  const verdict = leaveOneDatasetOut(rows);
  verdict.perDataset.forEach((v, i) => {
    const r = rows[i]!;
    process.stdout.write(
      `| ${r.dataset} | ${r.beforeShown} | ${r.afterShown} | ${rule.onAnswers ? 'gain' : (rule.judgedBy ?? (r.kind === 'component' ? 'top-1' : 'macro-F1'))} ${signed(r.after - r.before)} | ${v.winsElsewhere} of ${v.others} | ${v.adopted ? 'yes' : 'no'} | ${signed(v.gain)} |\n`,
    );
  });
  process.stdout.write(
    `\n**${rule.name}: ${verdict.stands ? 'stands' : 'does not stand'}** (adopted by the others on ${verdict.perDataset.filter((v) => v.adopted).length} of ${rows.length}, and there won on ${verdict.heldOutWins}, tied on ${verdict.heldOutTies}, lost on ${verdict.heldOutLosses}; mean held-out gain ${signed(verdict.meanHeldOutGain)} points)\n`,
  );
  record.push({ rule: rule.name, rows, verdict });
}
if (jsonPath) writeFileSync(jsonPath, `${JSON.stringify(record, null, 1)}\n`);

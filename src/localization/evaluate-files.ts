import type { BugReport } from '../domain/index.ts';
import { EightballError } from '../domain/index.ts';
import { type RankingMetrics, rankingMetrics } from '../evaluation/ranking-metrics.ts';
import { timeSplit } from '../evaluation/splits.ts';
import {
  F,
  FEATURES,
  type FeatureName,
  type FixRecord,
  fileFeatures,
  PreparedHistory,
  type RankQuery,
  termCounts,
} from '../ml/file-features.ts';
import type { FileIndex } from '../ml/file-index.ts';
import { defaultWeights, rankFiles } from '../ml/file-ranker.ts';
import { historyIndex } from '../ml/history-index.ts';
import { fitListwiseRanker, fitPairwiseRanker, type RankGroup } from '../ml/pairwise-ranker.ts';
import type { OnProgress } from '../ml/progress.ts';
import { type GitRepo, git } from '../sources/git/git-command.ts';
import { type SnapshotOptions, SourceSnapshots } from '../sources/git/source-snapshots.ts';

/**
 * `evaluate --task files`: the newest quarter of the reports (by filing time) ranked against the
 * source at the parent of their fix (`before-fix`, as the published benchmarks do) or at the last
 * commit before they were filed (`filed`), each learning only from fixes committed before it was
 * filed; the ranker's weights learnt on the older reports the same way. Without a repository the
 * candidates are the files earlier fixes touched (history only).
 */

export type RevisionRule = 'before-fix' | 'filed';

export interface FilesEvaluationOptions {
  repo?: GitRepo;
  revision?: RevisionRule;
  /** the branch `filed` looks for the last commit on (default HEAD) */
  branch?: string;
  snapshot?: SnapshotOptions;
  seed?: number;
  /**
   * judge on the training side only: the oldest 75% of the reports, split again by time inside
   * it (how a rule or a setting is chosen without reading the test quarter)
   */
  trainingOnly?: boolean;
  /** how the weights are learnt: listwise (every candidate) or pairwise (sampled negatives) */
  learner?: 'listwise' | 'pairwise';
  onProgress?: OnProgress;
  /** features left out (their columns zeroed while learning, so their weights are 0): ablations */
  drop?: readonly FeatureName[];
}

export interface FilesReportRow {
  id: string;
  summary: string;
  truth: string[];
  /** 1-based ranks of the fixed files that exist at the revision */
  ranks: number[];
  top: { path: string; why: string[] }[];
}

export interface FilesEvaluation extends RankingMetrics {
  nTest: number;
  nTrain: number;
  /** test reports none of whose fixed files exist where they were ranked */
  nSkipped: number;
  /** distinct file versions read and indexed over every revision (0 in history-only mode) */
  filesIndexed: number;
  /** files per revision ranked against (median) */
  filesPerRevision: number;
  mode: 'source' | 'history';
  revision: RevisionRule;
  weights: Record<string, number>;
  fitSeconds: number;
  rankMsP50: number;
  rankMsP99: number;
  rows: FilesReportRow[];
}

interface Item {
  report: BugReport;
  files: string[];
  filed: number;
  /** the fix's commit (full id) when known */
  commit: string | null;
  fixed: number;
  record: FixRecord;
}

/**
 * When the tracker says the report was resolved (Jira's `resolutiondate`, Bugzilla's
 * `cf_last_resolved`, GitHub's `closed_at`), from the record as it was read: the stand-in for the
 * fix's time when no commit is known. Research dumps carry it but not the last update.
 */
export function resolvedTime(report: BugReport): number | null {
  const raw = report.raw as Record<string, unknown> | null;
  if (typeof raw !== 'object' || raw === null) return null;
  const fields = (typeof raw.fields === 'object' && raw.fields !== null ? raw.fields : raw) as Record<
    string,
    unknown
  >;
  for (const v of [fields.resolutiondate, raw.cf_last_resolved, raw.closed_at]) {
    const t = typeof v === 'string' ? Date.parse(v) : Number.NaN;
    if (Number.isFinite(t)) return t;
  }
  return null;
}

function splitList(v: string | undefined): string[] {
  return (v ?? '').split(/[\s,;]+/).filter(Boolean);
}

/** Full ids and commit times of the fixes the reports name (one git call). */
export function resolveCommits(repo: GitRepo, shorts: string[]): Map<string, { sha: string; time: number }> {
  const out = new Map<string, { sha: string; time: number }>();
  const unique = [...new Set(shorts)];
  for (let i = 0; i < unique.length; i += 500) {
    const chunk = unique.slice(i, i + 500);
    const lines = git(repo, [
      'log',
      '--no-walk=unsorted',
      '--format=%H %ct',
      '--ignore-missing',
      ...chunk,
    ]).split('\n');
    for (const line of lines) {
      const [sha, ct] = line.split(' ');
      if (!sha || !ct) continue;
      const short = chunk.find((c) => sha.startsWith(c));
      if (short) out.set(short, { sha, time: Number(ct) * 1000 });
    }
  }
  return out;
}

function percentile(values: number[], p: number): number {
  if (values.length === 0) return 0;
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(p * s.length))]!;
}

export async function evaluateFiles(
  reports: BugReport[],
  opts: FilesEvaluationOptions = {},
): Promise<FilesEvaluation> {
  const revisionRule = opts.revision ?? 'before-fix';
  const repo = opts.repo;
  let candidates = reports.filter((r) => splitList(r.labels.files).length > 0 && r.createdAt);
  if (opts.trainingOnly) {
    const older = timeSplit(candidates.map((r) => ({ time: r.createdAt, id: r.externalId }))).train;
    candidates = older.map((i) => candidates[i]!);
  }
  if (candidates.length < 8)
    throw EightballError.about(
      'files',
      'usage',
      `evaluate --task files needs reports with their fixed files (a files column) and filing times: ${candidates.length} have both`,
    );
  const commits = repo
    ? resolveCommits(
        repo,
        candidates.map((r) => splitList(r.labels.commit)[0]).filter((c): c is string => !!c),
      )
    : new Map<string, { sha: string; time: number }>();
  const items: Item[] = candidates.map((r) => {
    const filed = Date.parse(r.createdAt!);
    const c = commits.get(splitList(r.labels.commit)[0] ?? '');
    // without the commit's time, the report's resolution (else its last change) stands in for its fix
    const fixed = c?.time ?? resolvedTime(r) ?? (r.updatedAt ? Date.parse(r.updatedAt) : filed);
    const files = splitList(r.labels.files);
    return {
      report: r,
      files,
      filed,
      commit: c?.sha ?? null,
      fixed,
      record: {
        id: r.externalId,
        time: fixed,
        files,
        terms: termCounts(`${r.summary}\n${r.description}`),
        component: r.component,
      },
    };
  });
  if (revisionRule === 'before-fix' && repo && items.every((it) => !it.commit))
    throw EightballError.about(
      'commit',
      'usage',
      "before-fix needs each report's fixing commit (a commit column) in the repository",
    );
  const split = timeSplit(items.map((it) => ({ time: it.report.createdAt, id: it.report.externalId })));
  const snapshots = repo ? new SourceSnapshots(repo, opts.snapshot) : null;
  const branch = opts.branch ?? 'HEAD';
  const revisionOf = (it: Item): string | null => {
    if (!repo) return null;
    if (revisionRule === 'before-fix') return it.commit ? `${it.commit}^` : null;
    const rev = git(repo, ['rev-list', '-1', `--before=${Math.floor(it.filed / 1000)}`, branch]).trim();
    return rev || null;
  };
  const historyFor = (it: Item) => items.filter((h) => h !== it && h.fixed < it.filed).map((h) => h.record);
  const queryOf = (it: Item): RankQuery => ({
    text: `${it.report.summary}\n${it.report.description}`,
    summary: it.report.summary,
    time: it.filed,
    component: it.report.component,
  });
  const sizes: number[] = [];
  /** the index a report is ranked against, or null when it cannot be ranked (no revision) */
  const indexFor = async (it: Item, history: FixRecord[]): Promise<FileIndex | null> => {
    if (!snapshots) return historyIndex(history);
    const rev = revisionOf(it);
    if (!rev) return null;
    try {
      return (await snapshots.at(rev)).index;
    } catch (e) {
      if (e instanceof EightballError) return null;
      throw e;
    }
  };

  try {
    // learn the weights on the older reports, each ranked as a test report would be
    const t0 = performance.now();
    const groups: RankGroup[] = [];
    const dropped = (opts.drop ?? []).map((name) => FEATURES.indexOf(name));
    for (const [done, i] of split.train.entries()) {
      const it = items[i]!;
      const history = historyFor(it);
      const index = await indexFor(it, history);
      opts.onProgress?.('learning from earlier fixes', done + 1, split.train.length);
      if (!index) continue;
      const relevant = it.files.map((f) => index.indexOf(f)).filter((x): x is number => x !== undefined);
      if (relevant.length === 0) continue;
      const X = fileFeatures(index, queryOf(it), history);
      for (const f of dropped) for (let r = f; r < X.length; r += F) X[r] = 0;
      groups.push({ X, relevant });
    }
    const ranker =
      (opts.learner ?? 'listwise') === 'listwise'
        ? fitListwiseRanker(groups, F)
        : fitPairwiseRanker(groups, F, { seed: opts.seed ?? 1, prior: defaultWeights() });
    const fitSeconds = (performance.now() - t0) / 1000;

    const ranks: number[][] = [];
    const rows: FilesReportRow[] = [];
    const times: number[] = [];
    let skipped = 0;
    for (const [done, i] of split.test.entries()) {
      const it = items[i]!;
      const history = historyFor(it);
      const index = await indexFor(it, history);
      opts.onProgress?.('ranking the newest reports', done + 1, split.test.length);
      const present = index
        ? it.files.map((f) => index.indexOf(f)).filter((x): x is number => x !== undefined)
        : [];
      if (!index || present.length === 0) {
        skipped++;
        continue;
      }
      sizes.push(index.size);
      // the history is prepared before the clock starts, as a served model holds it prepared
      const prepared = new PreparedHistory(history);
      const t = performance.now();
      const ranking = rankFiles(index, queryOf(it), prepared, ranker.weights, 10);
      times.push(performance.now() - t);
      const order = new Float64Array(ranking.scores);
      const r = present.map((p) => {
        let above = 0;
        for (let j = 0; j < order.length; j++)
          if (order[j]! > order[p]! || (order[j] === order[p] && j < p)) above++;
        return above + 1;
      });
      ranks.push(r);
      rows.push({
        id: it.report.externalId,
        summary: it.report.summary.slice(0, 200),
        truth: it.files,
        ranks: r.sort((a, b) => a - b),
        top: ranking.files.map((f) => ({ path: f.path, why: f.why })),
      });
    }
    const metrics = rankingMetrics(ranks);
    return {
      ...metrics,
      nTest: ranks.length,
      nTrain: groups.length,
      nSkipped: skipped,
      filesIndexed: snapshots?.blobsRead ?? 0,
      filesPerRevision: percentile(sizes, 0.5),
      mode: repo ? 'source' : 'history',
      revision: revisionRule,
      weights: Object.fromEntries(FEATURES.map((f, k) => [f, ranker.weights[k]!])),
      fitSeconds,
      rankMsP50: percentile(times, 0.5),
      rankMsP99: percentile(times, 0.99),
      rows,
    };
  } finally {
    snapshots?.close();
  }
}

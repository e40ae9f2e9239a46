import type { BugReport } from '../domain/index.ts';
import { EightballError } from '../domain/index.ts';
import { evaluateFiles } from '../localization/evaluate-files.ts';
import { filesHtml, filesJson } from '../localization/files-report.ts';
import { FEATURES, type FixRecord, termCounts } from '../ml/file-features.ts';
import { FileRankerModel, MAX_HISTORY, serializeClassifier } from '../ml/index.ts';
import { openGitRepo } from '../sources/git/git-command.ts';
import { fixesOf, getModelVersion, getReportById, insertModelVersion, type Store } from '../store/index.ts';
import { activationDecision } from './activation.ts';
import { storedMetrics } from './stored-metrics.ts';
import { linkedRepository, type TaskDefinition } from './tasks/index.ts';
import type { TrainOptions, TrainOutcome } from './training.ts';

/**
 * Train the files task: the linked repository's fixing commits are each report's files; the
 * ranker's weights are learnt and validated as `evaluate --task files` does (the newest quarter
 * ranked against the source before its fix, each learning only from fixes before it was filed),
 * and the served model keeps every fix (the newest MAX_HISTORY) as its history.
 */
export async function trainFilesTask(
  store: Store,
  task: TaskDefinition,
  opts: TrainOptions,
): Promise<TrainOutcome> {
  const repository = await linkedRepository(store);
  if (!repository)
    throw new EightballError(
      'rejected',
      'no repository is linked: run eightball import git --repo PATH first',
    );
  const fixes = await fixesOf(store.db, repository.name);
  const byReport = new Map<number, { sha: string; time: string; files: Set<string> }>();
  for (const f of fixes) {
    const e = byReport.get(f.reportId) ?? { sha: f.sha, time: f.committedAt, files: new Set<string>() };
    // deleted files are not where a new report's fix will be
    for (const file of f.files) if (file.status !== 'D') e.files.add(file.path);
    byReport.set(f.reportId, e);
  }
  const reports: BugReport[] = [];
  // each report's fix, in the order of `reports`
  const fixOf: { time: string; files: Set<string> }[] = [];
  for (const [id, e] of byReport) {
    const found = await getReportById(store.db, id);
    if (!found || e.files.size === 0) continue;
    fixOf.push(e);
    reports.push({
      ...found.report,
      labels: { ...found.report.labels, files: [...e.files].join(' '), commit: e.sha },
    });
  }
  if (reports.length < 8)
    throw new EightballError(
      'rejected',
      `${reports.length} stored reports are linked to fixing commits of ${repository.name}: the files task needs at least 8`,
    );
  const result = await evaluateFiles(reports, {
    repo: openGitRepo(repository.path),
    seed: opts.seed ?? 1,
    ...(opts.onProgress ? { onProgress: opts.onProgress } : {}),
  });
  const history: FixRecord[] = reports
    .map((r, i) => {
      const e = fixOf[i]!;
      return {
        id: r.externalId,
        time: Date.parse(e.time),
        files: [...e.files],
        terms: termCounts(`${r.summary}\n${r.description}`),
        component: r.component,
      };
    })
    .sort((a, b) => a.time - b.time)
    .slice(-MAX_HISTORY);
  const model = new FileRankerModel(
    Float64Array.from(FEATURES, (f) => result.weights[f] ?? 0),
    history,
    repository,
  );
  const description = `file ranker (listwise, ${FEATURES.length} features) on ${repository.name}`;
  const metrics = {
    ...filesJson(result),
    kind: 'rank',
    model: description,
    labelSource: 'files',
    nLabelled: reports.length,
  };
  const { activate, reason } = await activationDecision(
    store,
    task.name,
    opts.force === true,
    async (active) => {
      const m = storedMetrics(active.metrics, `${task.name} v${active.version}`) as { map?: number };
      return {
        delta: result.map - (m.map ?? 0),
        newScore: result.map,
        activeScore: m.map ?? 0,
        basis: 'each on its own test window',
        measure: 'MAP of the file rankings',
      };
    },
  );
  const now = opts.now ?? (() => new Date().toISOString());
  const stored = await insertModelVersion(
    store.db,
    {
      task: task.name,
      created_at: now(),
      label_source: 'files',
      description,
      metrics: JSON.stringify(metrics),
      threshold: 0,
      report_html: await filesHtml(result, `eightball: files on ${repository.name}`),
      report: null,
      artifact: serializeClassifier(model),
      run_key: opts.runKey ?? null,
    },
    { activate, now: now() },
  );
  const row = (await getModelVersion(store.db, stored.id))!;
  const threshold = {
    threshold: 0,
    precision: result.top1,
    coverage: 1,
    cost: 0,
    utility: 0,
    chosenPrecision: result.top1,
    chosenCoverage: 1,
    chosenOn: 'a ranking always answers: its first file is right this share of the time (top-1)',
  };
  return {
    task: task.name,
    kind: 'rank',
    id: stored.id,
    version: row.version,
    activated: row.active === 1,
    reason: stored.existing ? `already trained by this run (v${row.version}); nothing stored again` : reason,
    labelSource: 'files',
    nLabelled: reports.length,
    nCorrections: 0,
    accuracy: result.top1,
    macroF1: result.map,
    top3: result.top5,
    ece: 0,
    threshold,
    model: description,
  };
}

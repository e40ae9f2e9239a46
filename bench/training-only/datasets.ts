// The data sets rules are judged on, each cut to the training side of its benchmark split: the
// test side is never read here (bench/versus-sklearn reads it, once per release).
import { join } from 'node:path';
import type { BugReport } from '../../src/domain/index.ts';
import { timeSplit } from '../../src/evaluation/splits.ts';
import { loadReports } from '../../src/sources/load-reports.ts';
import type { EvaluateOptions, EvaluationResult } from '../../src/triage/evaluate-reports.ts';
import { parseLabelMap } from '../../src/triage/tasks/label-map.ts';
import { objectiveForLabel } from '../../src/triage/tasks/registry.ts';
import { SHARED_DATA } from '../options.ts';

/** routing (product::component) or a kind of report: what a rule is judged by differs */
export type DatasetKind = 'component' | 'category';

export interface Dataset {
  name: string;
  kind: DatasetKind;
  load: () => Promise<BugReport[]>;
  opts: Omit<EvaluateOptions, 'model' | 'seed'>;
  /** one measurement per group (NLBSE'24's repositories are data sets of their own) */
  perGroup?: boolean;
  /** each group also learns from the others' training reports: only rules about pooling run here */
  pooled?: boolean;
  /**
   * the data set that shares a store with this one in rules about a store of two trackers: a
   * different tracker's, fixed in advance (the next but four in DATASETS' routing sets, so Jira
   * meets Bugzilla and Jira), never chosen by a result
   */
  partner?: string;
}

/** The oldest 75% by filing time: the training side of the benchmark's time split. */
function oldestQuarters(reports: BugReport[]): BugReport[] {
  const { train } = timeSplit(reports.map((r) => ({ time: r.createdAt, id: r.externalId })));
  return train.map((i) => reports[i]!);
}

const file = (path: string, labelsPath?: string) => async () =>
  (
    await loadReports(
      join(SHARED_DATA, path),
      labelsPath ? { labelsPath: join(SHARED_DATA, labelsPath) } : {},
    )
  ).reports;

const nlbse = 'github/nlbse2024/issues_train.csv';

/** NLBSE'24's training file, each repository a data set (pooled: learning from all five). */
const nlbseBy = (pooled: boolean): Dataset => ({
  name: pooled ? "NLBSE'24 pooled" : "NLBSE'24",
  kind: 'category',
  // the benchmark's test issues are issues_test.csv: the training file is all this reads
  load: file(nlbse),
  opts: {
    label: 'type',
    split: { kind: 'kfold', k: 5 },
    groupBy: 'product',
    ...(pooled ? { poolGroups: true } : {}),
    objective: objectiveForLabel('type'),
  },
  perGroup: true,
  ...(pooled ? { pooled: true } : {}),
});

const ROUTING = [
  ...['HADOOP', 'HDFS', 'HIVE', 'MAPREDUCE', 'YARN'].map((p) => `Jira ${p}`),
  ...['Eclipse', 'Mozilla', 'Netbeans', 'Openoffice'].map((p) => `list-export ${p}`),
];
const partnerOf = (name: string) => ROUTING[(ROUTING.indexOf(name) + 5) % ROUTING.length]!;

export const DATASETS: Dataset[] = [
  nlbseBy(false),
  nlbseBy(true),
  {
    name: 'Mozilla bug vs not a bug',
    kind: 'category',
    load: async () =>
      oldestQuarters(
        await file(
          'bugzilla/mozilla/bugs-2009-2018.jsonl',
          'bugzilla/mozilla/labels-regression-bug-nobug.csv',
        )(),
      ),
    opts: {
      label: 'labels.category',
      labelMap: parseLabelMap('nobug=nobug,*=bug'),
      split: { kind: 'kfold', k: 5 },
      objective: objectiveForLabel('labels.category'),
    },
  },
  ...['HADOOP', 'HDFS', 'HIVE', 'MAPREDUCE', 'YARN'].map(
    (p): Dataset => ({
      name: `Jira ${p}`,
      kind: 'component',
      partner: partnerOf(`Jira ${p}`),
      load: async () => oldestQuarters(await file(`jira/apache/${p}.jsonl`)()),
      opts: { label: 'component', split: { kind: 'time' }, objective: objectiveForLabel('component') },
    }),
  ),
  ...['Eclipse', 'Mozilla', 'Netbeans', 'Openoffice'].map(
    (p): Dataset => ({
      name: `list-export ${p}`,
      kind: 'component',
      partner: partnerOf(`list-export ${p}`),
      load: async () => oldestQuarters(await file(`bugzilla/list-exports/${p}.csv`)()),
      opts: {
        label: 'product::component',
        split: { kind: 'time' },
        objective: objectiveForLabel('product::component'),
      },
    }),
  ),
];

/** The figure a rule is judged by: top-1 for routing, macro-F1 for a kind of report. */
export function judged(kind: DatasetKind, r: EvaluationResult): number {
  return kind === 'component' ? r.accuracy : r.macroF1;
}

/** What the table shows beside it. */
export function shown(r: EvaluationResult): string {
  const f = (v: number | null) => (v === null ? '–' : v.toFixed(3));
  return `${f(r.accuracy)} / ${f(r.top3)} / ${f(r.macroF1)}`;
}

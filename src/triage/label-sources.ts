import { iterateStoredReports, type Store } from '../store/index.ts';
import { labelFromSource, type TaskDefinition } from './tasks/index.ts';

/** A label source as the stored reports fill it. */
export interface LabelSourceCount {
  source: string;
  /** reports it gives a label */
  reports: number;
  /** distinct labels */
  classes: number;
  /** labels with at least `minClassSize` reports: a task needs two of them to train */
  usableClasses: number;
}

/**
 * What each label source a task could read would give on the stored reports: `train` lists the
 * usable ones when a task's own source gives too little (a Bugzilla dump without `type`, a Jira
 * project whose every issue is a "Bug"). Every `labels.NAME` of a labels file is a candidate too.
 */
export async function labelSourceCounts(
  store: Store,
  task: TaskDefinition,
  minClassSize: number,
): Promise<LabelSourceCount[]> {
  const counts = new Map<string, Map<string, number>>();
  const count = (source: string, label: string | null) => {
    if (label === null) return;
    let m = counts.get(source);
    if (!m) {
      m = new Map();
      counts.set(source, m);
    }
    m.set(label, (m.get(label) ?? 0) + 1);
  };
  for await (const { report } of iterateStoredReports(store.db)) {
    for (const s of task.candidateSources) count(s, labelFromSource(report, s));
    for (const [k, v] of Object.entries(report.labels)) count(`labels.${k}`, v);
  }
  return [...counts]
    .map(([source, m]) => ({
      source,
      reports: [...m.values()].reduce((a, b) => a + b, 0),
      classes: m.size,
      usableClasses: [...m.values()].filter((n) => n >= minClassSize).length,
    }))
    .sort((a, b) => rank(task, a.source) - rank(task, b.source) || b.reports - a.reports);
}

/** What a team most likely means: its own labels file first for a category, the tracker's fields after. */
function rank(task: TaskDefinition, source: string): number {
  const order = task.prefersLabelsFile
    ? ['labels.', ...task.candidateSources]
    : [...task.candidateSources, 'labels.'];
  const i = order.findIndex((o) => (o === 'labels.' ? source.startsWith(o) : source === o));
  return i < 0 ? order.length : i;
}

/** Why a task cannot train on its source, and which sources it could use instead, in words. */
export function labelSourceAdvice(task: TaskDefinition, current: string, counts: LabelSourceCount[]): string {
  const usable = counts.filter((c) => c.usableClasses >= 2 && c.source !== current);
  const mine = counts.find((c) => c.source === current);
  const why = !mine
    ? `no stored report has a "${current}"`
    : `"${current}" gives ${mine.classes === 1 ? 'one label' : `${mine.usableClasses} label(s) with enough reports`} on ${mine.reports} reports`;
  if (usable.length === 0)
    return `${why}; no other label source in the store has two labels with enough reports`;
  const list = usable
    .slice(0, 6)
    .map((c) => `${c.source} (${c.usableClasses} labels, ${c.reports} reports)`)
    .join(', ');
  return `${why}. Label sources that would work: ${list}. Choose one with: eightball train --task ${task.name} --label-source ${usable[0]!.source} (or on the admin page)`;
}

import type { BugReport } from '../domain/index.ts';

/** How a task treats a store of several trackers: answers kept to a report's own tracker, or pooled. */
export const SOURCE_MODES = ['apart', 'pooled'] as const;
export type SourceMode = (typeof SOURCE_MODES)[number];

/**
 * Each tracker's labels among the reports a model learnt from (a report's one label, or each of a
 * multi-label task's), when they come from more than one tracker (one tracker's labels restrict
 * nothing): what keeps a Bugzilla report from being routed to a Jira project's component in a
 * store that holds both.
 */
export function labelsBySource(
  reports: readonly BugReport[],
  labelOf: (r: BugReport, i: number) => string | readonly string[] | null,
): Record<string, string[]> | undefined {
  const by = new Map<string, Set<string>>();
  reports.forEach((r, i) => {
    const label = labelOf(r, i);
    if (label === null || label.length === 0) return;
    let labels = by.get(r.source);
    if (!labels) {
      labels = new Set();
      by.set(r.source, labels);
    }
    // a multi-label task's report adds each of its labels
    for (const l of typeof label === 'string' ? [label] : label) labels.add(l);
  });
  if (by.size < 2) return undefined;
  return Object.fromEntries([...by].map(([source, labels]) => [source, [...labels].sort()]));
}

type Allowed = ((label: string) => boolean) | undefined;

/** A version's stored tracker labels as sets, made once when it is loaded (not per answer). */
export function labelSetsBySource(
  bySource: Record<string, string[]> | undefined,
): ReadonlyMap<string, ReadonlySet<string>> | undefined {
  return bySource && new Map(Object.entries(bySource).map(([source, labels]) => [source, new Set(labels)]));
}

/**
 * The labels a report of tracker `source` may be answered with: its tracker's (when the model
 * kept trackers apart and knows that one), within what the task itself allows (a named product's
 * components) where the two meet; a tracker the model never saw restricts nothing.
 */
export function allowedForSource(
  bySource: ReadonlyMap<string, ReadonlySet<string>> | undefined,
  source: string | undefined,
  task: Allowed,
  labels: readonly string[],
): Allowed {
  const own = source ? bySource?.get(source) : undefined;
  if (!own) return task;
  if (!task) return (l) => own.has(l);
  // a product named in the report that its tracker's labels do not know: the tracker still holds
  return labels.some((l) => own.has(l) && task(l)) ? (l) => own.has(l) && task(l) : (l) => own.has(l);
}

import type { BugReport } from '../../domain/index.ts';
import { EightballError } from '../../domain/index.ts';
import type { SelectionMetric } from '../../ml/index.ts';

/**
 * `classify`: one label per report, from a fixed set (the product's two built-in questions);
 * `multilabel`: any number of labels per report, each its own yes/no (crash, memory, performance,
 * security); `rank`: an ordered list out of many (the source files a fix will touch).
 */
export type TaskKind = 'classify' | 'multilabel' | 'rank';
export const TASK_KINDS: readonly TaskKind[] = ['classify', 'multilabel', 'rank'];

/** A task's name: what the CLI, the API and the pages call it. */
export type TaskName = string;

/**
 * One question the product answers about a report: everything that differs between two tasks is
 * here, so training, serving, evaluating and the pages ask the task instead of branching on its name.
 */
export interface TaskDefinition {
  name: TaskName;
  kind: TaskKind;
  /** built into the product (not removable) rather than defined by a team */
  builtIn: boolean;
  /** one line for the pages and `eightball tasks list` */
  description: string;
  /** where its labels come from unless the admin page or `train --label-source` says otherwise */
  defaultLabelSource: string;
  /** the label sources `train` suggests when the current one gives too little, best first */
  candidateSources: readonly string[];
  /** whether a team's own labels file (`labels.NAME`) is its first suggestion */
  prefersLabelsFile: boolean;
  /**
   * What the task learns from a report under `source`: one label (classify), the set of its
   * labels, possibly empty (multilabel), or null when the report says nothing about it.
   */
  labelsOf(report: BugReport, source: string): string[] | null;
  /** the categorical fields its model may read: what a reporter fills in, minus the answer */
  metaFields(source: string): string[];
  /**
   * what its model search judges candidates by (a team may choose another in the task's settings):
   * `topk` where a person reads the first few answers, `macroF1` where every class counts alike
   */
  objective: SelectionMetric;
  /** which task's model indexes similar reports when several could: the highest (0: never) */
  similarityPriority: number;
  /**
   * The labels a report may be answered with, given what its reporter filled in (a report that
   * names its product is answered among that product's components), or undefined for any.
   */
  allowedFor?(
    report: BugReport,
    source: string,
    labels: readonly string[],
  ): ((label: string) => boolean) | undefined;
}

const NAME = /^[a-z][a-z0-9-]{0,39}$/;

export function checkTaskName(name: string): TaskName {
  if (!NAME.test(name))
    throw EightballError.about(
      'name',
      'usage',
      `task name "${name.slice(0, 60)}": 1 to 40 lower-case letters, digits and dashes, starting with a letter`,
    );
  return name;
}

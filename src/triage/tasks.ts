import type { BugReport } from '../domain/index.ts';
import { EightballError } from '../domain/index.ts';
import { getSetting, type Store, setSetting } from '../store/index.ts';
import { isKnownLabel, labelOf } from './dataset.ts';
import { SENTENCE_ENCODER } from './sentence-encoder.ts';

export const TASKS = ['category', 'component'] as const;
export type TaskName = (typeof TASKS)[number];

export function isTaskName(s: string): s is TaskName {
  return (TASKS as readonly string[]).includes(s);
}

export function assertTask(s: string): TaskName {
  if (!isTaskName(s)) throw new EightballError('usage', `unknown task "${s}" (tasks: ${TASKS.join(', ')})`);
  return s;
}

/**
 * Where a task's labels come from. `type`, `severity` or any report field; `labels.NAME` from a
 * labels file; `severity-enhancement`: "enhancement" where Bugzilla's severity says so, else
 * "defect" (trackers that predate Bugzilla's type field). Corrections made in eightball always win.
 */
export const DEFAULT_LABEL_SOURCE: Record<TaskName, string> = {
  category: 'type',
  component: 'product::component',
};

export function isLabelSource(s: string): boolean {
  return s === 'severity-enhancement' || isKnownLabel(s);
}

export function labelFromSource(r: BugReport, source: string): string | null {
  if (source === 'severity-enhancement') {
    if (!r.severity) return null;
    return r.severity.toLowerCase() === 'enhancement' ? 'enhancement' : 'defect';
  }
  return labelOf(r, source);
}

/**
 * The metadata a task's model may read: what a reporter fills in when filing, minus anything the
 * label is read from.
 */
export function metaFieldsFor(task: TaskName, labelSource: string): string[] {
  // the reporter for components only: see defaultMetaFields in dataset.ts for the measurements
  const fields =
    task === 'category'
      ? ['product', 'platform', 'opSys', 'severity']
      : ['platform', 'opSys', 'severity', 'reporter'];
  return fields.filter(
    (f) => !labelSource.startsWith(f) && !(labelSource === 'severity-enhancement' && f === 'severity'),
  );
}

export interface TaskSettings {
  labelSource: string;
  /** the cost of a wrong answer relative to +1 for a right one and 0 for abstaining */
  cost: number;
  /** a pretrained sentence encoder the model search may use (`use-lite`), or null for none */
  sentenceEncoder: string | null;
}

export const DEFAULT_COST = 2;

export async function taskSettings(store: Store, task: TaskName): Promise<TaskSettings> {
  const labelSource = (await getSetting(store.db, `task.${task}.labelSource`)) ?? DEFAULT_LABEL_SOURCE[task];
  const cost = Number((await getSetting(store.db, `task.${task}.cost`)) ?? DEFAULT_COST);
  const encoder = (await getSetting(store.db, `task.${task}.sentenceEncoder`)) ?? '';
  return {
    labelSource,
    cost: Number.isFinite(cost) && cost >= 0 ? cost : DEFAULT_COST,
    sentenceEncoder: encoder === '' ? null : encoder,
  };
}

export async function saveTaskSettings(
  store: Store,
  task: TaskName,
  s: Partial<TaskSettings>,
): Promise<void> {
  if (s.labelSource !== undefined) {
    if (!isLabelSource(s.labelSource))
      throw new EightballError(
        'usage',
        `label source "${s.labelSource}" is not a report field, product::component, labels.NAME or severity-enhancement`,
      );
    await setSetting(store.db, `task.${task}.labelSource`, s.labelSource);
  }
  if (s.cost !== undefined) {
    if (!Number.isFinite(s.cost) || s.cost < 0 || s.cost > 100)
      throw new EightballError('usage', `cost must be a number from 0 to 100, not ${s.cost}`);
    await setSetting(store.db, `task.${task}.cost`, String(s.cost));
  }
  if (s.sentenceEncoder !== undefined) {
    if (s.sentenceEncoder !== null && s.sentenceEncoder !== SENTENCE_ENCODER)
      throw new EightballError(
        'usage',
        `sentence encoder "${s.sentenceEncoder}" is not known (this build has "${SENTENCE_ENCODER}", or none)`,
      );
    await setSetting(store.db, `task.${task}.sentenceEncoder`, s.sentenceEncoder ?? '');
  }
}

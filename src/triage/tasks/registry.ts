import { EightballError } from '../../domain/index.ts';
import type { SelectionMetric } from '../../ml/index.ts';
import {
  addAudit,
  deleteTaskRow,
  getTaskRow,
  insertTaskRow,
  listModelVersions,
  listTaskRows,
  type Store,
} from '../../store/index.ts';
import { categoryTask } from './category.ts';
import { componentTask } from './component.ts';
import { filesTask, linkedRepository } from './files.ts';
import { type LabelMap, parseLabelMap } from './label-map.ts';
import { isLabelSource } from './label-reading.ts';
import { checkTaskName, type TaskDefinition } from './task.ts';
import { teamTask, teamTaskFromRow } from './team-task.ts';

/** The tasks every installation has; a new built-in task is one file here plus its test. */
export const BUILT_IN_TASKS: readonly TaskDefinition[] = [categoryTask, componentTask];

/** The built-in tasks' names, for help texts that cannot wait for a database. */
export const BUILT_IN_TASK_NAMES = BUILT_IN_TASKS.map((t) => t.name);

/**
 * The objective of the built-in task that reads this label (component routing for `component`
 * and `product::component`), or the default one for any other label: what `evaluate` judges by
 * unless told.
 */
export function objectiveForLabel(label: string): SelectionMetric {
  return (BUILT_IN_TASKS.find((t) => t.candidateSources.slice(0, 2).includes(label)) ?? categoryTask)
    .objective;
}

/** Every task: the built-in ones first, then the team's, by name. */
export async function listTasks(store: Store): Promise<TaskDefinition[]> {
  const rows = await listTaskRows(store.db);
  const files = (await linkedRepository(store)) ? [filesTask] : [];
  return [...BUILT_IN_TASKS, ...files, ...rows.map(teamTaskFromRow)];
}

export async function findTask(store: Store, name: string): Promise<TaskDefinition | undefined> {
  const builtIn = BUILT_IN_TASKS.find((t) => t.name === name);
  if (builtIn) return builtIn;
  if (name === filesTask.name) return (await linkedRepository(store)) ? filesTask : undefined;
  const row = await getTaskRow(store.db, name);
  return row ? teamTaskFromRow(row) : undefined;
}

/** The task, or a not-found error that lists the tasks there are. */
export async function getTask(store: Store, name: string): Promise<TaskDefinition> {
  const t = await findTask(store, name);
  if (t) return t;
  const names = (await listTasks(store)).map((x) => x.name);
  throw EightballError.about(
    'task',
    'not-found',
    `unknown task "${name.slice(0, 60)}" (tasks: ${names.join(', ')})`,
  );
}

export interface NewTask {
  name: string;
  labelSource: string;
  /** `FROM=TO,...` (see parseLabelMap), or rules already parsed */
  labelMap?: string | LabelMap;
  multilabel?: boolean;
  description?: string;
}

export async function addTask(store: Store, t: NewTask, actorId: number | null): Promise<TaskDefinition> {
  const name = checkTaskName(t.name.trim());
  if (BUILT_IN_TASKS.some((b) => b.name === name) || name === filesTask.name)
    throw EightballError.about('name', 'conflict', `task "${name}" is built in`);
  const labelSource = t.labelSource.trim();
  if (!isLabelSource(labelSource))
    throw EightballError.about(
      'labelSource',
      'usage',
      `label source "${labelSource.slice(0, 60)}" is not a report field, product::component, labels.NAME or severity-enhancement`,
    );
  const labelMap = typeof t.labelMap === 'string' ? parseLabelMap(t.labelMap) : (t.labelMap ?? []);
  const kind = t.multilabel ? 'multilabel' : 'classify';
  const description =
    (t.description ?? '').trim().slice(0, 200) ||
    `${kind === 'multilabel' ? 'labels' : 'label'} from ${labelSource}`;
  const now = new Date().toISOString();
  const inserted = await insertTaskRow(store.db, {
    name,
    kind,
    label_source: labelSource,
    label_map: JSON.stringify(labelMap),
    description,
    created_at: now,
  });
  if (!inserted) throw EightballError.about('name', 'conflict', `task "${name}" exists already`);
  await addAudit(
    store.db,
    { userId: actorId, action: 'task.add', detail: `${name} (${kind}, ${labelSource})` },
    now,
  );
  return teamTask({ name, kind, labelSource, labelMap, description });
}

/** Removes a team's task: it stops answering; its model versions stay listed for the record. */
export async function removeTask(
  store: Store,
  name: string,
  actorId: number | null,
): Promise<{ versions: number }> {
  if (BUILT_IN_TASKS.some((b) => b.name === name))
    throw EightballError.about('name', 'usage', `task "${name}" is built in and cannot be removed`);
  const versions = (await listModelVersions(store.db, name)).length;
  if (!(await deleteTaskRow(store.db, name))) await getTask(store, name);
  await addAudit(
    store.db,
    { userId: actorId, action: 'task.remove', detail: name },
    new Date().toISOString(),
  );
  return { versions };
}

import { EightballError } from '../domain/index.ts';
import {
  activateModelVersion,
  activeModelSummary,
  addAudit,
  getModelByTaskVersion,
  getModelVersion,
  listModelVersions,
  type ModelSummaryRow,
  type Store,
  setModelThreshold,
} from '../store/index.ts';
import type { TaskName } from './tasks/index.ts';

export async function activateModel(
  store: Store,
  id: number,
  actorId: number | null,
): Promise<ModelSummaryRow> {
  const m = await getModelVersion(store.db, id);
  if (!m) throw new EightballError('not-found', `model ${id} not found`);
  const now = new Date().toISOString();
  await activateModelVersion(store.db, id, now);
  await addAudit(
    store.db,
    { userId: actorId, action: 'model.activate', detail: `${m.task} v${m.version} (model ${id})` },
    now,
  );
  return (await getModelByTaskVersion(store.db, m.task, m.version))!;
}

/** Activate a task's version by number, or with no number its newest one. */
export async function activateTaskVersion(
  store: Store,
  task: TaskName,
  version: number | undefined,
  actorId: number | null,
): Promise<ModelSummaryRow> {
  const target =
    version === undefined
      ? (await listModelVersions(store.db, task))[0]
      : await getModelByTaskVersion(store.db, task, version);
  if (!target) {
    throw new EightballError(
      'not-found',
      version === undefined
        ? `task ${task} has no model: run eightball train --task ${task}`
        : `${task} has no version ${version}`,
    );
  }
  return activateModel(store, target.id, actorId);
}

/** Go back to the version that was active before the current one (the latest activated earlier). */
export async function rollbackTask(
  store: Store,
  task: TaskName,
  actorId: number | null,
): Promise<ModelSummaryRow> {
  const active = await activeModelSummary(store.db, task);
  if (!active) throw new EightballError('not-found', `task ${task} has no active model to roll back`);
  const earlier = (await listModelVersions(store.db, task)).filter(
    (m) => m.id !== active.id && m.activated_at !== null,
  );
  earlier.sort((a, b) =>
    a.activated_at! < b.activated_at! ? 1 : a.activated_at! > b.activated_at! ? -1 : b.version - a.version,
  );
  const previous = earlier[0];
  if (!previous)
    throw new EightballError(
      'not-found',
      `task ${task}: no earlier activated version than v${active.version}`,
    );
  return activateModel(store, previous.id, actorId);
}

export async function changeThreshold(
  store: Store,
  id: number,
  threshold: number,
  actorId: number | null,
): Promise<void> {
  if (!Number.isFinite(threshold) || threshold < 0 || threshold > 1) {
    throw new EightballError('usage', `threshold: must be from 0 to 1, not ${threshold}`);
  }
  const m = await getModelVersion(store.db, id);
  if (!m) throw new EightballError('not-found', `model ${id} not found`);
  await setModelThreshold(store.db, id, threshold);
  await addAudit(
    store.db,
    {
      userId: actorId,
      action: 'model.threshold',
      detail: `${m.task} v${m.version}: ${m.threshold.toFixed(3)} → ${threshold.toFixed(3)}`,
    },
    new Date().toISOString(),
  );
}

import type { RankedRepository } from '../../ml/index.ts';
import { getSetting, type Store, setSetting } from '../../store/index.ts';
import type { TaskDefinition } from './task.ts';

/**
 * Where in the code: the source files (and their directories) a report's fix will touch, ranked,
 * learnt from the commits that fixed earlier reports. A task once a repository is linked
 * (`eightball import git`): its labels are the files of each report's fixing commits.
 */
export const filesTask: TaskDefinition = {
  name: 'files',
  kind: 'rank',
  builtIn: true,
  description: "the source files a report's fix will touch (from a linked git repository)",
  defaultLabelSource: 'files',
  candidateSources: ['files'],
  prefersLabelsFile: false,
  labelsOf: (r) => {
    const files = (r.labels.files ?? '').split(/\s+/).filter(Boolean);
    return files.length ? files : null;
  },
  metaFields: () => [],
  // judged by top-k and MAP of its rankings, not by a classifier's search
  objective: 'mean',
  similarityPriority: 0,
};

/** The repository the files task answers about, once `import git` has linked one. */
export async function linkedRepository(store: Store): Promise<RankedRepository | null> {
  const name = await getSetting(store.db, 'task.files.repo');
  if (!name) return null;
  const path = await getSetting(store.db, `git.${name}.path`);
  if (!path) return null;
  return {
    name,
    path,
    branch: (await getSetting(store.db, `git.${name}.branch`)) ?? 'HEAD',
    webUrl: (await getSetting(store.db, `git.${name}.webUrl`)) || null,
  };
}

/** Remember a repository `import git` read: the files task answers about the latest one linked. */
export async function rememberRepository(
  store: Store,
  r: { name: string; path: string; branch: string; webUrl?: string | undefined },
): Promise<void> {
  await setSetting(store.db, `git.${r.name}.path`, r.path);
  await setSetting(store.db, `git.${r.name}.branch`, r.branch);
  if (r.webUrl !== undefined) await setSetting(store.db, `git.${r.name}.webUrl`, r.webUrl);
  await setSetting(store.db, 'task.files.repo', r.name);
}

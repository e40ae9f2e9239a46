import { EightballError } from '../../domain/index.ts';
import { bugzillaSource } from './bugzilla.ts';
import { fileSource } from './file.ts';
import { gitSource } from './git.ts';
import { githubSource } from './github.ts';
import { jiraSource } from './jira.ts';
import type { SourceKind } from './source-kind.ts';

export type { SourceKind, SyncContext, SyncProgress, TrackerSecrets } from './source-kind.ts';
export { trackerSecrets } from './source-kind.ts';

/**
 * Every kind of data source, in the order the admin page offers them. A live tracker is one file
 * in this folder plus its line here (and its test); the form, its validation and the
 * `import-source` job all come from this list.
 */
export const SOURCE_KINDS: readonly SourceKind[] = [
  bugzillaSource,
  githubSource,
  jiraSource,
  fileSource,
  gitSource,
];

export function sourceKind(kind: string): SourceKind {
  const k = SOURCE_KINDS.find((s) => s.kind === kind);
  if (!k)
    throw new EightballError(
      'usage',
      `unknown source kind "${kind}" (${SOURCE_KINDS.map((s) => s.kind).join(', ')})`,
    );
  return k;
}

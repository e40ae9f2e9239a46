import { EightballError } from '../domain/index.ts';
import type { TrackerSecrets } from '../jobs/source-kinds/index.ts';
import type { RetryPolicy } from '../sources/http-retry.ts';
import { listDataSources, type Store } from '../store/index.ts';
import { bugzillaWriter } from './writers/bugzilla.ts';
import { githubWriter } from './writers/github.ts';
import { jiraWriter } from './writers/jira.ts';

/** What a report looks like in its tracker right now (read before acting, and before undoing). */
export interface TrackerState {
  product: string | null;
  component: string | null;
  labels: string[];
}

/** One tracker's write API, as the write-back needs it. `id` is the report's id there. */
export interface TrackerWriter {
  tracker: 'bugzilla' | 'github' | 'jira';
  /** what the task's answer is written as: a component (Bugzilla, Jira) or a label (GitHub) */
  answersAs: 'component' | 'label';
  read(id: string): Promise<TrackerState>;
  setComponent(id: string, product: string | null, component: string): Promise<void>;
  addLabels(id: string, labels: string[]): Promise<void>;
  removeLabels(id: string, labels: string[]): Promise<void>;
  /** the new comment's id, for editing it later */
  comment(id: string, body: string): Promise<string>;
  editComment(id: string, commentId: string, body: string): Promise<void>;
}

export interface WriterOptions {
  secrets: TrackerSecrets;
  /** tests shrink the waits */
  retry?: RetryPolicy;
  retryAfterBaseValue?: number;
}

/**
 * The writer for a stored source: its tracker and where it is come from the data source the
 * reports were imported by (or, for a source imported from the command line, from the reports'
 * links). Credentials come from settings only.
 */
export async function writerFor(
  store: Store,
  source: string,
  sampleUrl: string | null,
  o: WriterOptions,
): Promise<TrackerWriter> {
  const [kind, ...rest] = source.split(':');
  const name = rest.join(':');
  const ds = (await listDataSources(store.db)).find((d) => d.kind === kind && d.name === name);
  if (kind === 'bugzilla') {
    const base = ds?.location ?? (sampleUrl ? /^(.*)\/show_bug\.cgi\?id=/.exec(sampleUrl)?.[1] : undefined);
    if (!base)
      throw new EightballError('config', `${source}: no Bugzilla URL is known (add it as a data source)`);
    return bugzillaWriter(base, o);
  }
  if (kind === 'github') {
    const api = ds ? (new URLSearchParams(ds.query).get('api') ?? undefined) : undefined;
    const repo = ds?.location ?? name;
    return githubWriter(repo, api, o);
  }
  if (kind === 'jira') {
    const base = ds?.location ?? (sampleUrl ? /^(.*)\/browse\//.exec(sampleUrl)?.[1] : undefined);
    if (!base)
      throw new EightballError('config', `${source}: no Jira URL is known (add it as a data source)`);
    return jiraWriter(base, o);
  }
  throw new EightballError(
    'config',
    `${source}: reports from a ${kind ?? 'file'} source cannot be written back`,
  );
}

import { EightballError } from '../domain/index.ts';
import type { RetryEvent } from '../sources/http-retry.ts';
import {
  checkProjectKey,
  type JiraAuth,
  jiraJql,
  jiraSourceName,
  readJiraIssues,
} from '../sources/jira-rest.ts';
import { latestImportRun, type Store } from '../store/index.ts';
import { claimInput, type ImportSummary, ingest } from './ingest.ts';
import { newestUpdate, pageIngestOptions, syncStart, type TrackerSyncOptions } from './tracker-sync.ts';

export interface JiraImportOptions extends TrackerSyncOptions {
  url: string;
  project: string;
  jql?: string | undefined;
  /** e-mail for Cloud's basic auth; without it a token is sent as a bearer token (Data Center) */
  email?: string | undefined;
  token?: string | undefined;
  /** default: cloud for *.atlassian.net, else server */
  api?: 'cloud' | 'server' | undefined;
  retryBaseDelayMs?: number;
  onRetry?: (e: RetryEvent) => void;
}

export interface JiraImportSummary extends ImportSummary {
  since: string | null;
  jql: string;
}

export function jiraAuthOf(email: string | undefined, token: string | undefined): JiraAuth {
  if (token && email) return { kind: 'basic', email, token };
  if (token) return { kind: 'bearer', token };
  if (email)
    throw EightballError.about('token', 'usage', 'a Jira e-mail needs an API token (EIGHTBALL_JIRA_TOKEN)');
  return { kind: 'none' };
}

/** Incremental sync of one Jira project: from the newest `updated` stored, by JQL. */
export async function importJira(store: Store, opts: JiraImportOptions): Promise<JiraImportSummary> {
  let base: URL;
  try {
    base = new URL(opts.url);
  } catch {
    throw EightballError.about(
      'url',
      'usage',
      `--url: "${opts.url}" is not a URL (e.g. https://issues.apache.org/jira)`,
    );
  }
  if (base.protocol !== 'http:' && base.protocol !== 'https:')
    throw EightballError.about('url', 'usage', `--url: "${opts.url}" must be http:// or https://`);
  const url = opts.url.replace(/\/+$/, '');
  const project = checkProjectKey(opts.project);
  const source = opts.source ?? jiraSourceName(url, project);
  const target = JSON.stringify({ url, project, jql: opts.jql?.trim() ?? '' });
  const previous = await latestImportRun(store.db, source, target);
  await claimInput(store, previous, `${url} ${project} into source "${source}"`);
  const since = await syncStart(store, source, target, opts.since);
  const api = opts.api ?? (base.host.endsWith('.atlassian.net') ? 'cloud' : 'server');
  const query = {
    url,
    project,
    source,
    jql: opts.jql,
    since,
    auth: jiraAuthOf(opts.email, opts.token),
    api,
    ...(opts.pageSize !== undefined ? { pageSize: opts.pageSize } : {}),
    ...(opts.limit !== undefined ? { limit: opts.limit } : {}),
    ...(opts.signal ? { signal: opts.signal } : {}),
    ...(opts.onRetry ? { onRetry: opts.onRetry } : {}),
    ...(opts.retryBaseDelayMs !== undefined
      ? { retry: { attempts: 6, baseDelayMs: opts.retryBaseDelayMs, maxDelayMs: 60_000, timeoutMs: 60_000 } }
      : {}),
  } as const;
  const summary = await ingest(
    store,
    {
      run: {
        source,
        kind: 'jira',
        target,
        fingerprint: target,
        options: { project, jql: opts.jql ?? '', since, api },
        checkpoint: since,
      },
      items: readJiraIssues(query),
      skip: 0,
      checkpointAfter: newestUpdate,
    },
    pageIngestOptions(opts, opts.pageSize ?? 100),
  );
  return { ...summary, since, jql: jiraJql(query) };
}

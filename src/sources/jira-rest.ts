import { EightballError } from '../domain/index.ts';
import { DEFAULT_RETRY, fetchJsonWithRetry, type RetryEvent, type RetryPolicy } from './http-retry.ts';
import { jiraIssueToReport } from './jira-issues.ts';
import type { SourceItem } from './source-item.ts';

/** Jira Cloud signs in with an e-mail and an API token; Data Center with a personal access token. */
export type JiraAuth =
  | { kind: 'basic'; email: string; token: string }
  | { kind: 'bearer'; token: string }
  | { kind: 'none' };

export interface JiraQuery {
  /** the site, e.g. https://issues.apache.org/jira or https://TEAM.atlassian.net */
  url: string;
  project: string;
  /** what the reports are stored as (default jira:HOST:KEY) */
  source?: string;
  /** more JQL, ANDed with the project and the checkpoint */
  jql?: string | undefined;
  /** only issues updated at or after this time (ISO) */
  since?: string | null;
  auth: JiraAuth;
  /**
   * `cloud`: /rest/api/2/search/jql with nextPageToken (Atlassian retired offset search on Cloud);
   * `server`: /rest/api/2/search with startAt (Data Center and Server)
   */
  api: 'cloud' | 'server';
  pageSize?: number;
  limit?: number;
  retry?: RetryPolicy;
  signal?: AbortSignal;
  onRetry?: (e: RetryEvent) => void;
  onPage?: (p: { page: number; issues: number }) => void;
}

export function jiraSourceName(url: string, project: string): string {
  let host = url;
  try {
    host = new URL(url).host;
  } catch {}
  return `jira:${host}:${project.toUpperCase()}`;
}

/** `PROJECT-KEY`-style project keys; anything else would be JQL injected into ours. */
export function checkProjectKey(key: string): string {
  if (!/^[A-Za-z][A-Za-z0-9_]{0,49}$/.test(key))
    throw EightballError.about(
      'project',
      'usage',
      `--project: "${key}" is not a Jira project key (e.g. HIVE)`,
    );
  return key.toUpperCase();
}

/**
 * JQL for one sync. Jira compares `updated` to the minute in the searching user's time zone, so
 * the checkpoint is written as UTC minutes with a minute's margin back: a few issues come twice
 * (stored as unchanged), none is missed.
 */
export function jiraJql(q: Pick<JiraQuery, 'project' | 'jql' | 'since'>): string {
  const parts = [`project = "${checkProjectKey(q.project)}"`];
  if (q.jql?.trim()) parts.push(`(${q.jql.trim()})`);
  if (q.since) {
    const t = new Date(Date.parse(q.since) - 60_000).toISOString();
    parts.push(`updated >= "${t.slice(0, 10)} ${t.slice(11, 16)}"`);
  }
  return `${parts.join(' AND ')} ORDER BY updated ASC, key ASC`;
}

export function jiraHeaders(auth: JiraAuth): Record<string, string> {
  if (auth.kind === 'basic')
    return { authorization: `Basic ${Buffer.from(`${auth.email}:${auth.token}`).toString('base64')}` };
  if (auth.kind === 'bearer') return { authorization: `Bearer ${auth.token}` };
  return {};
}

const FIELDS =
  'summary,description,issuetype,components,priority,status,resolution,reporter,assignee,created,updated,labels,versions,project,environment';

/** Page through a project's issues by JQL, oldest update first, retrying 429 and 5xx. */
export async function* readJiraIssues(q: JiraQuery): AsyncGenerator<SourceItem> {
  const base = q.url.replace(/\/+$/, '');
  const headers = jiraHeaders(q.auth);
  const jql = jiraJql(q);
  const pageSize = q.pageSize ?? 100;
  const source = q.source ?? jiraSourceName(base, q.project);
  let startAt = 0;
  let token: string | null = null;
  let page = 0;
  let seen = 0;
  for (;;) {
    page++;
    const p = new URLSearchParams({ jql, maxResults: String(pageSize), fields: FIELDS });
    if (q.api === 'cloud') {
      if (token) p.set('nextPageToken', token);
    } else p.set('startAt', String(startAt));
    const path = q.api === 'cloud' ? '/rest/api/2/search/jql' : '/rest/api/2/search';
    const body = (await fetchJsonWithRetry(`${base}${path}?${p}`, {
      headers,
      ...(q.signal ? { signal: q.signal } : {}),
      policy: q.retry ?? DEFAULT_RETRY,
      ...(q.onRetry ? { onRetry: q.onRetry } : {}),
    })) as { issues?: Record<string, unknown>[]; total?: number; nextPageToken?: string; isLast?: boolean };
    const issues = Array.isArray(body.issues) ? body.issues : [];
    q.onPage?.({ page, issues: issues.length });
    for (const [i, issue] of issues.entries()) {
      seen++;
      const built = jiraIssueToReport(
        // the REST shape has `self`; a site behind a proxy may not, so the browse link comes from --url
        {
          ...issue,
          self: typeof issue.self === 'string' ? issue.self : `${base}/rest/api/2/issue/${String(issue.key)}`,
        },
        { file: `${base}${path}`, line: startAt + i + 1, source, raw: issue },
      );
      if ('location' in built) yield { kind: 'error', error: built };
      else {
        built.url = `${base}/browse/${built.externalId}`;
        yield { kind: 'report', report: built, line: seen };
      }
      if (q.limit !== undefined && seen >= q.limit) return;
    }
    if (issues.length === 0) return;
    if (q.api === 'cloud') {
      if (body.isLast !== false || !body.nextPageToken) return;
      token = body.nextPageToken;
    } else {
      startAt += issues.length;
      if (typeof body.total === 'number' ? startAt >= body.total : issues.length < pageSize) return;
    }
  }
}

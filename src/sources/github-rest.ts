import type { Octokit } from '@octokit/rest';
import { EightballError } from '../domain/index.ts';
import { requestStatus } from './github-client.ts';
import { githubIssueToReport } from './github-issues.ts';
import type { SourceItem } from './source-item.ts';

export interface GithubQuery {
  /** OWNER/REPO */
  repo: string;
  /** what the reports are stored as (default github:owner/repo) */
  source?: string;
  /** only issues updated at or after this time (ISO): GitHub's `since` */
  since?: string | null;
  /** the ETag the first page had last time: a 304 means nothing changed */
  etag?: string | null;
  pageSize?: number;
  /** stop after this many issues (a trial run) */
  limit?: number;
  signal?: AbortSignal;
  onPage?: (p: { page: number; issues: number; etag: string | null }) => void;
  /** the first page's ETag, to send next time */
  onEtag?: (etag: string) => void;
  /** the first page answered 304 Not Modified */
  onNotModified?: () => void;
}

/** `OWNER/REPO`, or a usage error naming the flag. */
export function parseRepo(repo: string): { owner: string; repo: string } {
  const m = /^([A-Za-z0-9_.-]+)\/([A-Za-z0-9_.-]+)$/.exec(repo.trim());
  if (!m) throw EightballError.about('repo', 'usage', `--repo: "${repo}" is not OWNER/REPO`);
  return { owner: m[1]!, repo: m[2]! };
}

export function githubSourceName(repo: string): string {
  return `github:${repo.trim().toLowerCase()}`;
}

/**
 * Page through a repository's issues (state all, oldest update first, so `since` only moves
 * forward), following the Link header; pull requests come back from this endpoint too and are
 * dropped here, not rejected (they are not reports). The first page is a conditional request on
 * the last run's ETag: an unchanged repository costs one request that does not count against the
 * rate limit.
 */
export async function* readGithubIssues(octokit: Octokit, q: GithubQuery): AsyncGenerator<SourceItem> {
  const { owner, repo } = parseRepo(q.repo);
  const perPage = q.pageSize ?? 100;
  let url: string | null = null;
  let page = 0;
  let seen = 0;
  const source = q.source ?? githubSourceName(q.repo);
  for (;;) {
    if (q.signal?.aborted) throw new EightballError('interrupted', 'interrupted');
    page++;
    let res: { data: unknown; headers: Record<string, unknown> };
    try {
      res = url
        ? await octokit.request({ method: 'GET', url, request: { signal: q.signal } })
        : await octokit.rest.issues.listForRepo({
            owner,
            repo,
            state: 'all',
            sort: 'updated',
            direction: 'asc',
            per_page: perPage,
            ...(q.since ? { since: q.since } : {}),
            headers: q.etag ? { 'if-none-match': q.etag } : {},
            request: { signal: q.signal },
          });
    } catch (e) {
      if (page === 1 && requestStatus(e) === 304) {
        q.onNotModified?.();
        return;
      }
      if (q.signal?.aborted) throw new EightballError('interrupted', 'interrupted');
      const status = requestStatus(e);
      throw new EightballError(
        status === 401 || status === 403 ? 'config' : 'http',
        `GitHub ${owner}/${repo} issues (page ${page}): ${status ? `HTTP ${status}: ` : ''}${(e as Error).message}${status === 401 ? ' (check the token: EIGHTBALL_GITHUB_TOKEN)' : ''}`,
      );
    }
    const etag = typeof res.headers.etag === 'string' ? res.headers.etag : null;
    if (page === 1 && etag) q.onEtag?.(etag);
    const issues = Array.isArray(res.data) ? (res.data as Record<string, unknown>[]) : [];
    q.onPage?.({ page, issues: issues.length, etag });
    for (const [i, issue] of issues.entries()) {
      if (issue.pull_request) continue;
      seen++;
      const built = githubIssueToReport(issue, {
        file: `github:${owner}/${repo}/issues?page=${page}`,
        line: i + 1,
        source,
        raw: issue,
      });
      if ('location' in built) yield { kind: 'error', error: built };
      else yield { kind: 'report', report: built, line: seen };
      if (q.limit !== undefined && seen >= q.limit) return;
    }
    url = nextLink(typeof res.headers.link === 'string' ? res.headers.link : '');
    if (!url) return;
  }
}

/** The `rel="next"` target of a Link header (RFC 8288), or null on the last page. */
export function nextLink(link: string): string | null {
  for (const part of link.split(',')) {
    const m = /<([^>]+)>\s*;\s*rel="?([^";]+)"?/.exec(part.trim());
    if (m && m[2]!.split(/\s+/).includes('next')) return m[1]!;
  }
  return null;
}

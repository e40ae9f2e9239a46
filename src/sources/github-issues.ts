import type { BugReport, RecordError } from '../domain/index.ts';
import { buildReport, type RecordContext } from './report-fields.ts';

export function looksLikeGithubIssue(v: unknown): boolean {
  if (typeof v !== 'object' || v === null) return false;
  const o = v as Record<string, unknown>;
  return 'number' in o && 'title' in o && ('html_url' in o || 'repository_url' in o || 'user' in o);
}

/** The kind of report a repository's labels say it is, in Bugzilla's words where one fits. */
export function typeFromLabels(names: string[]): string | null {
  for (const raw of names) {
    const n = raw.toLowerCase().replace(/^(type|kind|t)\s*[:/-]\s*/, '');
    if (/^(bug|defect|regression)$/.test(n)) return 'defect';
    if (/^(enhancement|feature|feature[ -]request)$/.test(n)) return 'enhancement';
    if (/^(task|chore|maintenance)$/.test(n)) return 'task';
    if (/^(question|support)$/.test(n)) return 'question';
    if (/^(docs|documentation)$/.test(n)) return 'documentation';
  }
  return null;
}

function repoOf(issue: Record<string, unknown>): string | null {
  const u = typeof issue.repository_url === 'string' ? issue.repository_url : issue.html_url;
  if (typeof u !== 'string') return null;
  // the API URL (…/repos/OWNER/REPO) before the page URL (github.com/OWNER/REPO)
  const m = /\/repos\/([^/]+\/[^/]+)/.exec(u) ?? /github\.com\/([^/]+\/[^/]+)/.exec(u);
  return m ? m[1]! : null;
}

/** Map a GitHub REST issue object to a report. Pull requests are refused: they are not reports. */
export function githubIssueToReport(
  issue: Record<string, unknown>,
  ctx: RecordContext,
): BugReport | RecordError {
  const repo = repoOf(issue);
  const number = issue.number;
  if (issue.pull_request) {
    return {
      location: { file: ctx.file, line: ctx.line, id: String(number) },
      field: 'pull_request',
      reason: 'a pull request, not an issue',
      record: issue,
      text: ctx.text,
    };
  }
  const labelNames = Array.isArray(issue.labels)
    ? (issue.labels as unknown[]).map((l) =>
        typeof l === 'string' ? l : String((l as { name?: unknown }).name ?? ''),
      )
    : [];
  const milestone = issue.milestone as { title?: unknown } | null | undefined;
  return buildReport(
    {
      externalId: number !== undefined && repo ? `${repo}#${number}` : number,
      url: issue.html_url,
      summary: issue.title,
      description: issue.body ?? '',
      product: repo,
      type: typeFromLabels(labelNames),
      keywords: labelNames.filter((n) => n !== ''),
      status: issue.state,
      resolution: issue.state_reason,
      reporter: issue.user,
      assignee: issue.assignee,
      version: milestone?.title,
      createdAt: issue.created_at,
      updatedAt: issue.updated_at,
    },
    ctx,
  );
}

import type { BugReport, RecordError } from '../domain/index.ts';
import { bugzillaBugToReport } from '../sources/bugzilla-json.ts';
import { githubIssueToReport } from '../sources/github-issues.ts';
import { jiraIssueToReport } from '../sources/jira-issues.ts';

/** A triage field changed in the tracker, by whom. */
export interface FieldChange {
  field: string;
  removed: string;
  added: string;
  who: string;
  at: string;
}

/** What one delivery says: the report as it now is, and the changes that made it so. */
export interface HookEvent {
  tracker: 'github' | 'bugzilla' | 'jira';
  /** opened / edited / labeled / created / changed ... */
  action: string;
  report: BugReport;
  /** whatever identifies the tracker's instance: OWNER/REPO, a Jira site and project, a Bugzilla */
  scope: string;
  created: boolean;
  changes: FieldChange[];
}

/** A delivery that is well-formed but not about a report eightball handles (a ping, a comment). */
export interface Ignored {
  ignored: string;
}

export class PayloadError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}

function obj(v: unknown, field: string): Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v))
    throw new PayloadError(field, `${field}: an object is needed`);
  return v as Record<string, unknown>;
}

function str(v: unknown): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return String(v);
  if (typeof v === 'object' && v !== null) {
    const o = v as Record<string, unknown>;
    return str(o.login ?? o.name ?? o.emailAddress ?? o.accountId ?? '');
  }
  return '';
}

function failIfError(r: BugReport | RecordError, prefix: string): BugReport {
  if ('location' in r) throw new PayloadError(`${prefix}.${r.field}`, `${prefix}.${r.field}: ${r.reason}`);
  return r;
}

const GITHUB_ACTIONS = new Set(['opened', 'edited', 'labeled', 'unlabeled', 'reopened']);

/** `issues` events (X-GitHub-Event); `ping` and other events are acknowledged and ignored. */
export function parseGithubHook(event: string, body: unknown): HookEvent | Ignored {
  if (event === 'ping') return { ignored: 'ping' };
  if (event !== 'issues') return { ignored: `event "${event}" is not handled (only issues)` };
  const b = obj(body, 'body');
  const action = String(b.action ?? '');
  if (!GITHUB_ACTIONS.has(action)) return { ignored: `issues action "${action}" is not handled` };
  const issue = obj(b.issue, 'issue');
  const repo = obj(b.repository, 'repository');
  const fullName = String(repo.full_name ?? '');
  if (!/^[^/\s]+\/[^/\s]+$/.test(fullName))
    throw new PayloadError('repository.full_name', 'repository.full_name: OWNER/REPO is needed');
  const source = `github:${fullName.toLowerCase()}`;
  const report = failIfError(
    githubIssueToReport(
      { repository_url: `https://api.github.com/repos/${fullName}`, ...issue },
      {
        file: 'webhook',
        line: 1,
        source,
        raw: issue,
      },
    ),
    'issue',
  );
  const at = report.updatedAt ?? new Date().toISOString();
  const who = str(b.sender);
  const label = typeof b.label === 'object' && b.label !== null ? str(b.label) : '';
  const changes: FieldChange[] =
    action === 'labeled' && label
      ? [{ field: 'labels', removed: '', added: label, who, at }]
      : action === 'unlabeled' && label
        ? [{ field: 'labels', removed: label, added: '', who, at }]
        : [];
  return { tracker: 'github', action, report, scope: fullName, created: action === 'opened', changes };
}

const BUGZILLA_FIELDS: Record<string, string> = {
  component: 'component',
  product: 'product',
  keywords: 'keywords',
  bug_type: 'type',
  type: 'type',
  bug_severity: 'severity',
  severity: 'severity',
  priority: 'priority',
};

/** bugzilla.mozilla.org's Webhooks extension: `{bug, event: {action, changes, user, time}}`. */
export function parseBugzillaHook(body: unknown): HookEvent | Ignored {
  const b = obj(body, 'body');
  const event = obj(b.event, 'event');
  const bug = obj(b.bug, 'bug');
  const action = String(event.action ?? '');
  if (String(event.target ?? 'bug') !== 'bug')
    return { ignored: `target "${String(event.target)}" is not a bug` };
  if (action !== 'create' && action !== 'modify' && action !== 'change')
    return { ignored: `event "${action}" is not handled (create, modify)` };
  const at = typeof event.time === 'string' ? event.time : new Date().toISOString();
  const comment =
    typeof bug.comment === 'object' && bug.comment !== null ? (bug.comment as Record<string, unknown>) : null;
  const first =
    comment && (comment.number === 0 || comment.count === 0 || action === 'create') ? comment : null;
  const report = failIfError(
    bugzillaBugToReport(
      {
        ...bug,
        creation_time: bug.creation_time ?? (action === 'create' ? at : undefined),
        last_change_time: bug.last_change_time ?? at,
        ...(first ? { comments: [{ text: first.body ?? first.text ?? '', count: 0 }] } : {}),
      },
      { file: 'webhook', line: 1, source: 'bugzilla', raw: bug },
    ),
    'bug',
  );
  const who = str(event.user);
  const changes: FieldChange[] = [];
  for (const c of Array.isArray(event.changes) ? event.changes : []) {
    const o = obj(c, 'event.changes[]');
    const field = BUGZILLA_FIELDS[String(o.field ?? '')];
    if (field) changes.push({ field, removed: str(o.removed), added: str(o.added), who, at });
  }
  return {
    tracker: 'bugzilla',
    action: action === 'create' ? 'created' : 'changed',
    report,
    scope: '',
    created: action === 'create',
    changes,
  };
}

const JIRA_FIELDS: Record<string, string> = {
  Component: 'component',
  components: 'component',
  labels: 'labels',
  issuetype: 'type',
  priority: 'priority',
  project: 'product',
};

/** `jira:issue_created` / `jira:issue_updated`, with the changelog's items for the changes. */
export function parseJiraHook(body: unknown): HookEvent | Ignored {
  const b = obj(body, 'body');
  const event = String(b.webhookEvent ?? '');
  if (event !== 'jira:issue_created' && event !== 'jira:issue_updated')
    return { ignored: `webhookEvent "${event}" is not handled` };
  const issue = obj(b.issue, 'issue');
  const fields = obj(issue.fields, 'issue.fields');
  const self = typeof issue.self === 'string' ? issue.self : '';
  const site = /^(https?:\/\/.+?)\/rest\/api\//.exec(self)?.[1] ?? '';
  if (!site)
    throw new PayloadError(
      'issue.self',
      "issue.self: the issue's REST URL is needed (https://SITE/rest/api/2/issue/ID)",
    );
  const project = str(obj(fields.project, 'issue.fields.project').key);
  const report = failIfError(
    jiraIssueToReport(issue, { file: 'webhook', line: 1, source: 'jira', raw: issue }),
    'issue',
  );
  report.url = `${site}/browse/${report.externalId}`;
  const at =
    typeof b.timestamp === 'number'
      ? new Date(b.timestamp).toISOString()
      : (report.updatedAt ?? new Date().toISOString());
  const who = str(b.user);
  const changes: FieldChange[] = [];
  const log =
    typeof b.changelog === 'object' && b.changelog !== null ? (b.changelog as { items?: unknown }).items : [];
  for (const it of Array.isArray(log) ? log : []) {
    const o = obj(it, 'changelog.items[]');
    const field = JIRA_FIELDS[String(o.field ?? '')];
    if (field) changes.push({ field, removed: str(o.fromString), added: str(o.toString), who, at });
  }
  return {
    tracker: 'jira',
    action: event === 'jira:issue_created' ? 'created' : 'changed',
    report,
    scope: `${site} ${project}`,
    created: event === 'jira:issue_created',
    changes,
  };
}

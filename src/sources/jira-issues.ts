import type { BugReport, RecordError } from '../domain/index.ts';
import { buildReport, type RecordContext } from './report-fields.ts';
import { textList } from './values.ts';

export function looksLikeJiraIssue(v: unknown): boolean {
  if (typeof v !== 'object' || v === null) return false;
  const o = v as Record<string, unknown>;
  return typeof o.key === 'string' && (typeof o.fields === 'object' || 'issuetype' in o || 'project' in o);
}

/**
 * Map a Jira issue to a report: either the REST shape (`{key, fields: {...}}`) or the flattened
 * shape research dumps use. The first component is the component; all of them stay in the raw record.
 */
export function jiraIssueToReport(
  issue: Record<string, unknown>,
  ctx: RecordContext,
): BugReport | RecordError {
  const f = (typeof issue.fields === 'object' && issue.fields !== null ? issue.fields : issue) as Record<
    string,
    unknown
  >;
  const components = textList(f.components);
  const project = f.project;
  const self = typeof issue.self === 'string' ? issue.self : null;
  const origin = self ? /^(https?:\/\/[^/]+)/.exec(self)?.[1] : undefined;
  return buildReport(
    {
      externalId: issue.key,
      url: origin ? `${origin}/browse/${issue.key}` : null,
      summary: f.summary,
      description: f.description ?? '',
      product: typeof project === 'object' && project !== null ? (project as { key?: unknown }).key : project,
      component: components[0] ?? null,
      type: f.issuetype,
      priority: f.priority,
      severity: f.severity,
      version: textList(f.versions)[0] ?? null,
      keywords: f.labels,
      status: f.status,
      resolution: f.resolution,
      reporter: f.reporter,
      assignee: f.assignee,
      createdAt: f.created,
      updatedAt: f.updated,
      labels: components.length > 1 ? { components: components.join(';') } : {},
    },
    ctx,
  );
}

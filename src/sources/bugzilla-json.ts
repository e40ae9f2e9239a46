import type { BugReport, RecordError } from '../domain/index.ts';
import { currentTriageFields } from '../domain/index.ts';
import { fieldsAsFiled, type HistoryEntry } from './as-filed.ts';
import { buildReport, type RecordContext } from './report-fields.ts';

/** True for an object shaped like Bugzilla's REST `bug`. */
export function looksLikeBugzillaBug(v: unknown): boolean {
  if (typeof v !== 'object' || v === null) return false;
  const o = v as Record<string, unknown>;
  return 'summary' in o && 'product' in o && 'component' in o && ('creation_time' in o || 'id' in o);
}

/** Map one REST bug object (with optional `comments` and `history`) to a report. */
export function bugzillaBugToReport(
  bug: Record<string, unknown>,
  ctx: RecordContext & { baseUrl?: string | undefined },
): BugReport | RecordError {
  const comments = Array.isArray(bug.comments) ? (bug.comments as { text?: unknown; count?: unknown }[]) : [];
  // comment 0 is the description; REST numbers it with `count`, dumps keep it first
  const first = comments.find((c) => c.count === 0) ?? comments[0];
  const id = bug.id;
  const built = buildReport(
    {
      externalId: id,
      url:
        ctx.baseUrl && id !== undefined
          ? `${ctx.baseUrl.replace(/\/+$/, '')}/show_bug.cgi?id=${id}`
          : bug.url,
      summary: bug.summary,
      description: first?.text ?? bug.description ?? '',
      product: bug.product,
      component: bug.component,
      type: bug.type,
      severity: bug.severity,
      priority: bug.priority,
      platform: bug.platform,
      opSys: bug.op_sys,
      version: bug.version,
      keywords: bug.keywords,
      status: bug.status,
      resolution: bug.resolution,
      reporter: bug.creator ?? bug.reporter,
      assignee: bug.assigned_to,
      createdAt: bug.creation_time,
      updatedAt: bug.last_change_time,
    },
    ctx,
  );
  if ('location' in built) return built;
  // `url` in a Bugzilla bug is the "URL" field (a page showing the bug), not the bug's own page
  if (!ctx.baseUrl) built.url = null;
  if (Array.isArray(bug.history)) {
    built.filed = fieldsAsFiled(currentTriageFields(built), bug.history as HistoryEntry[]);
    built.filedKnown = true;
  }
  return built;
}

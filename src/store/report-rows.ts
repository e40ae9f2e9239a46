import { createHash } from 'node:crypto';
import type { BugReport } from '../domain/index.ts';
import type { BugReportRow, NewBugReportRow } from './schema.ts';

/** Hash of what a source said about a report, labels aside (they are merged, not replaced). */
export function contentHash(r: BugReport, rawJson: string): string {
  const h = createHash('sha1');
  h.update(
    JSON.stringify([
      r.url,
      r.summary,
      r.description,
      r.product,
      r.component,
      r.type,
      r.severity,
      r.priority,
      r.platform,
      r.opSys,
      r.version,
      r.keywords,
      r.status,
      r.resolution,
      r.reporter,
      r.assignee,
      r.createdAt,
      r.updatedAt,
      r.filed,
      r.filedKnown,
    ]),
  );
  h.update(rawJson);
  return h.digest('hex');
}

export function reportToRow(r: BugReport, now: string): NewBugReportRow {
  const raw = JSON.stringify(r.raw ?? null);
  return {
    source: r.source,
    external_id: r.externalId,
    url: r.url,
    summary: r.summary,
    description: r.description,
    product: r.product,
    component: r.component,
    type: r.type,
    severity: r.severity,
    priority: r.priority,
    platform: r.platform,
    op_sys: r.opSys,
    version: r.version,
    keywords: JSON.stringify(r.keywords),
    status: r.status,
    resolution: r.resolution,
    reporter: r.reporter,
    assignee: r.assignee,
    created_at: r.createdAt,
    updated_at: r.updatedAt,
    labels: JSON.stringify(r.labels),
    filed_product: r.filed.product,
    filed_component: r.filed.component,
    filed_severity: r.filed.severity,
    filed_type: r.filed.type,
    filed_priority: r.filed.priority,
    filed_known: r.filedKnown ? 1 : 0,
    raw,
    content_hash: contentHash(r, raw),
    imported_at: now,
    changed_at: now,
  };
}

/** A stored row as a report; a row read without its raw column (learning never needs it) gives `raw: null`. */
export function rowToReport(row: Omit<BugReportRow, 'raw'> & { raw?: string }): BugReport {
  return {
    source: row.source,
    externalId: row.external_id,
    url: row.url,
    summary: row.summary,
    description: row.description,
    product: row.product,
    component: row.component,
    type: row.type,
    severity: row.severity,
    priority: row.priority,
    platform: row.platform,
    opSys: row.op_sys,
    version: row.version,
    keywords: JSON.parse(row.keywords) as string[],
    status: row.status,
    resolution: row.resolution,
    reporter: row.reporter,
    assignee: row.assignee,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    labels: JSON.parse(row.labels) as Record<string, string>,
    filed: {
      product: row.filed_product,
      component: row.filed_component,
      severity: row.filed_severity,
      type: row.filed_type,
      priority: row.filed_priority,
    },
    filedKnown: row.filed_known === 1,
    raw: row.raw === undefined ? null : (JSON.parse(row.raw) as unknown),
  };
}

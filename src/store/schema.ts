import type { Generated, Insertable, Selectable, Updateable } from 'kysely';

/** Dates are ISO-8601 UTC text in both dialects, so they sort and compare the same everywhere. */
export interface BugReportsTable {
  id: Generated<number>;
  source: string;
  external_id: string;
  url: string | null;
  summary: string;
  description: string;
  product: string | null;
  component: string | null;
  type: string | null;
  severity: string | null;
  priority: string | null;
  platform: string | null;
  op_sys: string | null;
  version: string | null;
  /** JSON array */
  keywords: string;
  status: string | null;
  resolution: string | null;
  reporter: string | null;
  assignee: string | null;
  created_at: string | null;
  updated_at: string | null;
  /** JSON object */
  labels: string;
  filed_product: string | null;
  filed_component: string | null;
  filed_severity: string | null;
  filed_type: string | null;
  filed_priority: string | null;
  filed_known: number;
  /** the record as the source gave it, JSON */
  raw: string;
  /** hash of everything but labels, to tell "unchanged" from "updated" cheaply */
  content_hash: string;
  imported_at: string;
  changed_at: string;
}

export type ImportRunStatus = 'running' | 'completed' | 'failed' | 'interrupted';

export interface ImportRunsTable {
  id: Generated<number>;
  source: string;
  kind: string;
  target: string;
  /** what identifies this input (a file's size and mtime; a Bugzilla query) for resuming */
  fingerprint: string;
  options: string;
  status: ImportRunStatus;
  started_at: string;
  finished_at: string | null;
  heartbeat_at: string;
  imported: number;
  updated: number;
  unchanged: number;
  rejected: number;
  /** where the next run starts: records done (files) or last_change_time (Bugzilla) */
  checkpoint: string | null;
  message: string | null;
}

export interface Database {
  bug_reports: BugReportsTable;
  import_runs: ImportRunsTable;
}

export type BugReportRow = Selectable<BugReportsTable>;
export type NewBugReportRow = Insertable<BugReportsTable>;
export type BugReportUpdate = Updateable<BugReportsTable>;
export type ImportRunRow = Selectable<ImportRunsTable>;

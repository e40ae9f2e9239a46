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

export type Role = 'reporter' | 'triager' | 'admin';

export interface UsersTable {
  id: Generated<number>;
  username: string;
  /** scrypt$N$r$p$salt$hash */
  password_hash: string;
  role: Role;
  must_change_password: number;
  disabled: number;
  created_at: string;
}

export interface ApiTokensTable {
  id: Generated<number>;
  user_id: number;
  name: string;
  /** sha-256 of the token: the token itself is shown once and never stored */
  token_hash: string;
  /** the first characters, so a person can tell tokens apart */
  prefix: string;
  created_at: string;
  last_used_at: string | null;
  revoked_at: string | null;
}

export interface SessionsTable {
  sid: string;
  data: string;
  expires_at: string;
  user_id: number | null;
}

export interface SettingsTable {
  key: string;
  value: string;
}

export interface ModelVersionsTable {
  id: Generated<number>;
  task: string;
  version: number;
  created_at: string;
  activated_at: string | null;
  active: number;
  label_source: string;
  description: string;
  /** JSON: the validation summary */
  metrics: string;
  threshold: number;
  report_html: string;
  /** the serialized classifier as JSON text (versions before binary artifacts), else '' */
  artifact: string;
  /** the serialized classifier as bytes (ml/binary-artifact.ts), else null */
  artifact_bin: Uint8Array | null;
  /** the job (or run) that made it: a second run of the same job stores nothing */
  run_key: string | null;
  /** the evaluation report's data (JSON), rendered when asked; null for versions with only `report_html` */
  report: string | null;
}

export interface TasksTable {
  name: string;
  /** 'classify' (one label) or 'multilabel' (any number of labels) */
  kind: string;
  label_source: string;
  /** JSON: the `FROM=TO` rules, in order */
  label_map: string;
  description: string;
  created_at: string;
}

export interface GitCommitsTable {
  /** the repository's name (what `import git --name` or the source calls it) */
  repo: string;
  sha: string;
  committed_at: string;
  author: string;
  /** the message's first line */
  subject: string;
  /** JSON: [{ status, path, oldPath?, added, removed }] */
  files: string;
}

export interface ReportCommitsTable {
  report_id: number;
  repo: string;
  sha: string;
}

export interface PredictionsTable {
  id: Generated<number>;
  report_id: number;
  task: string;
  model_id: number;
  label: string | null;
  probability: number;
  abstained: number;
  /** JSON: the top labels with probabilities */
  ranking: string;
  created_at: string;
}

export interface CorrectionsTable {
  id: Generated<number>;
  report_id: number;
  task: string;
  label: string;
  accepted: number;
  user_id: number;
  created_at: string;
}

export interface AuditLogTable {
  id: Generated<number>;
  user_id: number | null;
  action: string;
  detail: string;
  created_at: string;
}

export interface DataSourcesTable {
  id: Generated<number>;
  name: string;
  kind: string;
  location: string;
  query: string;
  schedule: string | null;
  created_at: string;
  last_scheduled: string | null;
}

export type JobStateName = 'waiting' | 'active' | 'completed' | 'dead' | 'cancelled';

export interface JobsTable {
  id: Generated<number>;
  name: string;
  /** JSON */
  data: string;
  state: JobStateName;
  priority: number;
  attempts: number;
  max_attempts: number;
  backoff_ms: number;
  /** not before this time (delays and retry backoff) */
  run_at: string;
  lease_owner: string | null;
  /** an active job whose lease ran out belongs to a worker that died */
  lease_until: string | null;
  cancel_requested: number;
  /** JSON {done, total, message} */
  progress: string | null;
  /** JSON */
  result: string | null;
  error: string | null;
  dedup_key: string | null;
  created_at: string;
  updated_at: string;
  finished_at: string | null;
}

export interface BatchesTable {
  id: Generated<number>;
  total: number;
  user_id: number | null;
  created_at: string;
}

export interface BatchItemsTable {
  batch_id: number;
  idx: number;
  input: string;
  result: string | null;
  worker: string | null;
  done_at: string | null;
}

export interface SubscriptionsTable {
  id: Generated<number>;
  user_id: number;
  email: string;
  task: string;
  label: string;
  created_at: string;
}

export interface NotificationsTable {
  subscription_id: number;
  report_id: number;
  state: string;
  sent_at: string | null;
}

export interface WebhookDeliveriesTable {
  tracker: string;
  delivery_id: string;
  event: string;
  report_id: number | null;
  received_at: string;
}

export type WritebackMode = 'off' | 'suggest' | 'apply';

export interface WritebackRulesTable {
  source: string;
  task: string;
  mode: WritebackMode;
  threshold: number;
  /** JSON object: label → its own threshold */
  label_thresholds: string;
  /** JSON array: values of the task's field that mean nobody has triaged it yet ("" = empty) */
  untriaged: string;
  needs_triage_label: string | null;
  updated_at: string;
}

export type TrackerActionState = 'done' | 'failed' | 'undone';

export interface TrackerActionsTable {
  id: Generated<number>;
  report_id: number;
  source: string;
  task: string;
  /** comment | set-component | set-product | add-labels | needs-triage */
  kind: string;
  decision: string;
  probability: number;
  state: TrackerActionState;
  /** JSON: the tracker's values before, and what eightball set */
  before_value: string;
  after_value: string;
  /** the comment's id in the tracker, for editing it */
  external_ref: string | null;
  message: string;
  created_at: string;
  undone_at: string | null;
  undone_by: number | null;
}

/** A change of a triage field seen in the tracker (webhook `changes`), with who made it. */
export interface ReportFieldChangesTable {
  report_id: number;
  field: string;
  removed: string;
  added: string;
  who: string;
  at: string;
}

export interface Database {
  bug_reports: BugReportsTable;
  import_runs: ImportRunsTable;
  users: UsersTable;
  api_tokens: ApiTokensTable;
  sessions: SessionsTable;
  settings: SettingsTable;
  model_versions: ModelVersionsTable;
  predictions: PredictionsTable;
  corrections: CorrectionsTable;
  audit_log: AuditLogTable;
  data_sources: DataSourcesTable;
  jobs: JobsTable;
  batches: BatchesTable;
  batch_items: BatchItemsTable;
  subscriptions: SubscriptionsTable;
  notifications: NotificationsTable;
  tasks: TasksTable;
  git_commits: GitCommitsTable;
  report_commits: ReportCommitsTable;
  webhook_deliveries: WebhookDeliveriesTable;
  writeback_rules: WritebackRulesTable;
  tracker_actions: TrackerActionsTable;
  report_field_changes: ReportFieldChangesTable;
}

export type BugReportRow = Selectable<BugReportsTable>;

/** Every column of bug_reports but the generated id, in table order. */
export const BUG_REPORT_COLUMNS = [
  'source',
  'external_id',
  'url',
  'summary',
  'description',
  'product',
  'component',
  'type',
  'severity',
  'priority',
  'platform',
  'op_sys',
  'version',
  'keywords',
  'status',
  'resolution',
  'reporter',
  'assignee',
  'created_at',
  'updated_at',
  'labels',
  'filed_product',
  'filed_component',
  'filed_severity',
  'filed_type',
  'filed_priority',
  'filed_known',
  'raw',
  'content_hash',
  'imported_at',
  'changed_at',
] as const satisfies readonly (keyof NewBugReportRow)[];

export type NewBugReportRow = Insertable<BugReportsTable>;
export type BugReportUpdate = Updateable<BugReportsTable>;
export type ImportRunRow = Selectable<ImportRunsTable>;
export type UserRow = Selectable<UsersTable>;
export type ModelVersionRow = Selectable<ModelVersionsTable>;
export type JobRow = Selectable<JobsTable>;

import type { MappableField } from './report-fields.ts';

/** Header names are compared after this: "Bug ID", "bug_id" and "bugID" are one column. */
export function normaliseHeader(h: string): string {
  return h.toLowerCase().replace(/[^a-z0-9]/g, '');
}

/**
 * Column names trackers write, per field, in order of preference. Bugzilla's buglist short
 * columns (sd, pd, co, bsr...) come from its `buglist.cgi?columnlist=` names; the long ones are its
 * database field names; the rest are the headers of GitHub/Jira-style exports.
 */
export const COLUMN_ALIASES: Record<MappableField, string[]> = {
  externalId: ['bugid', 'key', 'issuekey', 'issueid', 'number', 'id'],
  url: ['url', 'htmlurl', 'link'],
  summary: ['sd', 'shortdesc', 'summary', 'title', 'issuetitle', 'shortshortdesc'],
  description: ['description', 'body', 'longdesc', 'firstcomment', 'text'],
  product: ['pd', 'product', 'repo', 'repository', 'project'],
  component: ['co', 'component', 'components', 'componentname'],
  type: ['bugtype', 'type', 'issuetype', 'kind', 'label'],
  severity: ['bsr', 'bugseverity', 'severity', 'sev'],
  priority: ['pr', 'priority', 'pri'],
  platform: ['rp', 'repplatform', 'platform', 'hardware', 'hw'],
  opSys: ['os', 'opsys'],
  version: ['vers', 'version', 'versions', 'affectsversion'],
  keywords: ['kw', 'keywords'],
  status: ['bs', 'bugstatus', 'status', 'state'],
  resolution: ['rs', 'resolution'],
  reporter: ['re', 'reporter', 'creator', 'author', 'user', 'reportedby', 'reporterrealname'],
  assignee: ['at', 'assignedto', 'assignee', 'owner', 'assignedtorealname'],
  createdAt: ['ct', 'opendate', 'creationtime', 'creationts', 'created', 'createdat', 'reporttime', 'opened'],
  updatedAt: ['dt', 'changeddate', 'deltats', 'lastchangetime', 'updated', 'updatedat', 'changed'],
};

/**
 * Columns we know and keep only in the raw record (they feed no field), so they are not reported
 * as unknown. Bugzilla's buglist names and the localisation benchmarks' extra columns.
 */
export const KNOWN_EXTRA_COLUMNS = new Set([
  'cl',
  'classification',
  'targetmilestone',
  'tm',
  'qacontact',
  'qa',
  'votes',
  'whiteboard',
  'statuswhiteboard',
  'resolutiondate',
  'fixdate',
  'reporttimestamp',
  'committimestamp',
  'environment',
  'alias',
  'deadline',
  'estimatedtime',
  'remainingtime',
  'actualtime',
  'percentcomplete',
  'lastvisitts',
  'commentcount',
  'flagtypes',
  'bugfileloc',
  'everconfirmed',
  'dependson',
  'blocked',
  'seealso',
  // a row number beside a real bug id (the FSE'14 dump)
  'id',
]);

/** Columns that become labels when present: a fix's files and commit, for the localisation task. */
export const LABEL_COLUMNS: Record<string, string> = {
  files: 'files',
  fixedfiles: 'files',
  commit: 'commit',
  fixingcommit: 'commit',
};

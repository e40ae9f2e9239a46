import { jiraIssueToReport, looksLikeJiraIssue } from '../jira-issues.ts';
import { jsonRecordsFormat } from './json-records-format.ts';

export const jiraJson = jsonRecordsFormat({
  name: 'jira-json',
  tracker: 'jira',
  description: 'Jira issues, REST shape ({key, fields}) or flattened',
  looksLike: looksLikeJiraIssue,
  toReport: jiraIssueToReport,
});

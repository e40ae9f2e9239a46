import { githubIssueToReport, looksLikeGithubIssue } from '../github-issues.ts';
import { jsonRecordsFormat } from './json-records-format.ts';

export const githubJson = jsonRecordsFormat({
  name: 'github-json',
  tracker: 'github',
  description: 'GitHub REST issue objects (JSON array or lines); pull requests are rejected',
  looksLike: looksLikeGithubIssue,
  toReport: githubIssueToReport,
});

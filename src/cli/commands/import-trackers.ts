import type { Command } from 'commander';
import { importGithub } from '../../jobs/import-github.ts';
import { importJira } from '../../jobs/import-jira.ts';
import { configFrom, isQuiet, withStore } from '../context.ts';
import { retryPrinter, runImport, trackerImportOptions } from './import-ui.ts';

/** `import github` and `import jira`: a live tracker's REST API, synced from where the last run stopped. */
export function registerImportTrackers(imp: Command): void {
  const github = imp
    .command('github')
    .description("import (and later sync) a GitHub repository's issues through its REST API")
    .requiredOption('--repo <owner/repo>', 'the repository, e.g. webcompat/web-bugs')
    .option(
      '--token <token>',
      'a GitHub token (better: EIGHTBALL_GITHUB_TOKEN, which stays out of shell history)',
    )
    .option(
      '--api-url <url>',
      'the API root (GitHub Enterprise: https://HOST/api/v3)',
      'https://api.github.com',
    );
  trackerImportOptions(github, {
    things: 'issues',
    defaultSource: 'github:owner/repo',
    pageSize: 'issues per request (at most 100)',
  })
    .addHelpText(
      'after',
      `
Reads /repos/OWNER/REPO/issues (state all, oldest update first; pull requests are left out),
following the Link header's next page. Labels become the report's keywords, and a bug /
enhancement / task / question / documentation label its category. Each report links to its
issue. The next run asks only for issues updated since the newest one stored, and its first
page conditionally (If-None-Match): an unchanged repository costs one request that GitHub does
not count. Rate limits are waited out: the primary one until X-RateLimit-Reset, secondary ones
for Retry-After. Without a token GitHub allows 60 requests an hour; a fine-grained token needs
"Issues: read" (and "Issues: write" for write-back).

Examples:
  $ EIGHTBALL_GITHUB_TOKEN=github_pat_... eightball import github --repo webcompat/web-bugs
  $ eightball import github --repo OWNER/REPO --since 2025-01-01 --limit 200`,
    )
    .action(async (o, cmd: Command) => {
      const quiet = isQuiet(cmd);
      const config = configFrom(cmd, { githubToken: o.token });
      await runImport(
        quiet,
        o,
        (hooks) =>
          withStore(cmd, (store) =>
            importGithub(store, {
              ...hooks,
              repo: o.repo,
              token: config.githubToken,
              apiUrl: o.apiUrl,
              since: o.since,
              source: o.source,
              pageSize: Math.min(100, o.pageSize),
              limit: o.limit,
              strict: o.strict,
              rejectsPath: o.rejects,
              onRateLimit: (e) => {
                if (!quiet)
                  process.stderr.write(
                    `GitHub's ${e.kind} rate limit: waiting ${e.retryAfterSeconds} s before ${e.url}\n`,
                  );
              },
            }),
          ),
        (summary) => [
          summary.notModified
            ? 'nothing changed since the last run (304 Not Modified)'
            : summary.since
              ? `fetched issues updated since ${summary.since}`
              : 'fetched every issue',
          ...(summary.checkpoint ? [`next run starts from ${summary.checkpoint}`] : []),
        ],
      );
    });

  const jira = imp
    .command('jira')
    .description("import (and later sync) a Jira project's issues through its REST API")
    .requiredOption(
      '-u, --url <url>',
      'the site, e.g. https://issues.apache.org/jira or https://TEAM.atlassian.net',
    )
    .requiredOption('--project <key>', 'the project key, e.g. HIVE')
    .option('--jql <query>', 'more JQL, ANDed with the project (e.g. "issuetype in (Bug, Improvement)")')
    .option('--email <address>', 'Jira Cloud: the account e-mail for basic auth (or EIGHTBALL_JIRA_EMAIL)')
    .option(
      '--token <token>',
      'an API token (Cloud) or personal access token (Data Center); better: EIGHTBALL_JIRA_TOKEN',
    )
    .option(
      '--api <kind>',
      'cloud (nextPageToken search) or server (startAt search); default: cloud for *.atlassian.net',
    );
  trackerImportOptions(jira, {
    things: 'issues',
    defaultSource: 'jira:HOST:KEY',
    pageSize: 'issues per search request',
  })
    .addHelpText(
      'after',
      `
Searches by JQL (project = KEY [AND (--jql)] AND updated >= checkpoint ORDER BY updated), page by
page; the first component is the report's component, the issue type its category, and each
report links to /browse/KEY. With --email and --token it signs in as Jira Cloud wants (basic
auth with an API token); with --token alone the token is a bearer token (Data Center). The
next run starts a minute before the newest update stored (Jira compares minutes), so a few
issues come again as unchanged and none is missed. 429 and 5xx answers are retried with backoff.

Examples:
  $ eightball import jira --url https://issues.apache.org/jira --project HDFS --jql "issuetype = Bug"
  $ EIGHTBALL_JIRA_EMAIL=me@example.org EIGHTBALL_JIRA_TOKEN=... eightball import jira --url https://team.atlassian.net --project APP`,
    )
    .action(async (o, cmd: Command) => {
      const quiet = isQuiet(cmd);
      const config = configFrom(cmd, { jiraEmail: o.email, jiraToken: o.token });
      if (o.api !== undefined && o.api !== 'cloud' && o.api !== 'server') {
        process.stderr.write(`--api: "${o.api}" is not cloud or server\n`);
        process.exitCode = 2;
        return;
      }
      await runImport(
        quiet,
        o,
        (hooks) =>
          withStore(cmd, (store) =>
            importJira(store, {
              ...hooks,
              url: o.url,
              project: o.project,
              jql: o.jql,
              email: config.jiraEmail,
              token: config.jiraToken,
              api: o.api,
              since: o.since,
              source: o.source,
              pageSize: o.pageSize,
              limit: o.limit,
              strict: o.strict,
              rejectsPath: o.rejects,
              onRetry: retryPrinter(quiet),
            }),
          ),
        (summary) => [
          `searched: ${summary.jql}`,
          ...(summary.checkpoint ? [`next run starts from ${summary.checkpoint}`] : []),
        ],
      );
    });
}
